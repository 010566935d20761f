// Committee arithmetic: which weight a validator has in a (height, round, step) role, and the
// quorum thresholds. This file is the engine's only door to the sortition (sortition.ts) and role
// (roles.ts) primitives, so their exact signatures matter in one place.

import { bytesEqual } from "./bytes.js";
import type { ConsensusCrypto } from "./crypto.js";
import { sortition } from "./sortition.js";
import { comparePriority, nextSeed, proposerPriority, sortitionAlpha } from "./roles.js";
import type { ConsensusParams, Step } from "./types.js";

/** sortition(beta, w, W, tau) -> j. Injectable so a simulator can memoize it across nodes. */
export type SortitionFunction = (beta: Uint8Array, w: bigint, W: bigint, tau: bigint) => bigint;

export const defaultSortition: SortitionFunction = sortition;

/** The expected number of stake units drawn for a role. */
export function roleTau(params: ConsensusParams, step: Step): bigint {
  return step === "propose" ? params.proposerTau : params.committeeTau;
}

/**
 * Whether every validator votes with its whole stake (tau >= W: Binomial(w, 1) = w). Votes then
 * carry no VRF proof: it could not change their weight, and a proof costs ~3 ms to make and ~2 ms
 * to check. Proposals always carry one (it ranks proposers and seeds the next height).
 */
export function isFullCommittee(params: ConsensusParams, totalStake: bigint): boolean {
  return params.committeeTau >= totalStake;
}

const NO_PROOF = new Uint8Array(0);

/** Expected committee weight min(tau, W): the denominator of every voting threshold. */
export function expectedCommitteeWeight(params: ConsensusParams, totalStake: bigint): bigint {
  return params.committeeTau < totalStake ? params.committeeTau : totalStake;
}

/** More than two thirds of the expected committee weight (strict, integer arithmetic). */
export function isQuorum(weight: bigint, expected: bigint): boolean {
  return 3n * weight > 2n * expected;
}

/** More than one third: at least one honest voter is among them (Tendermint's f+1). */
export function exceedsOneThird(weight: bigint, expected: bigint): boolean {
  return 3n * weight > expected;
}

export function roleAlpha(seed: Uint8Array, height: number, round: number, step: Step): Uint8Array {
  return sortitionAlpha(seed, BigInt(height), round, step);
}

export interface RoleDraw {
  readonly proof: Uint8Array;
  readonly beta: Uint8Array;
  /** j: the number of votes (stake units) drawn; 0 means not selected. */
  readonly weight: bigint;
}

/** Context shared by every role computation of one height. */
export interface RoleContext {
  readonly crypto: ConsensusCrypto;
  readonly params: ConsensusParams;
  readonly seed: Uint8Array;
  readonly height: number;
  readonly totalStake: bigint;
  readonly sortition: SortitionFunction;
}

/**
 * Our own draw for a role: prove, then weigh the output exactly as a receiver will. Our own fresh
 * proof is not verified (that would double the cost of every draw): it is valid by construction
 * once the secret is known to belong to `vrfKey`, which is checked instead.
 */
export function drawRole(ctx: RoleContext, vrfSecret: Uint8Array, vrfKey: Uint8Array, stake: bigint, round: number, step: Step): RoleDraw {
  if (step !== "propose" && isFullCommittee(ctx.params, ctx.totalStake)) return { proof: NO_PROOF, beta: NO_PROOF, weight: stake };
  if (!bytesEqual(ctx.crypto.vrfPublicKey(vrfSecret), vrfKey)) throw new Error("VRF secret and public key do not match");
  const { proof, output: beta } = ctx.crypto.vrfProve(vrfSecret, roleAlpha(ctx.seed, ctx.height, round, step));
  return { proof, beta, weight: ctx.sortition(beta, stake, ctx.totalStake, roleTau(ctx.params, step)) };
}

/** A received proof: the weight is recomputed from the proof, never read from the message. */
export function verifyRoleDraw(
  ctx: RoleContext,
  vrfKey: Uint8Array,
  stake: bigint,
  round: number,
  step: Step,
  proof: Uint8Array,
): { beta: Uint8Array; weight: bigint } | null {
  // A full committee's votes must carry the empty proof: one encoding per vote, nothing to verify.
  if (step !== "propose" && isFullCommittee(ctx.params, ctx.totalStake)) return proof.length === 0 ? { beta: NO_PROOF, weight: stake } : null;
  const beta = ctx.crypto.vrfVerify(vrfKey, roleAlpha(ctx.seed, ctx.height, round, step), proof);
  if (beta === null) return null;
  return { beta, weight: ctx.sortition(beta, stake, ctx.totalStake, roleTau(ctx.params, step)) };
}

/** Proposer priority (lower wins), or null when the draw selected no proposer votes. */
export function priorityOf(beta: Uint8Array, weight: bigint): Uint8Array | null {
  return weight > 0n ? proposerPriority(beta, weight) : null;
}

export function comparePriorities(a: Uint8Array, b: Uint8Array): number {
  return comparePriority(a, b);
}

/** The seed of height committedHeight + 1, from this height's seed and the committed block's proposer VRF output. */
export function seedForNextHeight(seed: Uint8Array, proposerBeta: Uint8Array, committedHeight: number): Uint8Array {
  return nextSeed(seed, proposerBeta, BigInt(committedHeight + 1));
}
