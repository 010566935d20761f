// Verification of received proposals and votes: known validator, signature, VRF proof, and the
// weight recomputed from the proof. Pure functions of (message, height context), so a simulator may
// memoize them across nodes (see MemoizingMessageVerifier in sim/).

import { type RoleContext, type SortitionFunction, defaultSortition, priorityOf, verifyRoleDraw } from "./committee.js";
import type { ConsensusCrypto } from "./crypto.js";
import type { Proposal, Vote } from "./messages.js";
import { proposalSignBytes, voteSignBytes } from "./messages.js";
import type { ConsensusParams, ValidatorSet } from "./types.js";

/** Everything needed to judge messages of one height. */
export interface HeightContext extends RoleContext {
  readonly validatorSet: ValidatorSet;
}

export function makeHeightContext(
  crypto: ConsensusCrypto,
  params: ConsensusParams,
  validatorSet: ValidatorSet,
  seed: Uint8Array,
  height: number,
  sortition: SortitionFunction = defaultSortition,
): HeightContext {
  return { crypto, params, validatorSet, seed, height, totalStake: validatorSet.totalStake, sortition };
}

export type RejectReason = "unknown-validator" | "bad-signature" | "bad-proof" | "not-selected";

export type VoteVerdict = { ok: true; weight: bigint } | { ok: false; reason: RejectReason };
export type ProposalVerdict =
  | { ok: true; weight: bigint; beta: Uint8Array; priority: Uint8Array }
  | { ok: false; reason: RejectReason };

export function verifyVote(ctx: HeightContext, vote: Vote): VoteVerdict {
  const validator = ctx.validatorSet.get(vote.voter);
  if (validator === undefined) return { ok: false, reason: "unknown-validator" };
  if (!ctx.crypto.verifySignature(validator.signingKey, voteSignBytes(ctx.params.chainId, vote), vote.signature)) {
    return { ok: false, reason: "bad-signature" };
  }
  const draw = verifyRoleDraw(ctx, validator.vrfKey, validator.stake, vote.round, vote.step, vote.vrfProof);
  if (draw === null) return { ok: false, reason: "bad-proof" };
  if (draw.weight === 0n) return { ok: false, reason: "not-selected" };
  return { ok: true, weight: draw.weight };
}

export function verifyProposal(ctx: HeightContext, proposal: Proposal): ProposalVerdict {
  const validator = ctx.validatorSet.get(proposal.proposer);
  if (validator === undefined) return { ok: false, reason: "unknown-validator" };
  if (!ctx.crypto.verifySignature(validator.signingKey, proposalSignBytes(ctx.params.chainId, proposal), proposal.signature)) {
    return { ok: false, reason: "bad-signature" };
  }
  const draw = verifyRoleDraw(ctx, validator.vrfKey, validator.stake, proposal.round, "propose", proposal.vrfProof);
  if (draw === null) return { ok: false, reason: "bad-proof" };
  const priority = priorityOf(draw.beta, draw.weight);
  if (priority === null) return { ok: false, reason: "not-selected" };
  return { ok: true, weight: draw.weight, beta: draw.beta, priority };
}

/** The engine's verification strategy; the default verifies every message afresh. */
export interface MessageVerifier {
  verifyVote(ctx: HeightContext, vote: Vote): VoteVerdict;
  verifyProposal(ctx: HeightContext, proposal: Proposal): ProposalVerdict;
}

export const directMessageVerifier: MessageVerifier = { verifyVote, verifyProposal };

/**
 * For block validation and seed derivation: the VRF output of `proposer`'s propose-role proof for
 * (seed, height, round), or null unless the proof is valid and drew the proposer (j > 0). A block
 * records its builder's credential (see BuildProposal); the next seed derives from this output.
 */
export function verifyProposerCredential(ctx: HeightContext, proposer: Uint8Array, round: number, vrfProof: Uint8Array): Uint8Array | null {
  return verifyProposerDraw(ctx, proposer, round, vrfProof)?.beta ?? null;
}

/** `proposer`'s propose-role draw for (ctx, round) from its proof, or null unless valid with j > 0. */
export function verifyProposerDraw(ctx: HeightContext, proposer: Uint8Array, round: number, vrfProof: Uint8Array): { beta: Uint8Array; weight: bigint } | null {
  const validator = ctx.validatorSet.get(proposer);
  if (validator === undefined) return null;
  const draw = verifyRoleDraw(ctx, validator.vrfKey, validator.stake, round, "propose", vrfProof);
  return draw !== null && draw.weight > 0n ? { beta: draw.beta, weight: draw.weight } : null;
}
