// The thin shell around the pure consensus engine: one ConsensusEngine per validator key this node
// holds, turning their actions into IO (persist signing state, gossip, timers, block building and
// validation, commits) and IO back into events. The engine contract (action order, which event
// answers which action) is documented at the top of src/consensus/engine.ts. This file is the loop
// and the only place that starts a height; one HeightSession holds what belongs to the height being
// agreed; admission of gossip, block jobs and the import of final blocks live beside it.
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import type { ConsensusAction, ConsensusEvent } from "../../consensus/engine-types.js";
import type { ConsensusMessage } from "../../consensus/messages.js";
import { encodePersistedState } from "../../consensus/signing-record.js";
import { MemoizingMessageVerifier } from "../../consensus/memo-verifier.js";
import { ValidatorSet } from "../../consensus/types.js";
import type { TimeoutConfig } from "../../consensus/timeouts.js";
import { encodeBlock } from "../../primitives/encoding.js";
import { BlockJobs } from "./block-jobs.js";
import { FinalizedImport } from "./finalized-import.js";
import { HeightSession, readNextHeight } from "./height-session.js";
import { memoizeVrfVerify } from "./memo-crypto.js";
import { ProposerRace } from "./proposer-race.js";
import { EarlyCredentials } from "./early-credentials.js";
import { credentialPriority, decodeProposerCredential, encodeProposerCredential } from "../../consensus/proposer-credential.js";
import { openValidatorEngines, type ValidatorEngine } from "./validator-engines.js";
import { MessageAdmission } from "./message-admission.js";
import { CREDENTIAL_WAIT_MS, NETWORK_TIMEOUTS, NODE_TIMEOUTS, buildBudgetMs, fallbackPlan } from "./node-timeouts.js";
import type { DriverOptions, FinalizedOutcome, MessageVerdict, ValidatorSets } from "./ports.js";
import { SerialQueue } from "./serial.js";
import { HeightTimeouts } from "./height-timeouts.js";
import { ResendBook, type ResendTrigger } from "./resend-book.js";
import { bytesToHex, equalsBytes } from "@ethereumjs/util";

export { NETWORK_TIMEOUTS, NODE_TIMEOUTS } from "./node-timeouts.js";

type LocalEngine = ValidatorEngine & { queue: Promise<void> };

/** Credentials of later rounds are ignored (see onCredential). */
const MAX_CREDENTIAL_ROUND = 64;

export class ConsensusDriver {
  private readonly engines: LocalEngine[] = [];
  /** The set that governs each height (the genesis set until the first snapshot's epoch). */
  private readonly sets: ValidatorSets;
  private readonly verifier: MemoizingMessageVerifier;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The height being agreed (set by beginHeight, the only place a session is opened for consensus). */
  private session: HeightSession | undefined;
  private committing: Promise<void> | null = null;
  /** The last height the engines were told to start (StartHeight must strictly increase). */
  private startedHeight = 0;
  /** The pending block-time wait before the next height starts, if any. */
  private startTimer: NodeJS.Timeout | null = null;
  private waitingForWork = false;
  private running = false;
  private readonly now: () => number;
  /** o.crypto with VRF verdicts remembered (see memo-crypto.ts). */
  private readonly crypto: ConsensusCrypto;
  private readonly proposerRace: ProposerRace;
  private readonly credentialWaitMs: number;
  private readonly jobs: BlockJobs;
  private readonly admission: MessageAdmission;
  private readonly imports: FinalizedImport;
  /** Step timeouts per recent height (the status page's chart, verity_getBlockConsensus). */
  readonly heightTimeouts = new HeightTimeouts();
  /** Our validators' messages of the height, to send again after a partition (resend-book.ts). */
  private readonly resends = new ResendBook();
  /** Credentials of the next height that arrived before it started here (early-credentials.ts). */
  private readonly earlyCredentials = new EarlyCredentials();

  constructor(private readonly o: DriverOptions) {
    this.now = o.now ?? Date.now;
    this.crypto = memoizeVrfVerify(o.crypto);
    const genesisSet = ValidatorSet.from(
      o.chain.genesis.validators.map((v) => ({ address: v.address, stake: v.stake, signingKey: v.signingKey, vrfKey: v.vrfKey })),
    );
    this.sets = o.sets ?? { setFor: () => Promise.resolve(genesisSet), knownFor: () => genesisSet };
    // Local engines verify the same messages: share each verdict (keyed by message bytes and seed).
    // A verdict is needed again within a height or two (the next proposal's parent certificate);
    // 16,384 (~1 KB each, the key is the hex of the whole vote) holds many heights of a large
    // committee, where 100,000 let a long-running node carry ~100 MB of old heights' verdicts.
    this.verifier = new MemoizingMessageVerifier(16_384);
    // With peers, each drawn validator announces its credential and waits this long for better ones
    // before it builds: a credential is ~120 bytes and crosses a loopback or LAN mesh in a few ms.
    this.credentialWaitMs = o.transport ? (o.credentialWaitMs ?? CREDENTIAL_WAIT_MS) : 0;
    this.proposerRace = new ProposerRace(o.validators.length, this.credentialWaitMs);
    const { common, chain, producer, candidates, params, logger } = o;
    const crypto = this.crypto;
    // With peers, a proposal must be built and then executed by every validator within the round's
    // propose timeout: each execution gets at most its build share (a lone validator has no such race).
    const maxBuildMs = o.transport ? buildBudgetMs(this.timeouts()) : undefined;
    this.jobs = new BlockJobs({
      common, chain, producer, candidates, params, crypto, verifier: this.verifier, exec: new SerialQueue(), logger, now: this.now,
      ...(o.evidence ? { evidence: o.evidence } : {}),
      ...(maxBuildMs !== undefined ? { maxBuildMs } : {}),
    });
    this.admission = new MessageAdmission(
      {
        running: () => this.running,
        session: () => this.session,
        started: () => this.session !== undefined && this.startedHeight >= this.session.height,
        joinCurrentHeight: () => this.startHeightNow(),
        deliver: (m) => this.deliver(m, null),
        onBehind: o.onBehind,
      },
      { validatorSetOf: (height) => this.sets.knownFor(height), verifier: this.verifier, params, crypto, now: this.now },
    );
    const { sets, verifier } = this;
    this.imports = new FinalizedImport(this.jobs, { common, chain, params, crypto, sets, verifier, currentSession: () => this.session });
  }

  private timeouts(): TimeoutConfig {
    return this.o.timeouts ?? (this.o.transport ? NETWORK_TIMEOUTS : NODE_TIMEOUTS);
  }

  async start(): Promise<void> {
    const timeouts = this.timeouts();
    const startSet = await this.sets.setFor(Number(this.o.chain.head.header.number) + 1);
    const opened = await openValidatorEngines(this.o.validators, startSet, { ...this.o, crypto: this.crypto, timeouts, verifier: this.verifier });
    for (const e of opened) this.engines.push({ ...e, queue: Promise.resolve() });
    this.running = true;
    this.o.logger.info("consensus started", { validators: this.engines.length, of: startSet.size, committeeTau: this.o.params.committeeTau });
    await this.beginHeight();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled(this.engines.map((e) => e.queue));
    await this.committing;
  }

  /** Transactions wait: an automining node starts the next height if it was idle and one pays. */
  notifyPending(): void {
    if (this.waitingForWork && this.o.candidates.includableCount() > 0) this.startHeightNow();
  }

  get status(): { height: number; round: number; step: string } | null {
    const s = this.engines[0]?.engine.status;
    return s ? { height: s.height, round: s.round, step: s.step } : null;
  }

  /** Engine counters summed over local engines (dropped messages by cause). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.engines) for (const [k, v] of Object.entries(e.engine.counters)) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /** A proposal or vote from the network (see message-admission.ts). */
  onNetworkMessage(bytes: Uint8Array): MessageVerdict {
    return this.admission.admit(bytes);
  }

  /**
   * Commits a block proven final by its certificate without taking part in its agreement (sync, or
   * a committed-block announcement; see finalized-import.ts), then moves consensus to the next
   * height. Sync passes startNext: false while it applies a batch (starting every intermediate
   * height would only make the engines build and sign for heights already decided) and calls
   * resumeAtHead() when done.
   */
  async applyFinalized(blockBytes: Uint8Array, certificateBytes: Uint8Array, opts: { startNext?: boolean } = {}): Promise<FinalizedOutcome> {
    const outcome = await this.imports.apply(blockBytes, certificateBytes);
    if (outcome.kind === "committed" && opts.startNext !== false && this.running && !this.committing) await this.beginHeight();
    return outcome;
  }

  /** After blocks were committed around consensus (sync): agree on the block after the new head. */
  async resumeAtHead(): Promise<void> {
    if (this.running && BigInt(this.session?.height ?? 0) !== this.o.chain.head.header.number + 1n) await this.beginHeight();
  }

  /**
   * Moves consensus to the height after the committed head. Several commits can race here (our own
   * decision, a block announcement, sync): a call that would not move forward (another one got
   * there first) leaves it to that one.
   */
  private async beginHeight(): Promise<void> {
    const info = await readNextHeight(this.o.chain);
    const current = this.session;
    if (info === undefined || (current !== undefined && info.height <= current.height)) return;
    // The last height's start paces this one to the block time (0: it never started, e.g. a sync jump).
    const previousStart = current?.startedAt ?? 0;
    const next = await HeightSession.open(info, this.crypto, this.o.params, this.sets);
    if (this.session !== current) return; // another commit moved consensus while the sets loaded
    this.session = next;
    const { validatorSet: set, parentValidatorSet: parentSet } = next;
    // Precommits of the height just decided that the certificate (its first quorum) lacks.
    if (current !== undefined && current.height === info.height - 1) for (const v of current.precommits) this.session.addLatePrecommit(v, this.verifier);
    if (set !== parentSet) this.o.logger.info("validator set changed", { height: info.height, validators: set.size, totalStake: set.totalStake });
    // Load the next height's set now: messages for it may arrive before we start it.
    void this.sets.setFor(info.height + 1).catch(() => undefined);
    this.proposerRace.forgetBelow(info.height);
    for (const early of this.earlyCredentials.takeFor(info.height)) this.onCredential(early);
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    // Peers already run this height (we finished the last one later than they did): join them now,
    // and count the height as started when they started it. Waiting out our own block-time clock
    // instead would keep us behind by the same offset at every height, forever: our proposals would
    // never win and our votes would always come last.
    const seen = this.admission.seenStart(info.height);
    if (seen !== undefined) {
      this.startHeightNow(seen);
      return;
    }
    // Automine seals only for a transaction the block could take. For one below the base fee it
    // would seal empty blocks as fast as they commit, until the base fee fell to its fee cap (never,
    // for a cap below the chain's minimum base fee); the transaction waits for a block that other
    // work brings, as it would on a chain with a block time.
    if (this.o.blockTimeMs === 0 && this.o.candidates.includableCount() === 0) {
      this.waitingForWork = true;
      return;
    }
    const wait = this.o.blockTimeMs - (this.now() - previousStart);
    if (wait > 0 && previousStart > 0) {
      const t = setTimeout(() => {
        this.startTimer = null;
        this.startHeightNow();
      }, wait);
      this.startTimer = t;
    } else this.startHeightNow();
  }

  /** Starts the session's height (once); `startedAt` backdates its start to when peers began it. */
  private startHeightNow(startedAt = this.now()): void {
    const s = this.session;
    if (!this.running || s === undefined || s.height <= this.startedHeight) return;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    this.startedHeight = s.height;
    this.waitingForWork = false;
    s.startedAt = Math.min(startedAt, this.now());
    if (this.engines.length > 0) this.heightTimeouts.began(s.height);
    const event: ConsensusEvent = { type: "StartHeight", height: s.height, validatorSet: s.validatorSet, seed: s.info.seed, previousCommit: s.info.previousCommit };
    for (const e of this.engines) this.dispatch(e, event);
  }

  private timer(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.running) fn();
    }, ms);
    this.timers.add(t);
  }

  private dispatch(e: LocalEngine, event: ConsensusEvent): void {
    e.queue = e.queue
      .then(async () => {
        if (!this.running) return;
        const roundFailed = event.type === "TimeoutFired" && this.noteTimeout(e, event) && event.step === "precommit";
        for (const action of e.engine.handle(event)) await this.perform(e, action);
        if (roundFailed) this.resend("round-timeout");
        if (e.engine.evidence.size > 0) this.reportEvidence(e);
      })
      .catch((err: Error) => this.o.logger.error("consensus step failed", { validator: e.id, event: event.type, error: err }));
  }

  /** Records a timeout the engine will act on (a timer outlived by its step is not one); true when it does. */
  private noteTimeout(e: LocalEngine, t: Extract<ConsensusEvent, { type: "TimeoutFired" }>): boolean {
    const acted = e.engine.timeoutActs(t.height, t.round, t.step);
    if (acted) this.heightTimeouts.timedOut(t.height, t.round, t.step);
    return acted;
  }

  /** A peer joined the consensus topics (after a connect, or a partition healed): it may lack our messages of the height. */
  onPeerJoined(): void {
    this.resend("peer-joined");
  }

  /** Sends our validators' latest messages of the height again, in envelopes gossip does not take for duplicates. */
  private resend(trigger: ResendTrigger): void {
    const s = this.session;
    const send = this.o.transport?.resend;
    if (!this.running || s === undefined || send === undefined || this.startedHeight < s.height) return;
    const { messages, retryInMs } = this.resends.due(trigger, s.height, this.now());
    if (retryInMs !== undefined) this.timer(retryInMs, () => this.resend(trigger));
    if (messages.length === 0) return;
    this.o.logger.info("re-sending our consensus messages", { trigger, height: s.height, messages: messages.length, rounds: `${messages[0]!.round}-${messages.at(-1)!.round}` });
    for (const m of messages) send(m.kind, m.bytes);
  }

  /** Equivocations our engine saw go to the evidence pool, for our next proposals. */
  private reportEvidence(e: LocalEngine): void {
    const head = this.o.chain.head.header;
    const at = { height: head.number + 1n, timestamp: BigInt(Math.floor(this.now() / 1000)) };
    for (const found of e.engine.evidence.drain()) {
      this.o.logger.warn("equivocation seen", { validator: e.id, kind: found.kind, height: found.first.height, round: found.first.round });
      this.o.evidence?.found(found, at);
    }
  }

  private deliver(message: ConsensusMessage, except: LocalEngine | null): void {
    // Precommits are remembered past the decision: the next height's proposals carry every one of
    // them that the certificate lacks (see HeightSession.addLatePrecommit).
    const s = this.session;
    if (s !== undefined && message.kind === "proposal" && message.height === s.height) {
      const v = this.verifier.verifyProposal(s.ctx, message);
      if (v.ok) this.proposerRace.observeProposal(message.height, message.round, v.priority);
    }
    if (s !== undefined && message.kind === "vote" && message.step === "precommit") {
      if (message.height === s.height) s.precommitSeen(message);
      else if (message.height === s.height - 1) s.addLatePrecommit(message, this.verifier);
    }
    const event: ConsensusEvent = message.kind === "proposal" ? { type: "ProposalReceived", proposal: message } : { type: "VoteReceived", vote: message };
    for (const e of this.engines) if (e !== except) this.dispatch(e, event);
  }

  private async perform(e: LocalEngine, a: ConsensusAction): Promise<void> {
    const s = this.session as HeightSession;
    switch (a.type) {
      case "PersistSigned":
        await this.o.store.putSigningRecord(e.id, encodePersistedState(a.state));
        return;
      case "Broadcast": {
        const signer = a.message.kind === "proposal" ? a.message.proposer : a.message.voter;
        // Only what our validator signed: relayed proofs of lock are other validators' to re-send.
        if (equalsBytes(signer, e.address)) this.resends.record({ kind: a.message.kind, height: a.message.height, round: a.message.round, signer: bytesToHex(signer), bytes: a.bytes });
        this.deliver(a.message, e);
        this.o.transport?.broadcast(a.message.kind === "proposal" ? "proposal" : "vote", a.bytes);
        return;
      }
      case "ScheduleTimeout":
        this.timer(a.durationMs, () => {
          if (this.session?.height === a.height) this.o.metrics?.consensus.timeouts.inc({ step: a.step });
          this.dispatch(e, { type: "TimeoutFired", height: a.height, round: a.round, step: a.step });
        });
        return;
      case "BuildProposal": {
        this.o.transport?.broadcast("credential", encodeProposerCredential({ height: a.height, round: a.round, proposer: a.proposer, vrfProof: a.vrfProof }));
        const verdict = await this.proposerRace.shouldBuild(a.height, a.round, a.priority);
        this.o.metrics?.consensus.proposalBuilds.inc({ outcome: verdict === "build" ? "built" : verdict });
        if (verdict === "local-better") {
          this.o.logger.debug("proposal not built: another local validator holds a better priority", { validator: e.id, height: a.height, round: a.round });
          return;
        }
        if (verdict === "remote-better") {
          this.o.logger.debug("proposal not built yet: a peer announced a better credential", { validator: e.id, height: a.height, round: a.round });
          const plan = fallbackPlan(this.timeouts(), a.round, this.credentialWaitMs);
          this.timer(plan.delayMs, () => {
            if (this.session?.height !== a.height || !this.proposerRace.fallbackFor(a.height, a.round, a.priority)) return;
            this.o.logger.info("the better-credentialed proposer sent no block: building ours", { validator: e.id, height: a.height, round: a.round, maxBuildMs: plan.buildMs });
            this.o.metrics?.consensus.proposalBuilds.inc({ outcome: "fallback" });
            this.buildProposal(e, a, plan.buildMs).catch((err: Error) => this.o.logger.error("fallback proposal failed", { validator: e.id, error: err }));
          });
          return;
        }
        await this.buildProposal(e, a);
        return;
      }
      case "ValidateBlock": {
        const result = await this.jobs.validate(s, a.hash, a.value);
        this.dispatch(e, { type: "BlockValidated", height: a.height, hash: a.hash, valid: result.ok });
        return;
      }
      case "Commit":
        await this.commit(a);
        return;
    }
  }

  private async buildProposal(e: LocalEngine, a: Extract<ConsensusAction, { type: "BuildProposal" }>, maxBuildMs?: number): Promise<void> {
    const s = this.session;
    if (s === undefined || s.height !== a.height) return;
    const built = await this.jobs.build(s, a.height, a.round, a.proposer, a.vrfProof, maxBuildMs);
    if (built) this.dispatch(e, { type: "ProposalBuilt", height: a.height, round: a.round, value: built.bytes ?? encodeBlock(built.block), hash: built.block.hash });
  }

  /**
   * A proposer credential from the network: verified against the height being agreed; relayed only
   * when it is the best of its round seen here (a worse one tells nobody anything).
   */
  onCredential(bytes: Uint8Array): MessageVerdict {
    const decoded = decodeProposerCredential(bytes);
    if (!decoded.ok) return { verdict: "reject", reason: `undecodable credential: ${decoded.error}` };
    const s = this.session;
    if (this.running && s !== undefined && decoded.value.height === s.height + 1) {
      const kept = this.sets.knownFor(s.height + 1)?.get(decoded.value.proposer) !== undefined && this.earlyCredentials.keep(decoded.value, bytes);
      return { verdict: "ignore", reason: kept ? "next height: kept until it starts" : "not the height being agreed" };
    }
    if (!this.running || s === undefined || decoded.value.height !== s.height) return { verdict: "ignore", reason: "not the height being agreed" };
    // Rounds this far out are never reached (timeouts grow per round); keeping them would let a
    // validator fill the race with one valid credential per round.
    if (decoded.value.round > MAX_CREDENTIAL_ROUND) return { verdict: "ignore", reason: "round too far ahead" };
    const priority = credentialPriority(s.ctx, decoded.value);
    if (priority === null) return { verdict: "reject", reason: "invalid proposer credential" };
    return this.proposerRace.observeCredential(s.height, decoded.value.round, priority) ? { verdict: "accept" } : { verdict: "ignore", reason: "not the round's best credential" };
  }

  /** Our engines decided: commit, then move on to the next height (whoever committed it). */
  private async commit(a: Extract<ConsensusAction, { type: "Commit" }>): Promise<void> {
    const s = this.session;
    if (s === undefined || a.height !== s.height) return; // another local engine committed it already
    if (this.committing) return this.committing;
    this.committing = (async () => {
      const outcome = await this.jobs.commit(s, { hash: a.hash, value: a.value, certificate: a.certificate }, "consensus");
      if (outcome.kind === "committed") this.o.metrics?.consensus.finalitySeconds.observe((this.now() - s.startedAt) / 1000);
      await this.beginHeight();
    })().finally(() => {
      this.committing = null;
    });
    return this.committing;
  }
}
