// Everything the engine knows about one height: proposals and vote sets per round, block values by
// hash and their validation status. Also the intake of received messages: bounds on rounds,
// duplicate detection before the (costly) verification, verification, and equivocation evidence.

import { bytesEqual, compareBytes } from "./bytes.js";
import { comparePriorities, expectedCommitteeWeight } from "./committee.js";
import type { EngineCounters } from "./engine-types.js";
import { EvidencePool, proposalsEvidence, votesEvidence } from "./evidence.js";
import type { Proposal, Vote } from "./messages.js";
import { proposalValueKey, signerHex } from "./message-keys.js";
import type { HeightContext, MessageVerifier, RejectReason } from "./verify.js";
import { VoteSet } from "./vote-set.js";
import type { VoteStep } from "./types.js";

export interface ProposalCandidate {
  readonly proposal: Proposal;
  readonly hashHex: string;
  /** The proposer's address in hex: each new proposal is checked against the round's candidates by proposer. */
  readonly proposerHex: string;
  readonly priority: Uint8Array;
  /** Arrival order inside the height: the propose window freezes the candidates seen before it closed. */
  readonly arrival: number;
}

/** Candidate order: lowest priority first; same proposer (equivocation) falls back to the value hash. */
export function compareCandidates(a: ProposalCandidate, b: ProposalCandidate): number {
  return comparePriorities(a.priority, b.priority) || compareBytes(a.proposal.valueHash, b.proposal.valueHash);
}

export class RoundMessages {
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** Sorted best first. At most two per proposer (a third conflicting one only adds evidence). */
  readonly candidates: ProposalCandidate[] = [];

  constructor(
    height: number,
    readonly round: number,
    expectedWeight: bigint,
  ) {
    this.prevotes = new VoteSet(height, round, "prevote", expectedWeight);
    this.precommits = new VoteSet(height, round, "precommit", expectedWeight);
  }

  votes(step: VoteStep): VoteSet {
    return step === "prevote" ? this.prevotes : this.precommits;
  }
}

const MAX_ALTERNATES = 3;

export type BlockStatus = "pending" | "valid" | "invalid";

export type IntakeOutcome = "counted" | "dropped";

export class HeightState {
  readonly height: number;
  readonly expectedWeight: bigint;
  readonly rounds = new Map<number, RoundMessages>();
  /** The same rounds in the order they were opened (the map's order): the rule checks after every event walk this without an iterator. */
  readonly openedRounds: RoundMessages[] = [];
  /** Block bytes by hash hex, from proposals (or a synced decision): the version under validation or validated. */
  readonly values = new Map<string, Uint8Array>();
  /**
   * Other byte strings claimed under the same hash, tried in turn if the current one is invalid: a
   * byzantine proposer copying an honest block's hash with junk bytes must not get that block rejected.
   */
  readonly alternates = new Map<string, Uint8Array[]>();
  readonly blockStatus = new Map<string, BlockStatus>();
  private arrivals = 0;
  /** Rounds above the current round + 1 opened by each sender (bounded by catchupRoundsPerSender). */
  private readonly catchupRounds = new Map<string, Set<number>>();

  constructor(readonly ctx: HeightContext) {
    this.height = ctx.height;
    this.expectedWeight = expectedCommitteeWeight(ctx.params, ctx.validatorSet.totalStake);
  }

  roundMessages(round: number): RoundMessages {
    let rm = this.rounds.get(round);
    if (rm === undefined) {
      rm = new RoundMessages(this.height, round, this.expectedWeight);
      this.rounds.set(round, rm);
      this.openedRounds.push(rm);
    }
    return rm;
  }

  /**
   * Rounds up to current + 1 are always admitted; above that, each sender may open only a few
   * rounds, so a byzantine validator cannot make us store votes for unboundedly many rounds while an
   * honest majority ahead of us still brings us along (f+1 of them open the same round).
   */
  admitsRound(senderHex: string, round: number, currentRound: number, catchupLimit: number): boolean {
    if (round <= currentRound + 1 || this.rounds.has(round)) return true;
    let opened = this.catchupRounds.get(senderHex);
    if (opened === undefined) {
      opened = new Set();
      this.catchupRounds.set(senderHex, opened);
    }
    for (const r of opened) if (r <= currentRound + 1) opened.delete(r);
    if (opened.size >= catchupLimit) return false;
    opened.add(round);
    return true;
  }

  nextArrival(): number {
    return this.arrivals++;
  }

  /** Verifies and counts a received vote; reports why it was dropped through the counters. */
  intakeVote(vote: Vote, verifier: MessageVerifier, evidence: EvidencePool, counters: EngineCounters): IntakeOutcome {
    const set = this.roundMessages(vote.round).votes(vote.step);
    const voterHex = signerHex(vote);
    if (set.isDuplicate(vote, voterHex)) {
      counters.duplicate++;
      return "dropped";
    }
    const verdict = verifier.verifyVote(this.ctx, vote);
    if (!verdict.ok) {
      countRejection(counters, verdict.reason);
      return "dropped";
    }
    const outcome = set.add(vote, verdict.weight, voterHex);
    if (outcome.kind === "duplicate") {
      counters.duplicate++;
      return "dropped";
    }
    if (outcome.kind === "conflict") {
      counters.equivocations++;
      evidence.add(votesEvidence(outcome.existing, vote));
      return "dropped";
    }
    counters.accepted++;
    return "counted";
  }

  /** Verifies and stores a received proposal as a candidate; its block still needs validation. */
  intakeProposal(proposal: Proposal, verifier: MessageVerifier, evidence: EvidencePool, counters: EngineCounters): ProposalCandidate | null {
    const rm = this.roundMessages(proposal.round);
    const proposerHex = signerHex(proposal);
    const hashHex = proposalValueKey(proposal);
    // This proposer's candidates so far (a plain loop: it runs for every delivered proposal).
    let first: ProposalCandidate | undefined;
    let mine = 0;
    for (let i = 0; i < rm.candidates.length; i++) {
      const c = rm.candidates[i] as ProposalCandidate;
      if (c.proposerHex !== proposerHex) continue;
      if (c.hashHex === hashHex && c.proposal.validRound === proposal.validRound) {
        counters.duplicate++;
        return null;
      }
      first ??= c;
      mine++;
    }
    const verdict = verifier.verifyProposal(this.ctx, proposal);
    if (!verdict.ok) {
      countRejection(counters, verdict.reason);
      return null;
    }
    if (first !== undefined) {
      counters.equivocations++;
      evidence.add(proposalsEvidence(first.proposal, proposal));
      // Keep a second version so that whichever of the two gathers a quorum can be committed.
      if (mine >= 2) return null;
    }
    counters.accepted++;
    return this.addCandidate(proposal, verdict.priority);
  }

  /** Adds a proposal known to be genuine (received and verified, or our own). */
  addCandidate(proposal: Proposal, priority: Uint8Array): ProposalCandidate {
    const rm = this.roundMessages(proposal.round);
    const candidate: ProposalCandidate = { proposal, hashHex: proposalValueKey(proposal), proposerHex: signerHex(proposal), priority, arrival: this.nextArrival() };
    let at = rm.candidates.length;
    while (at > 0 && compareCandidates(rm.candidates[at - 1] as ProposalCandidate, candidate) > 0) at--;
    rm.candidates.splice(at, 0, candidate);
    this.addValue(candidate.hashHex, proposal.value);
    return candidate;
  }

  /** Records block bytes claimed for a hash; distinct extra versions are kept (bounded) as alternates. */
  addValue(hashHex: string, value: Uint8Array): void {
    const current = this.values.get(hashHex);
    if (current === undefined) {
      this.values.set(hashHex, value);
      return;
    }
    if (this.blockStatus.get(hashHex) === "valid" || bytesEqual(current, value)) return;
    const alts = this.alternates.get(hashHex) ?? [];
    if (alts.length >= MAX_ALTERNATES || alts.some((a) => bytesEqual(a, value))) return;
    alts.push(value);
    this.alternates.set(hashHex, alts);
  }

  /** After the current version of a hash proved invalid: switch to the next alternate, if any. */
  nextAlternate(hashHex: string): Uint8Array | undefined {
    const alt = this.alternates.get(hashHex)?.shift();
    if (alt !== undefined) this.values.set(hashHex, alt);
    return alt;
  }
}

function countRejection(counters: EngineCounters, reason: RejectReason): void {
  switch (reason) {
    case "unknown-validator":
      counters.unknownValidator++;
      break;
    case "bad-signature":
      counters.badSignature++;
      break;
    case "bad-proof":
      counters.badProof++;
      break;
    case "not-selected":
      counters.notSelected++;
      break;
  }
}
