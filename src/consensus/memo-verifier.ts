// Verification is a pure function of (message, validator set, seed, params), and in a simulation
// a thousand nodes (or a node's several in-process validators) verify the same messages; this computes each
// verdict once and shares it. Keys are the full message encoding plus the seed and the validator
// set (sets change at epoch boundaries), so a different message or set can never hit another's
// verdict; messages are immutable, so the same object may also be looked up by identity first.
// Bounded: the keyed maps are cleared wholesale when full.

import { bytesEqual, toHex } from "./bytes.js";
import type { SortitionFunction } from "./committee.js";
import { encodeProposal, encodeVote } from "./codec.js";
import type { Proposal, Vote } from "./messages.js";
import type { ValidatorSet } from "./types.js";
import { type HeightContext, type MessageVerifier, type ProposalVerdict, type VoteVerdict, verifyProposal, verifyVote } from "./verify.js";

interface IdentityMemo<V> {
  readonly set: ValidatorSet;
  readonly seed: Uint8Array;
  readonly verdict: V;
}

function sameVote(a: Vote, b: Vote): boolean {
  return (
    a.step === b.step &&
    a.height === b.height &&
    a.round === b.round &&
    (a.valueHash === null ? b.valueHash === null : b.valueHash !== null && bytesEqual(a.valueHash, b.valueHash)) &&
    bytesEqual(a.voter, b.voter) &&
    bytesEqual(a.vrfProof, b.vrfProof) &&
    bytesEqual(a.signature, b.signature)
  );
}

export class MemoizingMessageVerifier implements MessageVerifier {
  /** Fast path: the simulator delivers one decoded object to every receiver. */
  private readonly byObject = new WeakMap<object, IdentityMemo<VoteVerdict | ProposalVerdict>>();
  private readonly bySignature = new WeakMap<Uint8Array, IdentityMemo<VoteVerdict> & { readonly vote: Vote }>();
  private readonly votes = new Map<string, VoteVerdict>();
  private readonly proposals = new Map<string, ProposalVerdict>();
  /** Each (immutable) validator set seen gets a number that prefixes its keys. */
  private readonly setIds = new WeakMap<ValidatorSet, number>();
  private nextSetId = 0;
  private lastVote: Vote | null = null;
  private lastSet: ValidatorSet | null = null;
  private lastSeed: Uint8Array | null = null;
  private lastVerdict: VoteVerdict | null = null;
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 1_000_000) {}

  private setKey(set: ValidatorSet): string {
    let id = this.setIds.get(set);
    if (id === undefined) {
      id = this.nextSetId++;
      this.setIds.set(set, id);
    }
    return `${id}:`;
  }

  verifyVote(ctx: HeightContext, vote: Vote): VoteVerdict {
    // The simulator hands one vote object to its validators one after another: the last one first.
    if (this.lastVote === vote && this.lastSet === ctx.validatorSet && this.lastSeed !== null && bytesEqual(this.lastSeed, ctx.seed)) {
      this.hits++;
      return this.lastVerdict as VoteVerdict;
    }
    const verdict = this.verifyVoteOnce(ctx, vote);
    // Fields rather than one object: this runs for every delivered vote.
    this.lastVote = vote;
    this.lastSet = ctx.validatorSet;
    this.lastSeed = ctx.seed;
    this.lastVerdict = verdict;
    return verdict;
  }

  private verifyVoteOnce(ctx: HeightContext, vote: Vote): VoteVerdict {
    const known = this.byObject.get(vote);
    if (known !== undefined && known.set === ctx.validatorSet && bytesEqual(known.seed, ctx.seed)) {
      this.hits++;
      return known.verdict as VoteVerdict;
    }
    // Certificates rebuild vote objects around the same signature bytes: look those up next, and
    // reuse the verdict only when every field of the vote is the same.
    const bySig = this.bySignature.get(vote.signature);
    if (bySig !== undefined && bySig.set === ctx.validatorSet && bytesEqual(bySig.seed, ctx.seed) && sameVote(bySig.vote, vote)) {
      this.hits++;
      return bySig.verdict;
    }
    const set = ctx.validatorSet;
    const verdict = this.memo(this.votes, this.setKey(set) + toHex(ctx.seed) + toHex(encodeVote(vote)), () => verifyVote(ctx, vote));
    this.byObject.set(vote, { set, seed: ctx.seed, verdict });
    this.bySignature.set(vote.signature, { set, seed: ctx.seed, verdict, vote });
    return verdict;
  }

  verifyProposal(ctx: HeightContext, proposal: Proposal): ProposalVerdict {
    // The block bytes do not affect the verdict (signatures cover the hash): key without them.
    const known = this.byObject.get(proposal);
    const set = ctx.validatorSet;
    if (known !== undefined && known.set === set && bytesEqual(known.seed, ctx.seed)) {
      this.hits++;
      return known.verdict as ProposalVerdict;
    }
    const key = this.setKey(set) + toHex(ctx.seed) + toHex(encodeProposal({ ...proposal, value: new Uint8Array(0) }));
    const verdict = this.memo(this.proposals, key, () => verifyProposal(ctx, proposal));
    this.byObject.set(proposal, { set, seed: ctx.seed, verdict });
    return verdict;
  }

  private memo<V>(map: Map<string, V>, key: string, compute: () => V): V {
    const hit = map.get(key);
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    this.misses++;
    if (map.size >= this.maxEntries) map.clear();
    const v = compute();
    map.set(key, v);
    return v;
  }
}

/** Shares sortition results across simulated nodes (same inputs, same j). Bounded like the verifier. */
export function memoizedSortition(inner: SortitionFunction, maxEntries = 1_000_000): SortitionFunction {
  const memo = new Map<string, bigint>();
  return (beta, w, W, tau) => {
    const key = `${toHex(beta)}:${w}:${W}:${tau}`;
    let j = memo.get(key);
    if (j === undefined) {
      if (memo.size >= maxEntries) memo.clear();
      j = inner(beta, w, W, tau);
      memo.set(key, j);
    }
    return j;
  };
}

export type NextSeedFunction = (seed: Uint8Array, proposerBeta: Uint8Array, committedHeight: number) => Uint8Array;

/** Shares next-seed derivations across simulated chains (every node derives the same seeds). */
export function memoizedNextSeed(inner: NextSeedFunction, maxEntries = 100_000): NextSeedFunction {
  const memo = new Map<string, Uint8Array>();
  return (seed, beta, height) => {
    const key = `${toHex(seed)}:${toHex(beta)}:${height}`;
    let next = memo.get(key);
    if (next === undefined) {
      if (memo.size >= maxEntries) memo.clear();
      next = inner(seed, beta, height);
      memo.set(key, next);
    }
    return next;
  };
}
