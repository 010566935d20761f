// The consensus byte helpers' fast paths (issue 13: hex through tables and a scratch buffer, u64 from a safe
// integer without a bigint, a size hint) must give exactly what the general paths give, errors included.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter, fromHex, toHex } from "../../src/consensus/bytes.js";
import { decodeMessage, encodeProposal } from "../../src/consensus/codec.js";
import { decodeSimBlock, encodeSimBlock } from "../../src/consensus/sim/sim-chain.js";

describe("toHex and fromHex", () => {
  it("decodes what toHex encodes, short and long, in either case", () => {
    for (const length of [0, 1, 2, 20, 32, 63, 64, 65, 200]) {
      const bytes = new Uint8Array(randomBytes(length));
      const hex = toHex(bytes);
      expect(hex).toBe(Buffer.from(bytes).toString("hex"));
      expect(fromHex(hex)).toEqual(bytes);
      expect(fromHex(hex.toUpperCase())).toEqual(bytes);
      expect(fromHex(hex)).toEqual(new Uint8Array(Buffer.from(hex, "hex")));
    }
    // A view into a larger buffer, and two keys in a row (the scratch is reused).
    const big = new Uint8Array(randomBytes(100));
    const a = toHex(big.subarray(10, 42));
    const b = toHex(big.subarray(50, 70));
    expect([a, b]).toEqual([Buffer.from(big.subarray(10, 42)).toString("hex"), Buffer.from(big.subarray(50, 70)).toString("hex")]);
  });

  it("rejects odd lengths and non-hex characters with the same message at every length", () => {
    for (const bad of ["a", "abc", "0g", "zz", "12 4", "é0", "0x12", `${"ab".repeat(40)}g0`, `${"ab".repeat(40)}0`]) {
      expect(() => fromHex(bad), bad).toThrow(`invalid hex: ${bad.slice(0, 16)}`);
    }
  });
});

describe("ByteWriter capacity", () => {
  it("hands over a buffer it filled exactly, and later writes leave that one alone", () => {
    const w = new ByteWriter(4).u32(0x01020304);
    const first = w.finish();
    expect(first).toEqual(Uint8Array.from([1, 2, 3, 4]));
    w.u8(9);
    expect(first).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(w.finish()).toEqual(Uint8Array.from([1, 2, 3, 4, 9]));
  });

  it("grows past any hint, including useless ones", () => {
    for (const hint of [1, 3, 0, -5, Number.NaN, 1.5]) {
      expect(new ByteWriter(hint).u64(7).fixed(new Uint8Array(300).fill(1), 300).finish().length, String(hint)).toBe(308);
    }
  });

  it("proposal and sim block encodings, written with their size stated up front, still round-trip", () => {
    const value = new Uint8Array(1000).fill(7);
    const proposal = { kind: "proposal", height: 3, round: 1, validRound: -1, proposer: new Uint8Array(20), valueHash: new Uint8Array(32), value, vrfProof: new Uint8Array(80), signature: new Uint8Array(64) } as const;
    const bytes = encodeProposal(proposal);
    expect(decodeMessage(bytes)).toEqual({ ok: true, value: proposal });
    const block = { parentHash: new Uint8Array(32), height: 3, proposer: new Uint8Array(20), proposerRound: 1, proposerProof: new Uint8Array(80), payload: value };
    const blockBytes = encodeSimBlock(block);
    expect(decodeSimBlock(blockBytes)).toEqual({ ok: true, value: block });
  });
});

describe("ByteWriter.u64", () => {
  it("writes a safe-integer number exactly as the same value as a bigint", () => {
    const values = [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER];
    for (const v of values) {
      const fromNumber = new ByteWriter().u64(v).finish();
      const fromBigint = new ByteWriter().u64(BigInt(v)).finish();
      expect(fromNumber, String(v)).toEqual(fromBigint);
      expect(new ByteReader(fromNumber).u64()).toBe(BigInt(v));
    }
  });

  it("still refuses negative and fractional numbers", () => {
    expect(() => new ByteWriter().u64(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().u64(1.5)).toThrow(RangeError);
  });

  it("keeps integers right across a buffer growth", () => {
    const w = new ByteWriter().fixed(new Uint8Array(250), 250).u64(2 ** 33 + 7).u32(0xdeadbeef);
    const r = new ByteReader(w.finish());
    r.fixed(250);
    expect(r.u64()).toBe(2n ** 33n + 7n);
    expect(r.u32()).toBe(0xdeadbeef);
  });
});
