import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage } from "../../src/consensus/codec.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { proposalSignBytes, voteSignBytes } from "../../src/consensus/messages.js";
import { decodePersistedState, encodePersistedState, type PersistedConsensusState } from "../../src/consensus/signing-record.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import { MessageFactory, blockHash, classicParams, makeValidators, sha256 } from "../helpers/engine-fixtures.js";

const crypto = createSimulatedInsecureCrypto();
const params = classicParams();
const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
const f = new MessageFactory(crypto, params, vals);
// A sampled committee (tau < W): votes carry their 80-byte VRF proof.
const sampled = new MessageFactory(crypto, { ...params, committeeTau: 2n, proposerTau: 2n }, makeValidators(crypto, [10n, 10n, 10n, 10n]));
const value = new TextEncoder().encode("a block");

/** Deterministic pseudo-random bytes for fuzzing. */
function fuzzBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("message codec", () => {
  const messages = [
    f.proposal(0, 7, 0, value),
    f.proposal(1, 7, 3, value, 2),
    f.proposal(2, 2 ** 40, 9, new Uint8Array(0)),
    f.vote(0, "prevote", 7, 0, blockHash(value)),
    f.vote(1, "prevote", 7, 5, null),
    f.vote(2, "precommit", 7, 1, blockHash(value)),
    f.vote(3, "precommit", 7, 2, null),
    sampled.vote(0, "prevote", 7, 0, blockHash(value)),
    sampled.vote(1, "precommit", 7, 1, null),
  ];

  it("round-trips proposals and votes exactly, with compact sizes", () => {
    for (const m of messages) {
      const bytes = encodeMessage(m);
      const decoded = decodeMessage(bytes);
      expect(decoded).toEqual({ ok: true, value: m });
    }
    // Everyone votes (tau >= W): no proof, only its zero length byte.
    expect(encodeMessage(messages[3]!).length).toBe(2 + 8 + 4 + 1 + 32 + 20 + 1 + 64);
    expect(encodeMessage(messages[4]!).length).toBe(2 + 8 + 4 + 1 + 20 + 1 + 64);
    // A sampled committee's vote carries its proof.
    expect(encodeMessage(messages[7]!).length).toBe(2 + 8 + 4 + 1 + 32 + 20 + 1 + 80 + 64);
    expect(encodeMessage(messages[8]!).length).toBe(2 + 8 + 4 + 1 + 20 + 1 + 80 + 64);
    expect(encodeMessage(messages[0]!).length).toBe(2 + 8 + 4 + 4 + 20 + 32 + 80 + 64 + 4 + value.length);
  });

  it("rejects every truncation and any trailing byte without throwing", () => {
    for (const m of messages) {
      const bytes = encodeMessage(m);
      for (let n = 0; n < bytes.length; n++) expect(decodeMessage(bytes.subarray(0, n)).ok).toBe(false);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      expect(decodeMessage(longer).ok).toBe(false);
    }
  });

  it("rejects bad versions, tags, flags, rounds and lengths", () => {
    const vote = encodeMessage(messages[3]!);
    const mutate = (bytes: Uint8Array, at: number, v: number) => {
      const c = bytes.slice();
      c[at] = v;
      return c;
    };
    expect(decodeMessage(mutate(vote, 0, 1))).toMatchObject({ ok: false, error: expect.stringContaining("version") });
    expect(decodeMessage(mutate(vote, 1, 9))).toMatchObject({ ok: false, error: expect.stringContaining("tag") });
    expect(decodeMessage(mutate(vote, 14, 2))).toMatchObject({ ok: false }); // nil flag must be 0 or 1
    expect(decodeMessage(mutate(vote, 10, 0x80))).toMatchObject({ ok: false }); // round above 2^31 - 1
    expect(decodeMessage(mutate(vote, 2, 0x01))).toMatchObject({ ok: false }); // height beyond 2^53
    const proofLengthAt = 2 + 8 + 4 + 1 + 32 + 20;
    expect(vote[proofLengthAt]).toBe(0);
    expect(decodeMessage(mutate(vote, proofLengthAt, 5))).toMatchObject({ ok: false, error: expect.stringContaining("proof length") });
    const proposal = encodeMessage(messages[1]!); // round 3, validRound 2
    expect(decodeMessage(mutate(proposal, 17, 4))).toMatchObject({ ok: false }); // validRound 3 is not below round 3
    const hugeLength = proposal.slice();
    new DataView(hugeLength.buffer).setUint32(2 + 8 + 4 + 4 + 20 + 32 + 80 + 64, 0xffffffff);
    expect(decodeMessage(hugeLength)).toMatchObject({ ok: false });
  });

  it("never throws on random garbage", () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = fuzzBytes(i, i % 300);
      if (i % 3 === 0 && bytes.length > 1) bytes[0] = 2; // reach past the version check
      if (i % 6 === 0 && bytes.length > 2) bytes[1] = 1 + (i % 3);
      expect(() => decodeMessage(bytes)).not.toThrow();
      expect(decodeMessage(bytes).ok).toBe(false);
    }
  });
});

describe("signature domain", () => {
  it("binds chain id, height, round, step, valid round, value and signer", () => {
    const base = { step: "prevote" as const, height: 5, round: 1, valueHash: blockHash(value), voter: vals.secrets[0]!.address };
    const bytes = voteSignBytes(params.chainId, base);
    const variants = [
      voteSignBytes(params.chainId + 1n, base),
      voteSignBytes(params.chainId, { ...base, height: 6 }),
      voteSignBytes(params.chainId, { ...base, round: 2 }),
      voteSignBytes(params.chainId, { ...base, step: "precommit" }),
      voteSignBytes(params.chainId, { ...base, valueHash: null }),
      voteSignBytes(params.chainId, { ...base, voter: vals.secrets[1]!.address }),
      proposalSignBytes(params.chainId, { height: 5, round: 1, validRound: -1, valueHash: base.valueHash, proposer: base.voter }),
      proposalSignBytes(params.chainId, { height: 5, round: 1, validRound: 0, valueHash: base.valueHash, proposer: base.voter }),
    ];
    const all = new Set([bytes, ...variants].map((b) => Buffer.from(b).toString("hex")));
    expect(all.size).toBe(variants.length + 1);
    expect(new TextDecoder().decode(bytes.subarray(0, 24))).toBe("verity/consensus/sign/v1");
  });

  it("real ed25519 signatures verify only for the signed bytes and key", () => {
    const real = createEd25519EcvrfCrypto();
    const secret = sha256("k");
    const pk = real.signingPublicKey(secret);
    const msg = new TextEncoder().encode("hello");
    const sig = real.sign(secret, msg);
    expect(sig.length).toBe(64);
    expect(real.verifySignature(pk, msg, sig)).toBe(true);
    expect(real.verifySignature(pk, new TextEncoder().encode("hellO"), sig)).toBe(false);
    expect(real.verifySignature(real.signingPublicKey(sha256("other")), msg, sig)).toBe(false);
    expect(real.verifySignature(pk, msg, sig.subarray(0, 63))).toBe(false);
    expect(real.verifySignature(new Uint8Array(32).fill(0xff), msg, sig)).toBe(false);
  });
});

describe("persisted state codec", () => {
  it("round-trips and rejects garbage", () => {
    const states: PersistedConsensusState[] = [
      { lastSigned: null, roundState: null },
      { lastSigned: f.vote(0, "precommit", 3, 2, blockHash(value)), roundState: null },
      {
        lastSigned: f.proposal(0, 3, 4, value, 2),
        roundState: {
          height: 3,
          round: 4,
          step: "prevote",
          lockedRound: 2,
          lockedValue: { hash: blockHash(value), value },
          validRound: 3,
          validValue: { hash: blockHash(value), value },
        },
      },
      { lastSigned: null, roundState: { height: 1, round: 0, step: "propose", lockedRound: -1, lockedValue: null, validRound: -1, validValue: null } },
    ];
    for (const s of states) {
      const bytes = encodePersistedState(s);
      expect(decodePersistedState(bytes)).toEqual({ ok: true, value: s });
      for (let n = 0; n < bytes.length; n++) expect(decodePersistedState(bytes.subarray(0, n)).ok).toBe(false);
    }
    for (let i = 0; i < 500; i++) expect(() => decodePersistedState(fuzzBytes(i, i % 200))).not.toThrow();
  });
});
