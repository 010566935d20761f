// The prevotes or precommits of one (height, round, step), with weight tallies per value.
//
// Each voter counts once: a second identical vote is a duplicate, a second different vote is an
// equivocation that is reported to the caller (for evidence) and not counted.

import { toHex } from "./bytes.js";
import type { Vote } from "./messages.js";
import { signerHex, voteValueKey } from "./message-keys.js";
import type { VoteStep } from "./types.js";

export interface CountedVote {
  readonly vote: Vote;
  readonly weight: bigint;
}

export type AddVoteOutcome =
  | { readonly kind: "added" }
  | { readonly kind: "duplicate" }
  | { readonly kind: "conflict"; readonly existing: Vote };

// Outcomes carry no per-call data: one object each, not one per vote.
const ADDED: AddVoteOutcome = { kind: "added" };
const DUPLICATE: AddVoteOutcome = { kind: "duplicate" };

/** Tally key of a vote's value: the hash in hex, or "nil". */
export function valueKey(valueHash: Uint8Array | null): string {
  return valueHash === null ? "nil" : toHex(valueHash);
}

/** A counted vote with its tally key (valueKey of its value). */
interface Entry extends CountedVote {
  readonly key: string;
}

export class VoteSet {
  private readonly byVoter = new Map<string, Entry>();
  private readonly tallies = new Map<string, bigint>();
  private total = 0n;
  // Threshold crossings are recorded as votes arrive, so the engine's rule checks (run after every
  // event) are lookups rather than bigint arithmetic.
  private readonly quorumKeyList: string[] = [];
  private quorumAny = false;
  private oneThirdAny = false;
  /**
   * isQuorum(t, E) is 3t > 2E and exceedsOneThird(t, E) is 3t > E (committee.ts); for integers t
   * these are t > floor(2E/3) and t > floor(E/3), so each vote costs one comparison per threshold
   * instead of two bigint multiplications.
   */
  private readonly quorumAbove: bigint;
  private readonly oneThirdAbove: bigint;

  constructor(
    readonly height: number,
    readonly round: number,
    readonly step: VoteStep,
    /** min(tau, W): thresholds are fractions of the expected, not the drawn, committee weight. */
    readonly expectedWeight: bigint,
  ) {
    this.quorumAbove = (2n * expectedWeight) / 3n;
    this.oneThirdAbove = expectedWeight / 3n;
  }

  /** Cheap pre-check before signature verification: is this exact vote already counted? */
  isDuplicate(vote: Vote, voterHex: string = signerHex(vote)): boolean {
    const existing = this.byVoter.get(voterHex);
    return existing !== undefined && existing.key === voteValueKey(vote);
  }

  existingVote(voterHex: string): Vote | undefined {
    return this.byVoter.get(voterHex)?.vote;
  }

  /** Adds a vote whose signature, proof and weight the caller has verified. */
  add(vote: Vote, weight: bigint, voterHex: string = signerHex(vote)): AddVoteOutcome {
    if (vote.height !== this.height || vote.round !== this.round || vote.step !== this.step) {
      throw new Error("vote does not belong to this vote set");
    }
    const key = voteValueKey(vote);
    const existing = this.byVoter.get(voterHex);
    if (existing !== undefined) {
      return existing.key === key ? DUPLICATE : { kind: "conflict", existing: existing.vote };
    }
    this.byVoter.set(voterHex, { vote, weight, key });
    const tally = (this.tallies.get(key) ?? 0n) + weight;
    this.tallies.set(key, tally);
    this.total += weight;
    if (tally > this.quorumAbove && !this.quorumKeyList.includes(key)) this.quorumKeyList.push(key);
    if (!this.quorumAny) this.quorumAny = this.total > this.quorumAbove;
    if (!this.oneThirdAny) this.oneThirdAny = this.total > this.oneThirdAbove;
    return ADDED;
  }

  weightFor(valueHash: Uint8Array | null): bigint {
    return this.tallies.get(valueKey(valueHash)) ?? 0n;
  }

  get totalWeight(): bigint {
    return this.total;
  }

  get voterCount(): number {
    return this.byVoter.size;
  }

  hasQuorumFor(valueHash: Uint8Array | null): boolean {
    return this.quorumKeyList.includes(valueKey(valueHash));
  }

  /** 2f+1 of any values (Tendermint's "2f+1 ⟨·, h, r, ∗⟩"). */
  hasQuorumAny(): boolean {
    return this.quorumAny;
  }

  hasOneThirdAny(): boolean {
    return this.oneThirdAny;
  }

  /**
   * Value keys ("nil" or hash hex) that hold a quorum, in the order they reached it. Normally at most one;
   * with sampled committees a drawn committee heavier than 4/3 of the expected weight could hold two,
   * and callers then act on the first deterministically.
   */
  quorumKeys(): readonly string[] {
    return this.quorumKeyList;
  }

  /** The counted votes for one value (nil when valueHash is null), in arrival order. */
  votesFor(valueHash: Uint8Array | null): CountedVote[] {
    const key = valueKey(valueHash);
    const out: CountedVote[] = [];
    for (const cv of this.byVoter.values()) if (cv.key === key) out.push(cv);
    return out;
  }
}
