// Consensus rules for blocks. Why they live here and not in the node: whether a block may be the
// block of height h is a protocol rule every validator must apply identically (the header carries
// the seed of h, a proposer credential drawn by sortition for (seed, h, round), and a certificate
// proving its parent final), so it is stated once, next to the engine and its verification, over
// the small structural view below. The node's Block (src/primitives/types.ts) satisfies the view as
// is; the simulator's SimBlock maps onto the part of it it has (see sim/sim-chain.ts). The
// execution half of block validation lives in chain/block-builder.ts.
//
// This module imports nothing outside src/consensus/.

import { bytesEqual, toHex } from "./bytes.js";
import { commitCertificateHash, decodeCommitCertificate, verifyCommitCertificate, type CommitCertificate } from "./certificate.js";
import type { ConsensusCrypto } from "./crypto.js";
import { HASH_LENGTH, type ConsensusParams, type ValidatorSet } from "./types.js";
import { validatorSetHash } from "./validator-set-hash.js";
import { verifyProposerCredential, type HeightContext, type MessageVerifier } from "./verify.js";

/** The consensus fields of a block header. */
export interface ConsensusHeader {
  /** The block's height (the node's header number). */
  readonly number: bigint;
  /** The seed of this height (sortition input). */
  readonly seed: Uint8Array;
  /** The address whose propose-role credential the block carries. */
  readonly proposer: Uint8Array;
  /** The round of that credential. */
  readonly round: number;
  /** The proposer's VRF proof for (seed, height, round, "propose"). */
  readonly proposerVrfProof: Uint8Array;
  /** commitCertificateHash of the carried parent certificate; all zero at height 1. */
  readonly lastCommitHash: Uint8Array;
  /** validatorSetHash of the set that governs the next height. */
  readonly nextValidatorsHash: Uint8Array;
}

/** What the consensus rules see of a block. */
export interface ConsensusBlockView {
  readonly hash: Uint8Array;
  readonly header: ConsensusHeader;
  /** The encoded commit certificate of the parent; empty at height 1. */
  readonly lastCommit: Uint8Array;
}

/** The fields a proposer credential is judged on (all a header without seed or parent certificate has). */
export type ProposerCredentialFields = Pick<ConsensusHeader, "number" | "proposer" | "round" | "proposerVrfProof">;

/** The lastCommitHash of a block that carries no parent certificate (height 1). */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_LENGTH);

const hex = (b: Uint8Array): string => `0x${toHex(b)}`;

/** Why `h` is not a header of ctx.height, or null. */
export function checkHeight(h: Pick<ConsensusHeader, "number">, ctx: HeightContext): string | null {
  return BigInt(ctx.height) !== h.number ? `height ${h.number} is not the height being agreed (${ctx.height})` : null;
}

/** Why `h` does not carry ctx's seed, or null. */
export function checkSeed(h: Pick<ConsensusHeader, "seed">, ctx: HeightContext): string | null {
  return bytesEqual(h.seed, ctx.seed) ? null : `seed ${hex(h.seed)} is not this height's seed`;
}

/** Why `h`'s proposer credential does not verify for ctx (validator, valid proof, drawn), or null. */
export function checkProposerCredential(h: ProposerCredentialFields, ctx: HeightContext): string | null {
  if (verifyProposerCredential(ctx, h.proposer, h.round, h.proposerVrfProof) === null) {
    return `proposer ${hex(h.proposer)} has no valid proposer credential for round ${h.round}`;
  }
  return null;
}

/** Height and proposer credential: the rules a header without seed or parent certificate fields is held to. */
export function checkProposerFields(h: ProposerCredentialFields, ctx: HeightContext): string | null {
  return checkHeight(h, ctx) ?? checkProposerCredential(h, ctx);
}

/**
 * Returns why `block` cannot be the block of ctx.height on top of `parent`, or null when it can.
 * `parentSet` is the validator set of the parent's height, which certified it (another set than
 * ctx's when the block opens an epoch).
 */
export function checkConsensusFields(
  block: ConsensusBlockView,
  ctx: HeightContext,
  parent: ConsensusBlockView,
  params: ConsensusParams,
  crypto: ConsensusCrypto,
  parentSet: ValidatorSet = ctx.validatorSet,
  nextSet: ValidatorSet = ctx.validatorSet,
  verifier?: MessageVerifier,
): string | null {
  const h = block.header;
  return (
    checkHeight(h, ctx) ??
    checkSeed(h, ctx) ??
    checkProposerCredential(h, ctx) ??
    checkNextValidators(h, nextSet) ??
    checkLastCommit(block, parentSet, parent, params, crypto, verifier)
  );
}

/** Why `h` does not name `nextSet` (the set of the height after it) as its next validators, or null. */
export function checkNextValidators(h: Pick<ConsensusHeader, "nextValidatorsHash">, nextSet: ValidatorSet): string | null {
  const expected = validatorSetHash(nextSet);
  return bytesEqual(h.nextValidatorsHash, expected) ? null : `nextValidatorsHash ${hex(h.nextValidatorsHash)} is not the next height's validator set (${hex(expected)})`;
}

/**
 * A light client's step (CometBFT's light verification, sequential): given a header it trusts, a
 * candidate next block with the certificate that finalised it, and the set the peer claims governs
 * it, checks the set is the one the trusted header named and that the certificate proves the
 * candidate final under it. Returns why not, or null.
 */
export function verifyNextBlock(
  trusted: { readonly header: Pick<ConsensusHeader, "number" | "nextValidatorsHash">; readonly hash: Uint8Array },
  candidate: { readonly hash: Uint8Array; readonly header: Pick<ConsensusHeader, "number" | "seed"> & { readonly parentHash: Uint8Array } },
  certificate: CommitCertificate,
  set: ValidatorSet,
  params: ConsensusParams,
  crypto: ConsensusCrypto,
): string | null {
  if (candidate.header.number !== trusted.header.number + 1n || !bytesEqual(candidate.header.parentHash, trusted.hash)) return "the block does not extend the trusted header";
  const named = checkNextValidators(trusted.header, set);
  if (named) return `the set given is not the one the trusted header names: ${named}`;
  if (BigInt(certificate.height) !== candidate.header.number || !bytesEqual(certificate.valueHash, candidate.hash)) return "the certificate is not for this block";
  const verdict = verifyCommitCertificate(certificate, set, candidate.header.seed, params, crypto);
  return verdict.ok ? null : `the certificate does not verify: ${verdict.reason}${verdict.voter ? ` (voter ${verdict.voter})` : ""}`;
}

/** The block's parent certificate: any valid certificate of the parent will do (validators hold
 * different precommit subsets), as long as the header names the one the block carries. */
export function checkLastCommit(
  block: ConsensusBlockView,
  parentSet: ValidatorSet,
  parent: ConsensusBlockView,
  params: ConsensusParams,
  crypto: ConsensusCrypto,
  verifier?: MessageVerifier,
): string | null {
  const h = block.header;
  if (parent.header.number === 0n) {
    if (block.lastCommit.length !== 0 || !bytesEqual(h.lastCommitHash, ZERO_HASH)) return "the first block must carry no parent certificate";
    return null;
  }
  const decoded = decodeCommitCertificate(block.lastCommit);
  if (!decoded.ok) return `parent certificate is malformed: ${decoded.error}`;
  const cert = decoded.value;
  if (!bytesEqual(commitCertificateHash(cert), h.lastCommitHash)) return "lastCommitHash is not the hash of the carried parent certificate";
  if (BigInt(cert.height) !== parent.header.number || !bytesEqual(cert.valueHash, parent.hash)) return "the carried certificate is not for the parent";
  const verdict = verifyCommitCertificate(cert, parentSet, parent.header.seed, params, crypto, verifier ? { verifier } : {});
  if (!verdict.ok) return `the carried parent certificate does not verify: ${verdict.reason}${verdict.voter ? ` (voter ${verdict.voter})` : ""}`;
  return null;
}
