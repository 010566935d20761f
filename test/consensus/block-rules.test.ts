// The consensus rules for blocks (block-rules.ts) and seed chaining (seed-chain.ts), on the real
// ed25519 + ECVRF crypto, over blocks shaped like the node's (the view the node's Block satisfies).

import { bytesToHex } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";
import {
  ZERO_HASH,
  checkConsensusFields,
  checkProposerFields,
  verifyNextBlock,
  type ConsensusBlockView,
  type ConsensusHeader,
} from "../../src/consensus/block-rules.js";
import { buildCommitCertificate, commitCertificateHash, encodeCommitCertificate, type CommitCertificate } from "../../src/consensus/certificate.js";
import { drawRole, expectedCommitteeWeight, seedForNextHeight } from "../../src/consensus/committee.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { nextHeightInfo, seedAfter } from "../../src/consensus/seed-chain.js";
import { makeHeightContext, verifyProposerCredential, type HeightContext } from "../../src/consensus/verify.js";
import { MemoizingMessageVerifier } from "../../src/consensus/memo-verifier.js";
import { verifyCommitCertificate } from "../../src/consensus/certificate.js";
import { ValidatorSet } from "../../src/consensus/types.js";
import { validatorSetHash } from "../../src/consensus/validator-set-hash.js";
import { VoteSet } from "../../src/consensus/vote-set.js";
import { vrfProofToHash } from "../../src/consensus/vrf.js";
import type { Block } from "../../src/primitives/types.js";
import { MessageFactory, SEED, classicParams, makeValidators, sha256 } from "../helpers/engine-fixtures.js";

// The node's Block is a ConsensusBlockView as it is (compile-time check).
const nodeBlockIsAView = (b: Block): ConsensusBlockView => b;
void nodeBlockIsAView;

const crypto = createEd25519EcvrfCrypto();
const params = classicParams();
const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
const NEXT = validatorSetHash(vals.set);
const ctxOf = (height: number, seed: Uint8Array): HeightContext => makeHeightContext(crypto, params, vals.set, seed, height);

function proposerProof(i: number, ctx: HeightContext, round: number): Uint8Array {
  const s = vals.secrets[i]!;
  const v = vals.set.get(s.address)!;
  return drawRole(ctx, s.vrfSecret, v.vrfKey, v.stake, round, "propose").proof;
}

function certificate(height: number, seed: Uint8Array, valueHash: Uint8Array, voters: number[]): CommitCertificate {
  const f = new MessageFactory(crypto, params, vals, seed);
  const set = new VoteSet(height, 0, "precommit", expectedCommitteeWeight(params, vals.set.totalStake));
  for (const i of voters) set.add(f.vote(i, "precommit", height, 0, valueHash), 1n);
  return buildCommitCertificate(set, valueHash);
}

function block(header: ConsensusHeader, lastCommit: Uint8Array, tag: string): ConsensusBlockView {
  return { hash: sha256("block", tag), header, lastCommit };
}

const genesis = block({ number: 0n, seed: SEED, proposer: new Uint8Array(20), round: 0, proposerVrfProof: new Uint8Array(0), lastCommitHash: ZERO_HASH, nextValidatorsHash: NEXT }, new Uint8Array(0), "genesis");
const seed1 = seedAfter(genesis);
const ctx1 = ctxOf(1, seed1);
const b1 = block(
  { number: 1n, seed: seed1, proposer: vals.secrets[0]!.address, round: 0, proposerVrfProof: proposerProof(0, ctx1, 0), lastCommitHash: ZERO_HASH, nextValidatorsHash: NEXT },
  new Uint8Array(0),
  "b1",
);
const cert1 = certificate(1, seed1, b1.hash, [0, 1, 2]);
const cert1Bytes = encodeCommitCertificate(cert1);
const seed2 = seedAfter(b1);
const ctx2 = ctxOf(2, seed2);
const header2: ConsensusHeader = {
  number: 2n,
  seed: seed2,
  proposer: vals.secrets[1]!.address,
  round: 1,
  proposerVrfProof: proposerProof(1, ctx2, 1),
  lastCommitHash: commitCertificateHash(cert1),
  nextValidatorsHash: NEXT,
};
const b2 = block(header2, cert1Bytes, "b2");
const check = (b: ConsensusBlockView, ctx = ctx2, parent = b1) => checkConsensusFields(b, ctx, parent, params, crypto);
const with2 = (h: Partial<ConsensusHeader>, lastCommit = cert1Bytes) => block({ ...header2, ...h }, lastCommit, "b2'");

describe("seed chaining", () => {
  it("genesis fixes height 1's seed; later seeds chain through the proposer's VRF output", () => {
    expect(seed1).toEqual(SEED);
    const beta = vrfProofToHash(b1.header.proposerVrfProof)!;
    expect(seed2).toEqual(seedForNextHeight(seed1, beta, 1));
    // The proof-to-hash output is the one the credential check returns.
    expect(verifyProposerCredential(ctx1, b1.header.proposer, 0, b1.header.proposerVrfProof)).toEqual(beta);
    expect(seed2).not.toEqual(seed1);
    expect(seedAfter(b1, { proposerOutput: () => beta, nextSeed: seedForNextHeight })).toEqual(seed2);
    expect(() => seedAfter(with2({ proposerVrfProof: new Uint8Array(80).fill(0xff) }))).toThrow("committed block 2 has a malformed proposer VRF proof");
  });

  it("nextHeightInfo: the height after the head, its seed and the head's certificate", () => {
    expect(nextHeightInfo(genesis, null)).toEqual({ height: 1, seed: SEED, parentSeed: SEED, previousCommit: null, lastCommitHash: ZERO_HASH });
    const info = nextHeightInfo(b1, cert1Bytes);
    expect(info).toEqual({ height: 2, seed: seed2, parentSeed: seed1, previousCommit: cert1, lastCommitHash: commitCertificateHash(cert1) });
    expect(() => nextHeightInfo(b1, null)).toThrow("committed block 1 has no stored commit certificate");
    expect(() => nextHeightInfo(b1, new Uint8Array([9]))).toThrow(/^stored certificate of block 1 is corrupt: /);
  });
});

describe("block consensus fields", () => {
  it("a block with this height's seed, a valid credential and its parent's certificate passes", () => {
    expect(check(b1, ctx1, genesis)).toBeNull();
    expect(check(b2)).toBeNull();
    expect(checkProposerFields(b2.header, ctx2)).toBeNull();
  });

  it("a wrong height or seed fails", () => {
    expect(check(with2({ number: 3n }))).toBe("height 3 is not the height being agreed (2)");
    const other = sha256("another seed");
    expect(check(with2({ seed: other }))).toBe(`seed ${bytesToHex(other)} is not this height's seed`);
    expect(check(with2({ seed: seed1 }))).toBe(`seed ${bytesToHex(seed1)} is not this height's seed`);
  });

  it("a forged proposer credential fails", () => {
    const addr0 = vals.secrets[0]!.address;
    const expected = (round: number, who = addr0) => `proposer ${bytesToHex(who)} has no valid proposer credential for round ${round}`;
    // Validator 1's proof claimed by validator 0; a round-1 proof claimed for round 0; garbage; a non-validator.
    expect(check(with2({ proposer: addr0 }))).toBe(expected(1));
    expect(check(with2({ round: 0 }))).toBe(expected(0, vals.secrets[1]!.address));
    expect(check(with2({ proposer: addr0, proposerVrfProof: new Uint8Array(80) }))).toBe(expected(1));
    const stranger = sha256("stranger").subarray(0, 20);
    expect(check(with2({ proposer: stranger }))).toBe(expected(1, stranger));
    expect(bytesToHex(addr0)).toMatch(/^0x[0-9a-f]{40}$/);
    // A proof for height 2 under height 1's seed (the credential binds the seed).
    expect(checkProposerFields(header2, ctxOf(2, seed1))).toBe(expected(1, vals.secrets[1]!.address));
  });

  it("the parent certificate must be named by lastCommitHash, be for the parent and verify", () => {
    expect(check(with2({ lastCommitHash: sha256("x") }))).toBe("lastCommitHash is not the hash of the carried parent certificate");
    const forOther = certificate(1, seed1, sha256("another block"), [0, 1, 2]);
    expect(check(with2({ lastCommitHash: commitCertificateHash(forOther) }, encodeCommitCertificate(forOther)))).toBe("the carried certificate is not for the parent");
    const weak = { ...cert1, precommits: cert1.precommits.slice(0, 2) };
    expect(check(with2({ lastCommitHash: commitCertificateHash(weak) }, encodeCommitCertificate(weak)))).toMatch(
      /^the carried parent certificate does not verify: insufficient-weight/,
    );
    expect(check(with2({}, new Uint8Array([1, 2, 3])))).toMatch(/^parent certificate is malformed: /);
    expect(check(block({ ...b1.header, lastCommitHash: commitCertificateHash(cert1) }, new Uint8Array(0), "b1'"), ctx1, genesis)).toBe(
      "the first block must carry no parent certificate",
    );
    expect(check(block(b1.header, cert1Bytes, "b1''"), ctx1, genesis)).toBe("the first block must carry no parent certificate");
  });
});

describe("the next validator set in the header", () => {
  // Another set: validator 3 leaves, validator 0 doubles its stake (an epoch change).
  const changed = ValidatorSet.from([
    { ...vals.set.validators[0]!, stake: 2n },
    vals.set.validators[1]!,
    vals.set.validators[2]!,
  ]);

  it("hashes a set independently of member order, and any change of member, stake or key changes it", () => {
    expect(validatorSetHash(ValidatorSet.from([...vals.set.validators].reverse()))).toEqual(NEXT);
    expect(validatorSetHash(changed)).not.toEqual(NEXT);
    const restaked = ValidatorSet.from(vals.set.validators.map((v, i) => (i === 2 ? { ...v, stake: v.stake + 1n } : v)));
    expect(validatorSetHash(restaked)).not.toEqual(NEXT);
    const rekeyed = ValidatorSet.from(vals.set.validators.map((v, i) => (i === 1 ? { ...v, vrfKey: sha256("other vrf key") } : v)));
    expect(validatorSetHash(rekeyed)).not.toEqual(NEXT);
  });

  it("a block must name the set of the height after it", () => {
    expect(checkConsensusFields(b2, ctx2, b1, params, crypto, vals.set, vals.set)).toBeNull();
    // The same header where the next height opens an epoch with the changed set.
    expect(checkConsensusFields(b2, ctx2, b1, params, crypto, vals.set, changed)).toBe(
      `nextValidatorsHash ${bytesToHex(NEXT)} is not the next height's validator set (${bytesToHex(validatorSetHash(changed))})`,
    );
    expect(checkConsensusFields(with2({ nextValidatorsHash: validatorSetHash(changed) }), ctx2, b1, params, crypto, vals.set, changed)).toBeNull();
  });

  it("checks the parent certificate's votes through the verifier it is given (the node's memo: they were verified as the parent's certificate)", () => {
    const verifier = new MemoizingMessageVerifier();
    expect(verifyCommitCertificate(cert1, vals.set, seed1, params, crypto, { verifier }).ok).toBe(true);
    expect({ hits: verifier.hits, misses: verifier.misses }).toEqual({ hits: 0, misses: 3 });
    expect(checkConsensusFields(b2, ctx2, b1, params, crypto, vals.set, vals.set, verifier)).toBeNull();
    expect({ hits: verifier.hits, misses: verifier.misses }).toEqual({ hits: 3, misses: 3 });
    // A parent certificate whose votes the verifier rejects is refused as before.
    const forged = certificate(1, seed1, b1.hash, [0, 1, 2]);
    const badSig = { ...forged, precommits: forged.precommits.map((p, i) => (i === 0 ? { ...p, signature: new Uint8Array(64) } : p)) };
    const bad = with2({ lastCommitHash: commitCertificateHash(badSig) }, encodeCommitCertificate(badSig));
    expect(checkConsensusFields(bad, ctx2, b1, params, crypto, vals.set, vals.set, verifier)).toMatch(/the carried parent certificate does not verify/);
  });

  it("a light client steps from a trusted header to the next block with the named set and a certificate", () => {
    const trusted = { hash: b1.hash, header: b1.header };
    const candidate = { hash: b2.hash, header: { ...b2.header, parentHash: b1.hash } };
    const cert2 = certificate(2, seed2, b2.hash, [0, 1, 3]);
    expect(verifyNextBlock(trusted, candidate, cert2, vals.set, params, crypto)).toBeNull();
    // A peer that hands over another set (one it could forge a certificate with) is caught by the hash.
    expect(verifyNextBlock(trusted, candidate, cert2, changed, params, crypto)).toMatch(/^the set given is not the one the trusted header names: /);
    expect(verifyNextBlock(trusted, candidate, { ...cert2, precommits: cert2.precommits.slice(0, 2) }, vals.set, params, crypto)).toMatch(
      /^the certificate does not verify: insufficient-weight/,
    );
    expect(verifyNextBlock(trusted, candidate, certificate(2, seed2, sha256("other"), [0, 1, 2]), vals.set, params, crypto)).toBe("the certificate is not for this block");
    expect(verifyNextBlock(trusted, { ...candidate, header: { ...candidate.header, parentHash: sha256("elsewhere") } }, cert2, vals.set, params, crypto)).toBe(
      "the block does not extend the trusted header",
    );
  });
});
