// Pure codecs: the gossip envelope, topic names and the sync wire formats.
import { randomBytes } from "node:crypto";
import { encodeTxBatch } from "../../src/p2p/tx-batch.js";
import { describe, expect, it } from "vitest";
import { decodeEnvelope, encodeEnvelope, EnvelopeError } from "../../src/p2p/envelope.js";
import { GOSSIP_RPC_MAX_BYTES, MAX_PAYLOAD_BYTES, TOPIC_KINDS, topicKind, topicName } from "../../src/p2p/topics.js";
import {
  SYNC_MAX_COUNT,
  decodeBlocksRequest,
  decodeStatus,
  encodeBlocksRequest,
  encodeBlocksResponse,
  encodeStatus,
} from "../../src/p2p/sync-codec.js";
import { ProtocolViolation } from "../../src/p2p/stream-io.js";
import { bytes } from "../helpers/p2p.js";

describe("topics", () => {
  it("carry the chain id and map back to their kind only on that chain", () => {
    expect(topicName(1337n, "vote")).toBe("/verity/1337/votes/1");
    expect(topicName(1337n, "tx")).toBe("/verity/1337/transactions/1");
    for (const kind of TOPIC_KINDS) {
      expect(topicKind(1337n, topicName(1337n, kind))).toBe(kind);
      expect(topicKind(1n, topicName(1337n, kind))).toBeUndefined();
    }
  });

  it("limits stay under gossipsub's 4 MiB frame with room for RPC overhead", () => {
    for (const kind of TOPIC_KINDS) expect(MAX_PAYLOAD_BYTES[kind] + 2).toBeLessThanOrEqual(GOSSIP_RPC_MAX_BYTES - 256 * 1024);
    expect(MAX_PAYLOAD_BYTES.vote).toBe(4096);
    // A tx payload is a batch (p2p/tx-batch.ts): it must hold one transaction of the pool's 128 KiB limit.
    expect(MAX_PAYLOAD_BYTES.tx).toBeGreaterThanOrEqual(encodeTxBatch([new Uint8Array(128 * 1024).fill(1)]).length);
    expect(MAX_PAYLOAD_BYTES.tx).toBeLessThan(132 * 1024);
  });
});

describe("gossip envelope", () => {
  it("round-trips every kind, up to the limit exactly", () => {
    for (const kind of TOPIC_KINDS) {
      const payload = randomBytes(MAX_PAYLOAD_BYTES[kind]);
      const env = encodeEnvelope(kind, payload);
      expect(env[0]).toBe(1);
      const out = decodeEnvelope(kind, env);
      expect(out.ok && out.kind === kind && Buffer.from(out.payload).equals(payload)).toBe(true);
    }
  });

  it("a re-send (version 2) carries its counter, so the same payload gets a different gossip message id, and decodes to the same payload", () => {
    const payload = randomBytes(200);
    const plain = encodeEnvelope("vote", payload);
    const resends = [0, 1, 0xffff_ffff].map((n) => encodeEnvelope("vote", payload, n));
    const ids = new Set([plain, ...resends].map((e) => Buffer.from(e).toString("hex")));
    expect(ids.size).toBe(4);
    for (const [i, n] of [0, 1, 0xffff_ffff].entries()) {
      const env = resends[i]!;
      expect([env[0], env.length]).toEqual([2, 206]);
      const out = decodeEnvelope("vote", env);
      expect(out.ok && Buffer.from(out.payload).equals(payload) && out.resend === n).toBe(true);
    }
    const old = decodeEnvelope("vote", plain);
    expect(old.ok && old.resend === undefined && Buffer.from(old.payload).equals(payload)).toBe(true);
    // The size limit is the payload's, whatever the header.
    const full = encodeEnvelope("vote", randomBytes(MAX_PAYLOAD_BYTES.vote), 5);
    expect(decodeEnvelope("vote", full).ok).toBe(true);
    expect(decodeEnvelope("vote", Uint8Array.of(...full, 1)).ok).toBe(false);
    expect(() => encodeEnvelope("vote", payload, -1)).toThrow(EnvelopeError);
    expect(() => encodeEnvelope("vote", payload, 2 ** 32)).toThrow(EnvelopeError);
  });

  it("refuses to encode an oversized payload", () => {
    expect(() => encodeEnvelope("vote", new Uint8Array(4097))).toThrow(EnvelopeError);
  });

  it("rejects wrong version, wrong kind, truncated, empty and oversized input with a reason", () => {
    const vote = encodeEnvelope("vote", bytes(9, 9));
    const cases: Array<[Uint8Array, RegExp]> = [
      [bytes(3, 1, 9), /version 3/],
      [bytes(2, 1, 0, 0, 0), /truncated/],
      [bytes(2, 1, 0, 0, 0, 7), /empty payload/],
      [vote, /kind 3 on the tx topic/],
      [bytes(1), /truncated/],
      [bytes(), /truncated/],
      [bytes(1, 1), /empty payload/],
      [new Uint8Array(MAX_PAYLOAD_BYTES.tx + 3), /oversized/],
    ];
    for (const [data, reason] of cases) {
      const out = decodeEnvelope("tx", data);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.reason).toMatch(reason);
    }
  });

  it("never throws on random garbage", () => {
    for (let i = 0; i < 2000; i++) {
      const data = randomBytes(i % 64);
      for (const kind of TOPIC_KINDS) expect(() => decodeEnvelope(kind, data)).not.toThrow();
    }
  });
});

describe("sync wire formats", () => {
  it("requests are 10 bytes, round-trip, clamp the count and refuse garbage", () => {
    const req = encodeBlocksRequest({ fromHeight: 2n ** 63n + 5n, count: 7 });
    expect(req.length).toBe(10);
    expect(decodeBlocksRequest(req)).toEqual({ fromHeight: 2n ** 63n + 5n, count: 7 });
    expect(decodeBlocksRequest(encodeBlocksRequest({ fromHeight: 1n, count: 60_000 }))?.count).toBe(SYNC_MAX_COUNT);
    expect(decodeBlocksRequest(bytes(0, 0, 0, 0, 0, 0, 0, 1, 0, 0))).toBeUndefined(); // count 0
    expect(decodeBlocksRequest(bytes(1, 2, 3))).toBeUndefined();
    expect(() => encodeBlocksRequest({ fromHeight: -1n, count: 1 })).toThrow(RangeError);
    expect(() => encodeBlocksRequest({ fromHeight: 1n, count: 70_000 })).toThrow(RangeError);
  });

  it("responses are a u16 count then u32-prefixed block and certificate per item", () => {
    const parts = encodeBlocksResponse([{ block: bytes(0xaa, 0xbb), certificate: bytes(0xcc) }]);
    expect(hexOf(parts)).toBe("0001" + "00000002aabb" + "00000001cc");
  });

  it("status is 40 bytes and a wrong-sized status is a protocol violation", () => {
    const status = { headHeight: 1234n, headHash: new Uint8Array(32).fill(7) };
    const enc = encodeStatus(status);
    expect(enc.length).toBe(40);
    expect(decodeStatus(enc)).toEqual(status);
    expect(() => decodeStatus(enc.subarray(0, 39))).toThrow(ProtocolViolation);
  });
});

function hexOf(parts: Uint8Array[]): string {
  return parts.map((p) => Buffer.from(p).toString("hex")).join("");
}
