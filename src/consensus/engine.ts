// The agreement engine: Tendermint's two-phase BFT (arXiv 1807.04938) with VRF-sortition committees,
// as a pure state machine. `handle(event)` returns the actions to carry out; no IO, clock or
// randomness inside, so one input sequence always yields one output sequence.
//
// DRIVER CONTRACT
// - Call handle() for one event at a time and carry out the returned actions IN ORDER. PersistSigned
//   must be durable before any later action of the batch runs: it always precedes the Broadcast of
//   what was just signed (a crash between the two is then harmless).
// - Startup: construct with the last persisted state (PersistSigned's `state`, or its bytes through
//   decodePersistedState) and send StartHeight for the first uncommitted height, with that height's
//   validator set and seed. The engine resumes the saved round state when the heights match.
// - ScheduleTimeout(h, r, step, ms) -> after ms, TimeoutFired(h, r, step). Never cancel: stale
//   timeouts are ignored.
// - BuildProposal(h, r, proposer, vrfProof, vrfOutput) -> ProposalBuilt(h, r, value, hash). The block
//   must record proposer, r and vrfProof (the seed of h + 1 is seedForNextHeight(seed, that output,
//   h)); an empty tx pool still yields an empty block, nothing here waits for transactions.
// - ValidateBlock(h, r, hash, value) -> BlockValidated(h, hash, valid), always answered. Valid means
//   hash = hash(value), the parent is the committed head and the recorded proposer credential
//   verifies (verifyProposerCredential). The engine prevotes and commits only validated values.
// - Broadcast(message, bytes): gossip bytes to the other validators; received bytes go through
//   decodeMessage, then ProposalReceived / VoteReceived. Do not loop own messages back (harmless:
//   they count as duplicates). A Broadcast may also relay other validators' prevotes (the proof of
//   lock that goes with a re-proposal).
// - Commit(h, r, value, hash, certificate): append block + certificate, then StartHeight(h + 1) (the
//   driver may wait first to pace blocks to a target block time). Blocks and certificates fetched by
//   sync go in as DecisionReceived; the engine verifies the certificate and validates the block.

import { bytesEqual, fromHex, toHex } from "./bytes.js";
import { buildCommitCertificate, verifyCommitCertificate, type CommitCertificate } from "./certificate.js";
import type { ConsensusAction, ConsensusEvent } from "./engine-types.js";
import { EngineCore } from "./engine-core.js";
import type { HeightState, ProposalCandidate, RoundMessages } from "./height-state.js";
import type { ConsensusMessage, Proposal } from "./messages.js";
import { signerHex } from "./message-keys.js";
import type { HashedValue } from "./signing-record.js";
import type { Step } from "./types.js";

export { type EngineOptions, type EngineStatus } from "./engine-core.js";

/** Rule applications per event; each one moves the state forward, so this is never reached in practice. */
const MAX_RULE_STEPS = 10_000;

export class ConsensusEngine extends EngineCore {
  handle(event: ConsensusEvent): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    switch (event.type) {
      case "StartHeight":
        this.startHeight(event.height, event.validatorSet, event.seed, event.previousCommit, out);
        break;
      case "ProposalReceived":
      case "VoteReceived":
        this.counters.received++;
        this.receive(event.type === "ProposalReceived" ? event.proposal : event.vote, out);
        break;
      case "TimeoutFired":
        this.onTimeout(event.height, event.round, event.step, out);
        break;
      case "ProposalBuilt":
        this.onProposalBuilt(event.height, event.round, event.value, event.hash, out);
        break;
      case "BlockValidated":
        this.onBlockValidated(event.height, event.hash, event.valid, out);
        break;
      case "DecisionReceived":
        this.onDecisionReceived(event.value, event.certificate, out);
        break;
    }
    this.progress(out);
    return out;
  }

  // ---- inputs --------------------------------------------------------------------------------

  protected receive(m: ConsensusMessage, out: ConsensusAction[]): void {
    const hs = this.hs;
    if (hs === null || m.height > this.height) {
      if (hs !== null && m.height > this.height + this.limits.maxFutureHeights) this.counters.farFuture++;
      else if (this.future.add(m)) this.counters.buffered++;
      else this.counters.bufferOverflow++;
      return;
    }
    if (m.height < this.height || this.decided) {
      this.counters.stale++;
      return;
    }
    const sender = signerHex(m);
    if (!hs.admitsRound(sender, m.round, this.round, this.limits.catchupRoundsPerSender)) {
      this.counters.farFuture++;
      return;
    }
    if (m.kind === "vote") {
      hs.intakeVote(m, this.verifier, this.evidence, this.counters);
      return;
    }
    const candidate = hs.intakeProposal(m, this.verifier, this.evidence, this.counters);
    if (candidate !== null) this.validateBestCandidate(m.round, out);
  }

  /**
   * Validation (a full execution of the block) is asked for the round's best-priority candidate that
   * is not known invalid, and only when no better one is valid or being validated: the engine
   * prevotes for the best valid candidate, so a worse one matters only once every better one failed.
   * Executing every proposal that arrived cost a validator about twice the execution work the
   * committed blocks need (issue 13: a 4-validator localnet under load). Values that gather prevote
   * or precommit quorums are validated on demand (tryRoundRules, tryCommit).
   */
  private validateBestCandidate(round: number, out: ConsensusAction[]): void {
    const hs = this.hs as HeightState;
    for (const c of hs.roundMessages(round).candidates) {
      const status = hs.blockStatus.get(c.hashHex);
      if (status === "valid" || status === "pending") return;
      // Unvalidated, or invalid with another version of its bytes still to try (an alternate).
      this.requestValidation(c.hashHex, round, out);
      if (hs.blockStatus.get(c.hashHex) === "pending") return;
    }
  }

  /** Asks the driver to validate the bytes held for a hash, or the next version after an invalid one. */
  private requestValidation(hashHex: string, round: number, out: ConsensusAction[]): void {
    const hs = this.hs as HeightState;
    const status = hs.blockStatus.get(hashHex);
    if (status === "invalid") {
      if (hs.nextAlternate(hashHex) === undefined) return;
    } else if (status !== undefined) return;
    const value = hs.values.get(hashHex);
    if (value === undefined) return;
    hs.blockStatus.set(hashHex, "pending");
    out.push({ type: "ValidateBlock", height: this.height, round, hash: fromHex(hashHex), value });
  }

  private onBlockValidated(height: number, hash: Uint8Array, valid: boolean, out: ConsensusAction[]): void {
    const hs = this.hs;
    if (hs === null || height !== this.height) return;
    const key = toHex(hash);
    if (hs.blockStatus.get(key) !== "pending") return;
    if (valid) {
      hs.blockStatus.set(key, "valid");
      hs.alternates.delete(key);
      return;
    }
    this.counters.invalidBlocks++;
    hs.blockStatus.set(key, "invalid");
    this.requestValidation(key, this.round, out);
    // The next candidate of each round that held this one gets its turn (validateBestCandidate).
    for (const rm of hs.openedRounds) if (rm.candidates.some((c) => c.hashHex === key)) this.validateBestCandidate(rm.round, out);
  }

  /**
   * Whether a TimeoutFired(height, round, step) delivered now would act: its height undecided, its
   * round current, and for propose and prevote its step current. A timer outlived by its step is
   * stale and ignored. Drivers read this to record the timeouts that shaped a height.
   */
  timeoutActs(height: number, round: number, step: Step): boolean {
    if (this.hs === null || height !== this.height || this.decided || round !== this.round) return false;
    return step === "precommit" || step === this.step;
  }

  private onTimeout(height: number, round: number, step: Step, out: ConsensusAction[]): void {
    const hs = this.hs;
    if (hs === null || !this.timeoutActs(height, round, step)) return;
    if (step === "propose") {
      this.roundFlags(round).proposeWindowClosedAt = hs.nextArrival();
    } else if (step === "prevote") {
      this.castVote("precommit", null, out);
      this.enterPrecommit(out);
    } else {
      this.startRound(round + 1, out);
    }
  }

  private onProposalBuilt(height: number, round: number, value: Uint8Array, hash: Uint8Array, out: ConsensusAction[]): void {
    if (this.hs === null || height !== this.height || round !== this.round || this.decided) return;
    const f = this.roundFlags(round);
    if (!f.awaitingBuild) return;
    f.awaitingBuild = false;
    const draw = this.myDraw(round, "propose");
    if (draw === null || draw.weight === 0n) return;
    // A slow build may come back after we already signed a prevote in this round: too late to propose.
    if (this.guard.decide(height, round, "propose").kind !== "sign") return;
    this.hs.blockStatus.set(toHex(hash), "valid");
    this.signAndSendProposal({ hash, value }, -1, draw, out);
  }

  private onDecisionReceived(value: Uint8Array, cert: CommitCertificate, out: ConsensusAction[]): void {
    const hs = this.hs;
    if (hs === null || cert.height !== this.height || this.decided) {
      this.counters.stale++;
      return;
    }
    const { crypto, params } = this.options;
    if (!verifyCommitCertificate(cert, hs.ctx.validatorSet, hs.ctx.seed, params, crypto, { sortition: this.sortition, verifier: this.verifier }).ok) {
      this.counters.badCertificates++;
      return;
    }
    this.syncedDecision = cert;
    const key = toHex(cert.valueHash);
    hs.addValue(key, value);
    this.requestValidation(key, cert.round, out);
  }

  // ---- the rules -----------------------------------------------------------------------------

  private progress(out: ConsensusAction[]): void {
    for (let i = 0; i < MAX_RULE_STEPS; i++) {
      if (!this.applyOneRule(out)) {
        this.maybeShortenProposeWindow(out);
        return;
      }
    }
    throw new Error("consensus engine: rule evaluation did not settle");
  }

  /** With proposeWindowMs set: a valid candidate is in hand, so close the window soon (its timeout
   * fires as an ordinary propose timeout of this round, which closes the window). */
  private maybeShortenProposeWindow(out: ConsensusAction[]): void {
    const windowMs = this.timeouts.proposeWindowMs;
    const hs = this.hs;
    if (windowMs === undefined || hs === null || this.decided || this.step !== "propose") return;
    const f = this.roundFlags(this.round);
    if (f.proposeWindowScheduled || f.proposeWindowClosedAt !== null) return;
    if (!this.holdsValidCandidate(hs)) return;
    f.proposeWindowScheduled = true;
    out.push({ type: "ScheduleTimeout", height: this.height, round: this.round, step: "propose", durationMs: windowMs });
  }

  /** A plain loop: this runs after every event of the propose step. */
  private holdsValidCandidate(hs: HeightState): boolean {
    const candidates = hs.roundMessages(this.round).candidates;
    for (let i = 0; i < candidates.length; i++) if (hs.blockStatus.get((candidates[i] as ProposalCandidate).hashHex) === "valid") return true;
    return false;
  }

  /** Applies the first enabled rule and returns true, or returns false when none is enabled. */
  private applyOneRule(out: ConsensusAction[]): boolean {
    const hs = this.hs;
    if (hs === null || this.decided) return false;
    return this.tryCommit(hs, out) || this.trySkipRound(hs, out) || this.tryRoundRules(hs, out);
  }

  /** Line 49: 2f+1 precommits for a value in any round (or a verified synced certificate) commit it. */
  private tryCommit(hs: HeightState, out: ConsensusAction[]): boolean {
    const synced = this.syncedDecision;
    if (synced !== null && hs.blockStatus.get(toHex(synced.valueHash)) === "valid") {
      this.commit(synced, out);
      return true;
    }
    const rounds = hs.openedRounds;
    for (let r = 0; r < rounds.length; r++) {
      const rm = rounds[r] as RoundMessages;
      const keys = rm.precommits.quorumKeys();
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k] as string;
        if (key === "nil") continue;
        const status = hs.blockStatus.get(key);
        if (status === "valid") {
          this.commit(buildCommitCertificate(rm.precommits, fromHex(key)), out);
          return true;
        }
        if (status === undefined && hs.values.has(key)) {
          this.requestValidation(key, rm.precommits.round, out);
          return true;
        }
      }
    }
    return false;
  }

  private commit(cert: CommitCertificate, out: ConsensusAction[]): void {
    const hs = this.hs as HeightState;
    const value = hs.values.get(toHex(cert.valueHash)) as Uint8Array;
    this.decided = true;
    out.push({ type: "Commit", height: this.height, round: cert.round, value, hash: new Uint8Array(cert.valueHash), certificate: cert });
  }

  /** Line 55: more than 1/3 of the committee weight in a higher round brings us there. */
  private trySkipRound(hs: HeightState, out: ConsensusAction[]): boolean {
    let target = -1;
    const rounds = hs.openedRounds;
    for (let r = 0; r < rounds.length; r++) {
      const rm = rounds[r] as RoundMessages;
      const round = rm.round;
      if (round > this.round && round > target && (rm.prevotes.hasOneThirdAny() || rm.precommits.hasOneThirdAny())) target = round;
    }
    if (target < 0) return false;
    this.startRound(target, out, true);
    return true;
  }

  private tryRoundRules(hs: HeightState, out: ConsensusAction[]): boolean {
    const rm = hs.roundMessages(this.round);
    const f = this.roundFlags(this.round);
    if (this.step === "propose") {
      return f.proposeWindowClosedAt !== null && this.trySelectProposal(hs, f.proposeWindowClosedAt, out);
    }
    // Line 36: a prevote quorum for a valid value locks it (if still prevoting) and makes it the valid value.
    if (!f.polApplied) {
      for (const key of rm.prevotes.quorumKeys()) {
        if (key === "nil") continue;
        const status = hs.blockStatus.get(key);
        if (status === undefined && hs.values.has(key)) {
          this.requestValidation(key, this.round, out);
          return true;
        }
        if (status !== "valid") continue;
        f.polApplied = true;
        const value: HashedValue = { hash: fromHex(key), value: hs.values.get(key) as Uint8Array };
        // Valid value first, so that the state persisted with the precommit carries it.
        this.validValue = value;
        this.validRound = this.round;
        if (this.step === "prevote") {
          this.lockedValue = value;
          this.lockedRound = this.round;
          this.castVote("precommit", value.hash, out);
          this.enterPrecommit(out);
        }
        return true;
      }
    }
    // Line 44: a prevote quorum for nil.
    if (this.step === "prevote" && rm.prevotes.hasQuorumFor(null)) {
      this.castVote("precommit", null, out);
      this.enterPrecommit(out);
      return true;
    }
    // Line 47: 2f+1 precommits of any kind start the precommit timeout.
    if (rm.precommits.hasQuorumAny() && !f.precommitTimeoutScheduled) {
      this.schedulePrecommitTimeout(this.round, out);
      return true;
    }
    return false;
  }

  /**
   * The propose window has closed: prevote for the best-priority valid candidate seen before it
   * closed (lines 22 and 28), waiting while a better candidate is still being validated.
   */
  private trySelectProposal(hs: HeightState, closedAt: number, out: ConsensusAction[]): boolean {
    let chosen: ProposalCandidate | null = null;
    for (const c of hs.roundMessages(this.round).candidates) {
      if (c.arrival >= closedAt) continue;
      const status = hs.blockStatus.get(c.hashHex);
      if (status === "invalid") continue;
      if (status === undefined) {
        // Not validated yet (validateBestCandidate defers worse candidates): ask now and wait.
        this.requestValidation(c.hashHex, this.round, out);
        return hs.blockStatus.get(c.hashHex) === "pending";
      }
      if (status !== "valid") return false;
      chosen = c;
      break;
    }
    this.castVote("prevote", chosen === null ? null : this.prevoteFor(hs, chosen.proposal), out);
    this.enterPrevote(out);
    return true;
  }

  /** Tendermint's locking rules for a valid proposal: the hash to prevote, or null for nil. */
  private prevoteFor(hs: HeightState, p: Proposal): Uint8Array | null {
    const lockedOnIt = this.lockedValue !== null && bytesEqual(this.lockedValue.hash, p.valueHash);
    if (p.validRound < 0) return this.lockedRound < 0 || lockedOnIt ? p.valueHash : null;
    const pol = hs.rounds.get(p.validRound)?.prevotes.hasQuorumFor(p.valueHash) ?? false;
    if (pol && (this.lockedRound <= p.validRound || lockedOnIt)) return p.valueHash;
    // Without the POL we still may prevote our own locked value: that never helps a conflicting value.
    return lockedOnIt ? p.valueHash : null;
  }
}
