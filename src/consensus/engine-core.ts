// The engine's state and the moves that change it: height and round lifecycle, timeouts, and
// signing through the signing guard. The event handling and Tendermint's rules that decide WHEN to
// make these moves live in engine.ts (ConsensusEngine extends this class).

import { toHex } from "./bytes.js";
import type { CommitCertificate } from "./certificate.js";
import { encodeMessage } from "./codec.js";
import { type RoleDraw, type SortitionFunction, defaultSortition, drawRole, priorityOf } from "./committee.js";
import type { ConsensusCrypto, ValidatorSecrets } from "./crypto.js";
import { type ConsensusAction, type EngineCounters, type EngineLimits, DEFAULT_ENGINE_LIMITS, emptyCounters } from "./engine-types.js";
import { EvidencePool } from "./evidence.js";
import { FutureMessageBuffer } from "./future-buffer.js";
import { HeightState } from "./height-state.js";
import { type ConsensusMessage, type Proposal, signProposal, signVote, type Vote } from "./messages.js";
import { type HashedValue, type PersistedConsensusState, type RoundStateSnapshot, SigningGuard } from "./signing-record.js";
import { DEFAULT_TIMEOUTS, type TimeoutConfig, timeoutDuration } from "./timeouts.js";
import type { ConsensusParams, Step, Validator, ValidatorSet, VoteStep } from "./types.js";
import { type MessageVerifier, directMessageVerifier, makeHeightContext } from "./verify.js";

export interface EngineOptions {
  readonly params: ConsensusParams;
  readonly crypto: ConsensusCrypto;
  /** This validator's keys; null for an observer that follows and commits but never signs. */
  readonly secrets: ValidatorSecrets | null;
  readonly timeouts?: TimeoutConfig;
  readonly limits?: EngineLimits;
  /** The last PersistSigned state, after a restart. */
  readonly restored?: PersistedConsensusState;
  readonly verifier?: MessageVerifier;
  readonly sortition?: SortitionFunction;
}

/** Per-round "for the first time" flags of the current height. */
export interface RoundFlags {
  /** Arrival number at which the propose window closed (candidates that came later do not count). */
  proposeWindowClosedAt: number | null;
  awaitingBuild: boolean;
  /** Tendermint line 36 (lock / valid value on a prevote quorum) has fired in this round. */
  polApplied: boolean;
  precommitTimeoutScheduled: boolean;
  /** The early propose-window close (TimeoutConfig.proposeWindowMs) has been scheduled. */
  proposeWindowScheduled: boolean;
}

export interface EngineStatus {
  readonly height: number;
  readonly round: number;
  readonly step: Step;
  readonly lockedRound: number;
  readonly validRound: number;
  readonly decided: boolean;
}

export abstract class EngineCore {
  readonly counters: EngineCounters = emptyCounters();
  readonly evidence: EvidencePool;
  protected readonly timeouts: TimeoutConfig;
  protected readonly limits: EngineLimits;
  protected readonly verifier: MessageVerifier;
  protected readonly sortition: SortitionFunction;
  protected readonly guard: SigningGuard;
  protected readonly future: FutureMessageBuffer;
  protected restoredRound: RoundStateSnapshot | null;

  protected hs: HeightState | null = null;
  protected height = 0;
  protected round = 0;
  protected step: Step = "propose";
  protected lockedRound = -1;
  protected lockedValue: HashedValue | null = null;
  protected validRound = -1;
  protected validValue: HashedValue | null = null;
  protected decided = false;
  protected previousCommit: CommitCertificate | null = null;
  protected syncedDecision: CommitCertificate | null = null;
  protected readonly flags = new Map<number, RoundFlags>();
  protected readonly draws = new Map<string, RoleDraw>();

  constructor(protected readonly options: EngineOptions) {
    this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.limits = options.limits ?? DEFAULT_ENGINE_LIMITS;
    this.verifier = options.verifier ?? directMessageVerifier;
    this.sortition = options.sortition ?? defaultSortition;
    this.guard = new SigningGuard(options.restored?.lastSigned ?? null);
    this.restoredRound = options.restored?.roundState ?? null;
    this.evidence = new EvidencePool(this.limits.maxEvidence);
    this.future = new FutureMessageBuffer(this.limits.maxBufferedFutureMessages, this.limits.maxBufferedPerSender);
  }

  get status(): EngineStatus {
    const { height, round, step, lockedRound, validRound, decided } = this;
    return { height, round, step, lockedRound, validRound, decided };
  }

  /** status.height without building the status object (drivers read it for every received message). */
  get currentHeight(): number {
    return this.height;
  }

  /** status.decided, likewise. */
  get hasDecided(): boolean {
    return this.decided;
  }

  get lastCommit(): CommitCertificate | null {
    return this.previousCommit;
  }

  /** What PersistSigned carries; also valid to persist at any other time. */
  exportState(): PersistedConsensusState {
    const roundState: RoundStateSnapshot | null =
      this.hs === null
        ? this.restoredRound
        : {
            height: this.height,
            round: this.round,
            step: this.step,
            lockedRound: this.lockedRound,
            lockedValue: this.lockedValue,
            validRound: this.validRound,
            validValue: this.validValue,
          };
    return { lastSigned: this.guard.last, roundState };
  }

  // ---- height and round lifecycle -------------------------------------------------------------

  protected startHeight(height: number, validatorSet: ValidatorSet, seed: Uint8Array, previousCommit: CommitCertificate | null, out: ConsensusAction[]): void {
    if (this.hs !== null && height <= this.height) throw new Error(`StartHeight ${height} does not follow height ${this.height}`);
    const ctx = makeHeightContext(this.options.crypto, this.options.params, validatorSet, seed, height, this.sortition);
    this.hs = new HeightState(ctx);
    this.height = height;
    this.previousCommit = previousCommit;
    this.decided = false;
    this.syncedDecision = null;
    this.flags.clear();
    this.draws.clear();
    this.lockedRound = -1;
    this.lockedValue = null;
    this.validRound = -1;
    this.validValue = null;
    let firstRound = 0;
    const restored = this.restoredRound;
    this.restoredRound = null;
    if (restored !== null && restored.height === height) {
      this.lockedRound = restored.lockedRound;
      this.lockedValue = restored.lockedValue;
      this.validRound = restored.validRound;
      this.validValue = restored.validValue;
      for (const v of [restored.lockedValue, restored.validValue]) {
        if (v !== null) {
          this.hs.addValue(toHex(v.hash), v.value);
          this.hs.blockStatus.set(toHex(v.hash), "valid");
        }
      }
      firstRound = restored.round;
    }
    this.startRound(firstRound, out);
    for (const m of this.future.takeHeight(height)) this.receive(m, out);
  }

  protected roundFlags(round: number): RoundFlags {
    let f = this.flags.get(round);
    if (f === undefined) {
      f = { proposeWindowClosedAt: null, awaitingBuild: false, polApplied: false, precommitTimeoutScheduled: false, proposeWindowScheduled: false };
      this.flags.set(round, f);
    }
    return f;
  }

  /**
   * @param late entered by the round-skip rule: more than 1/3 of the weight already prevoted or
   *   precommitted in this round. A block built now cannot win it: those votes were cast before it
   *   existed, so the weight left to prevote for it is under 2/3, never a quorum. It would only draw
   *   the prevotes of the other late validators away from the round's real proposals (issue 15: after
   *   a partition healed, the halves' prevotes split 2-2 round after round), so none is built. A
   *   re-proposal of the valid value costs no build and carries its proof of lock: it still goes out.
   */
  protected startRound(round: number, out: ConsensusAction[], late = false): void {
    this.round = round;
    this.step = "propose";
    const draw = this.myDraw(round, "propose");
    if (draw !== null && draw.weight > 0n) {
      const decision = this.guard.decide(this.height, round, "propose");
      if (decision.kind === "resend") this.resend(decision.message, out);
      else if (decision.kind === "sign") {
        if (this.validValue !== null) this.signAndSendProposal(this.validValue, this.validRound, draw, out);
        else if (!late) {
          this.roundFlags(round).awaitingBuild = true;
          const secrets = this.options.secrets as ValidatorSecrets;
          out.push({
            type: "BuildProposal",
            height: this.height,
            round,
            proposer: secrets.address,
            vrfProof: draw.proof,
            vrfOutput: draw.beta,
            priority: priorityOf(draw.beta, draw.weight) as Uint8Array,
          });
        }
      }
    }
    this.schedule("propose", round, out);
  }

  protected schedule(step: Step, round: number, out: ConsensusAction[]): void {
    out.push({ type: "ScheduleTimeout", height: this.height, round, step, durationMs: timeoutDuration(this.timeouts, step, round) });
  }

  protected enterPrevote(out: ConsensusAction[]): void {
    this.step = "prevote";
    // Scheduled on entry rather than on 2f+1 prevotes of any kind: a sampled committee may draw less
    // than a quorum in total, and the round must still end.
    this.schedule("prevote", this.round, out);
  }

  protected enterPrecommit(out: ConsensusAction[]): void {
    this.step = "precommit";
    this.schedulePrecommitTimeout(this.round, out);
  }

  protected schedulePrecommitTimeout(round: number, out: ConsensusAction[]): void {
    const f = this.roundFlags(round);
    if (f.precommitTimeoutScheduled) return;
    f.precommitTimeoutScheduled = true;
    this.schedule("precommit", round, out);
  }

  // ---- signing -------------------------------------------------------------------------------

  /** Our draw for a role of the current height; null for observers and non-members. */
  protected myDraw(round: number, step: Step): RoleDraw | null {
    const secrets = this.options.secrets;
    const me = this.me();
    if (secrets === null || me === undefined) return null;
    const key = `${round}:${step}`;
    let draw = this.draws.get(key);
    if (draw === undefined) {
      draw = drawRole((this.hs as HeightState).ctx, secrets.vrfSecret, me.vrfKey, me.stake, round, step);
      this.draws.set(key, draw);
    }
    return draw;
  }

  protected me(): Validator | undefined {
    const secrets = this.options.secrets;
    return secrets === null || this.hs === null ? undefined : this.hs.ctx.validatorSet.get(secrets.address);
  }

  protected signAndSendProposal(value: HashedValue, validRound: number, draw: RoleDraw, out: ConsensusAction[]): void {
    const { crypto, params } = this.options;
    const proposal = signProposal(crypto, params.chainId, this.options.secrets as ValidatorSecrets, {
      height: this.height,
      round: this.round,
      validRound,
      valueHash: value.hash,
      value: value.value,
      vrfProof: draw.proof,
    });
    this.guard.record(proposal);
    out.push({ type: "PersistSigned", state: this.exportState() });
    out.push({ type: "Broadcast", message: proposal, bytes: encodeMessage(proposal) });
    this.countOwn(proposal, draw);
    this.relayProofOfLock(proposal, out);
  }

  /**
   * A re-proposal (validRound >= 0) only persuades validators that hold its proof of lock: the
   * prevote quorum of validRound. Tendermint assumes gossip eventually delivers those prevotes to
   * everyone; on lossy links they may never have arrived, and validators locked on the value would
   * then wait forever for the others. So the proposer relays the prevotes it holds with its proposal.
   */
  protected relayProofOfLock(proposal: Proposal, out: ConsensusAction[]): void {
    if (proposal.validRound < 0) return;
    const pol = this.hs?.rounds.get(proposal.validRound)?.prevotes;
    if (pol === undefined) return;
    for (const { vote } of pol.votesFor(proposal.valueHash)) out.push({ type: "Broadcast", message: vote, bytes: encodeMessage(vote) });
  }

  /** Signs and sends our vote for the current round, unless the signing guard says otherwise. */
  protected castVote(step: VoteStep, valueHash: Uint8Array | null, out: ConsensusAction[]): void {
    const decision = this.guard.decide(this.height, this.round, step);
    if (decision.kind === "refuse") return;
    if (decision.kind === "resend") {
      this.resend(decision.message, out);
      return;
    }
    const draw = this.myDraw(this.round, step);
    if (draw === null || draw.weight === 0n) return;
    const { crypto, params } = this.options;
    const vote = signVote(crypto, params.chainId, this.options.secrets as ValidatorSecrets, {
      step,
      height: this.height,
      round: this.round,
      valueHash,
      vrfProof: draw.proof,
    });
    this.guard.record(vote);
    out.push({ type: "PersistSigned", state: this.exportState() });
    out.push({ type: "Broadcast", message: vote, bytes: encodeMessage(vote) });
    this.countOwn(vote, draw);
  }

  /** After a restart: send again exactly what we signed at this position before the crash. */
  protected resend(message: ConsensusMessage, out: ConsensusAction[]): void {
    const draw = this.myDraw(message.round, message.kind === "proposal" ? "propose" : message.step);
    if (draw === null || draw.weight === 0n) return;
    out.push({ type: "Broadcast", message, bytes: encodeMessage(message) });
    this.countOwn(message, draw);
    if (message.kind === "proposal") this.relayProofOfLock(message, out);
  }

  protected countOwn(message: Proposal | Vote, draw: RoleDraw): void {
    const hs = this.hs as HeightState;
    if (message.kind === "vote") {
      hs.roundMessages(message.round).votes(message.step).add(message, draw.weight);
      return;
    }
    if (hs.roundMessages(message.round).candidates.some((c) => c.proposal === message)) return;
    hs.addCandidate(message, priorityOf(draw.beta, draw.weight) as Uint8Array);
    // We only ever sign proposals for values we built or validated (also before a restart).
    const key = toHex(message.valueHash);
    if (!hs.blockStatus.has(key)) hs.blockStatus.set(key, "valid");
  }

  /** Takes in a received (or replayed) message; implemented with the rules in engine.ts. */
  protected abstract receive(m: ConsensusMessage, out: ConsensusAction[]): void;
}
