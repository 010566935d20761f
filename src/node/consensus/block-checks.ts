// The consensus half of block validation: a block is only acceptable at height h if its header
// carries the seed of h, a proposer credential that verifies (the proposer is a validator whose VRF
// proof for the propose role of (seed, h, round) is valid and drew it), and a parent certificate
// that proves the parent final. The execution half lives in chain/block-builder.ts.
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { Block } from "../../primitives/types.js";
import { ZERO_HASH } from "../../primitives/hash.js";
import { commitCertificateHash, decodeCommitCertificate, verifyCommitCertificate, type CommitCertificate } from "../../consensus/certificate.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import type { ConsensusParams } from "../../consensus/types.js";
import { verifyProposerCredential, type HeightContext } from "../../consensus/verify.js";

/** Returns why `block` cannot be the block of ctx.height on top of `parent`, or null when it can. */
export function checkConsensusFields(block: Block, ctx: HeightContext, parent: Block, params: ConsensusParams, crypto: ConsensusCrypto): string | null {
  const h = block.header;
  if (BigInt(ctx.height) !== h.number) return `height ${h.number} is not the height being agreed (${ctx.height})`;
  if (!equalsBytes(h.seed, ctx.seed)) return `seed ${bytesToHex(h.seed)} is not this height's seed`;
  if (verifyProposerCredential(ctx, h.proposer, h.round, h.proposerVrfProof) === null)
    return `proposer ${bytesToHex(h.proposer)} has no valid proposer credential for round ${h.round}`;
  return checkLastCommit(block, ctx, parent, params, crypto);
}

/** The block's parent certificate: any valid certificate of the parent will do (validators hold
 * different precommit subsets), as long as the header names the one the block carries. */
export function checkLastCommit(block: Block, ctx: HeightContext, parent: Block, params: ConsensusParams, crypto: ConsensusCrypto): string | null {
  const h = block.header;
  if (parent.header.number === 0n) {
    if (block.lastCommit.length !== 0 || !equalsBytes(h.lastCommitHash, ZERO_HASH)) return "the first block must carry no parent certificate";
    return null;
  }
  const decoded = decodeCommitCertificate(block.lastCommit);
  if (!decoded.ok) return `parent certificate is malformed: ${decoded.error}`;
  const cert = decoded.value;
  if (!equalsBytes(commitCertificateHash(cert), h.lastCommitHash)) return "lastCommitHash is not the hash of the carried parent certificate";
  if (BigInt(cert.height) !== parent.header.number || !equalsBytes(cert.valueHash, parent.hash)) return "the carried certificate is not for the parent";
  const verdict = verifyCommitCertificate(cert, ctx.validatorSet, parent.header.seed, params, crypto);
  if (!verdict.ok) return `the carried parent certificate does not verify: ${verdict.reason}${verdict.voter ? ` (voter ${verdict.voter})` : ""}`;
  return null;
}

/**
 * A block obtained with its commit certificate (sync, or a committed-block announcement) may be
 * committed without taking part in its agreement once the certificate proves it final: a quorum of
 * this height's sortition-weighted precommits for exactly this block. Returns the decoded
 * certificate, or why the pair is unacceptable on top of `parent`.
 */
export function checkFinalizedBlock(
  block: Block,
  cert: CommitCertificate,
  ctx: HeightContext,
  parent: Block,
  params: ConsensusParams,
  crypto: ConsensusCrypto,
): string | null {
  if (BigInt(cert.height) !== block.header.number || !equalsBytes(cert.valueHash, block.hash)) return "the certificate is not for this block";
  const verdict = verifyCommitCertificate(cert, ctx.validatorSet, ctx.seed, params, crypto);
  if (!verdict.ok) return `the certificate does not verify: ${verdict.reason}${verdict.voter ? ` (voter ${verdict.voter})` : ""}`;
  return checkConsensusFields(block, ctx, parent, params, crypto);
}
