import { describe, expect, it } from "vitest";
import { toHex } from "../../src/consensus/bytes.js";
import {
  buildCommitCertificate,
  commitCertificateHash,
  decodeCommitCertificate,
  encodeCommitCertificate,
  verifyCommitCertificate,
  type CommitCertificate,
} from "../../src/consensus/certificate.js";
import { drawRole, expectedCommitteeWeight } from "../../src/consensus/committee.js";
import { makeHeightContext } from "../../src/consensus/verify.js";
import type { ConsensusCrypto } from "../../src/consensus/crypto.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import type { ConsensusParams } from "../../src/consensus/types.js";
import { VoteSet } from "../../src/consensus/vote-set.js";
import { MessageFactory, SEED, blockHash, classicParams, makeValidators, sha256, type TestValidators } from "../helpers/engine-fixtures.js";

const H = 9;
const R = 2;
const value = blockHash(new TextEncoder().encode("committed block"));

/** Precommits for `value` from validators in order until the set has a quorum. */
function certify(crypto: ConsensusCrypto, params: ConsensusParams, vals: TestValidators): { cert: CommitCertificate; set: VoteSet; factory: MessageFactory } {
  const factory = new MessageFactory(crypto, params, vals);
  const set = new VoteSet(H, R, "precommit", expectedCommitteeWeight(params, vals.set.totalStake));
  for (let i = 0; i < vals.secrets.length && !set.hasQuorumFor(value); i++) {
    const w = factory.weight(i, H, R, "precommit");
    if (w > 0n) set.add(factory.vote(i, "precommit", H, R, value), w);
  }
  return { cert: buildCommitCertificate(set, value), set, factory };
}

describe.each([
  ["classic weighted BFT (tau >= W)", classicParams(), [5n, 3n, 2n, 7n, 1n]],
  ["sampled committee (tau < W)", { chainId: 4242n, committeeTau: 300n, proposerTau: 5n } as ConsensusParams, Array<bigint>(10).fill(100n)],
])("commit certificate, %s", (_name, params, stakes) => {
  const crypto = createSimulatedInsecureCrypto();
  const vals = makeValidators(crypto, stakes);
  const { cert, set } = certify(crypto, params, vals);

  it("verifies from the validator set and seed alone", () => {
    const verdict = verifyCommitCertificate(cert, vals.set, SEED, params, crypto);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(3n * verdict.weight > 2n * verdict.expectedWeight).toBe(true);
  });

  it("round-trips its canonical encoding, and its hash commits to every entry", () => {
    const bytes = encodeCommitCertificate(cert);
    expect(decodeCommitCertificate(bytes)).toEqual({ ok: true, value: cert });
    const fewer = { ...cert, precommits: cert.precommits.slice(1) };
    expect(toHex(commitCertificateHash(fewer))).not.toBe(toHex(commitCertificateHash(cert)));
    expect(commitCertificateHash(cert)).toHaveLength(32);
    for (let n = 0; n < bytes.length; n += 7) expect(decodeCommitCertificate(bytes.subarray(0, n)).ok).toBe(false);
    const reversed = { ...cert, precommits: [...cert.precommits].reverse() };
    expect(decodeCommitCertificate(encodeCommitCertificate(reversed)).ok).toBe(cert.precommits.length < 2);
  });

  it("rejects a certificate missing weight", () => {
    // The precommits were added until the quorum was reached: without the last one added it is short.
    const lastAdded = set.votesFor(value).at(-1)!.vote.voter;
    const short = { ...cert, precommits: cert.precommits.filter((p) => toHex(p.voter) !== toHex(lastAdded)) };
    expect(short.precommits.length).toBe(cert.precommits.length - 1);
    expect(verifyCommitCertificate(short, vals.set, SEED, params, crypto)).toMatchObject({ ok: false, reason: "insufficient-weight" });
  });

  it("rejects a forged signature, a wrong seed, another value, height or chain, and duplicates", () => {
    const forged = {
      ...cert,
      precommits: cert.precommits.map((p, i) => (i === 0 ? { ...p, signature: sha256("forged").slice(0, 32).reduce((acc, b, k) => ((acc[k] = b), acc), new Uint8Array(64)) } : p)),
    };
    expect(verifyCommitCertificate(forged, vals.set, SEED, params, crypto)).toMatchObject({ ok: false, reason: "bad-signature" });
    if (params.committeeTau >= vals.set.totalStake) {
      // Everyone votes with its whole stake: precommits carry no proof, so the seed cannot matter, and
      // a precommit that carries a proof anyway is malformed.
      expect(cert.precommits.every((p) => p.vrfProof.length === 0)).toBe(true);
      expect(verifyCommitCertificate(cert, vals.set, sha256("another seed"), params, crypto).ok).toBe(true);
      const withProof = { ...cert, precommits: cert.precommits.map((p, i) => (i === 0 ? { ...p, vrfProof: new Uint8Array(80) } : p)) };
      expect(verifyCommitCertificate(withProof, vals.set, SEED, params, crypto)).toMatchObject({ ok: false, reason: "bad-proof" });
    } else {
      expect(cert.precommits.every((p) => p.vrfProof.length === 80)).toBe(true);
      expect(verifyCommitCertificate(cert, vals.set, sha256("another seed"), params, crypto)).toMatchObject({ ok: false, reason: "bad-proof" });
      const withoutProof = { ...cert, precommits: cert.precommits.map((p, i) => (i === 0 ? { ...p, vrfProof: new Uint8Array(0) } : p)) };
      expect(verifyCommitCertificate(withoutProof, vals.set, SEED, params, crypto)).toMatchObject({ ok: false, reason: "bad-proof" });
    }
    expect(verifyCommitCertificate({ ...cert, valueHash: blockHash(new Uint8Array([7])) }, vals.set, SEED, params, crypto).ok).toBe(false);
    expect(verifyCommitCertificate({ ...cert, height: H + 1 }, vals.set, SEED, params, crypto).ok).toBe(false);
    expect(verifyCommitCertificate(cert, vals.set, SEED, { ...params, chainId: 1n }, crypto).ok).toBe(false);
    const dup = { ...cert, precommits: [...cert.precommits, cert.precommits[0]!] };
    expect(verifyCommitCertificate(dup, vals.set, SEED, params, crypto)).toMatchObject({ ok: false, reason: "duplicate-voter" });
    const others = makeValidators(crypto, stakes, "other");
    expect(verifyCommitCertificate(cert, others.set, SEED, params, crypto)).toMatchObject({ ok: false, reason: "unknown-validator" });
  });
});

describe("commit certificate with real ed25519 + ECVRF", () => {
  it("verifies, and rejects a forged signature", () => {
    const crypto = createEd25519EcvrfCrypto();
    const params = classicParams();
    const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
    const { cert } = certify(crypto, params, vals);
    expect(cert.precommits).toHaveLength(3);
    expect(verifyCommitCertificate(cert, vals.set, SEED, params, crypto).ok).toBe(true);
    const sig = cert.precommits[1]!.signature.slice();
    sig[10] = (sig[10] as number) ^ 0x40;
    const forged = { ...cert, precommits: cert.precommits.map((p, i) => (i === 1 ? { ...p, signature: sig } : p)) };
    expect(verifyCommitCertificate(forged, vals.set, SEED, params, crypto)).toMatchObject({ ok: false, reason: "bad-signature" });
  });
});

describe("own role draws", () => {
  it("refuse a VRF secret that does not belong to the validator's VRF key", () => {
    const crypto = createSimulatedInsecureCrypto();
    const params = { chainId: 4242n, committeeTau: 2n, proposerTau: 2n } as ConsensusParams;
    const vals = makeValidators(crypto, [10n, 10n]);
    const other = makeValidators(crypto, [10n], "stranger");
    const ctx = makeHeightContext(crypto, params, vals.set, SEED, 3);
    const own = vals.set.get(vals.secrets[0]!.address)!;
    expect(drawRole(ctx, vals.secrets[0]!.vrfSecret, own.vrfKey, own.stake, 0, "prevote").proof).toHaveLength(80);
    expect(() => drawRole(ctx, other.secrets[0]!.vrfSecret, own.vrfKey, own.stake, 0, "prevote")).toThrow(/do not match/);
  });
});
