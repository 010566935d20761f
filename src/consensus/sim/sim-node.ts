// One simulated validator: the real ConsensusEngine, a tiny chain, a "disk" holding the last
// PersistSigned state, and a driver that turns the engine's actions into simulator events. A
// byzantine node runs the same engine but its driver tampers with what goes out.

import { toHex } from "../bytes.js";
import { encodeMessage } from "../codec.js";
import type { SortitionFunction } from "../committee.js";
import type { ConsensusCrypto, ValidatorSecrets } from "../crypto.js";
import { ConsensusEngine } from "../engine.js";
import type { ConsensusAction, ConsensusEvent, EngineLimits } from "../engine-types.js";
import { type ConsensusMessage, type Proposal, type Vote, signProposal, signVote } from "../messages.js";
import type { PersistedConsensusState } from "../signing-record.js";
import type { TimeoutConfig } from "../timeouts.js";
import type { ConsensusParams, Step, ValidatorSet } from "../types.js";
import { type HeightContext, type MessageVerifier, makeHeightContext } from "../verify.js";
import type { NextSeedFunction } from "../memo-verifier.js";
import type { SeededRandom } from "./rng.js";
import { type SimBlockFacts, type SimCommittedBlock, SimChain, encodeSimBlock, simBlockHash } from "./sim-chain.js";

export type ByzantineBehavior =
  /** Sends two different blocks for one round, each to part of the network. */
  | "equivocating-proposer"
  /** Sends each vote with a conflicting twin (value vs nil), each to part of the network. */
  | "double-voter"
  /** Never sends its votes (still proposes). */
  | "vote-withholder"
  /** Proposes blocks that fail validation (broken parent link). */
  | "invalid-proposer";

export type SyncPayload = { readonly kind: "sync-request"; readonly fromHeight: number } | { readonly kind: "sync-response"; readonly blocks: readonly SimCommittedBlock[] };

/** What a node needs from the simulator around it. */
export interface SimEnvironment {
  readonly crypto: ConsensusCrypto;
  readonly params: ConsensusParams;
  /** The validator set of a height (it changes per epoch when the run has an epoch schedule). */
  setFor(height: number): ValidatorSet;
  readonly timeouts: TimeoutConfig;
  readonly limits: EngineLimits;
  readonly verifier: MessageVerifier;
  readonly sortition: SortitionFunction;
  readonly nextSeed: NextSeedFunction;
  /** Block hashes, decodings and credential verdicts, shared by the nodes or not (see SimBlockFacts). */
  readonly blockFacts: SimBlockFacts;
  readonly rng: SeededRandom;
  readonly nodeCount: number;
  readonly payloadBytes: number;
  readonly commitWaitMs: number;
  readonly syncRetryMs: number;
  now(): number;
  broadcast(from: number, message: ConsensusMessage, bytes: Uint8Array, recipients: readonly number[] | null): void;
  sendSync(from: number, to: number, payload: SyncPayload): void;
  scheduleTimer(node: number, delayMs: number, timer: NodeTimer): void;
  recordCommit(node: number, ctx: HeightContext, commit: Extract<ConsensusAction, { type: "Commit" }>, startedAt: number): void;
}

export type NodeTimer =
  | { readonly kind: "consensus"; readonly epoch: number; readonly height: number; readonly round: number; readonly step: Step }
  | { readonly kind: "start-height"; readonly epoch: number; readonly height: number };

/** Blocks sent per sync response. */
const SYNC_BATCH = 16;

export class SimNode {
  readonly chain: SimChain;
  /** Durable across crashes: the chain above, and the last PersistSigned state. */
  private persisted: PersistedConsensusState | undefined;
  private engine: ConsensusEngine | null = null;
  private epoch = 0;
  private heightStartedAt = 0;
  private lastSyncRequest = -Infinity;
  /** Heights this node committed through a sync response (DecisionReceived), not by taking part. Survives crashes. */
  commitsFromSync = 0;
  private readonly contexts = new Map<number, HeightContext>();
  /** dispatch()'s event queue, reused. */
  private readonly pending: ConsensusEvent[] = [];
  /** Last block hash seen per round, used by the double voter to vote for something real. */
  private readonly seenHashes = new Map<string, Uint8Array>();

  constructor(
    readonly index: number,
    readonly secrets: ValidatorSecrets,
    readonly behavior: ByzantineBehavior | null,
    private readonly env: SimEnvironment,
    genesisSeed: Uint8Array,
  ) {
    this.chain = new SimChain(genesisSeed, env.nextSeed, env.blockFacts);
  }

  get up(): boolean {
    return this.engine !== null;
  }

  get status(): ConsensusEngine["status"] | null {
    return this.engine?.status ?? null;
  }

  get consensusEngine(): ConsensusEngine | null {
    return this.engine;
  }

  /** Boots (or reboots after a crash) from the chain and the persisted signing state. */
  start(): void {
    this.epoch++;
    this.engine = new ConsensusEngine({
      params: this.env.params,
      crypto: this.env.crypto,
      secrets: this.secrets,
      timeouts: this.env.timeouts,
      limits: this.env.limits,
      verifier: this.env.verifier,
      sortition: this.env.sortition,
      ...(this.persisted !== undefined ? { restored: this.persisted } : {}),
    });
    this.startHeight();
  }

  crash(): void {
    this.engine = null;
    this.epoch++;
  }

  private context(height: number): HeightContext {
    let ctx = this.contexts.get(height);
    if (ctx === undefined) {
      const { crypto, params, sortition } = this.env;
      ctx = makeHeightContext(crypto, params, this.env.setFor(height), this.chain.seedOf(height), height, sortition);
      this.contexts.clear();
      this.contexts.set(height, ctx);
    }
    return ctx;
  }

  private startHeight(): void {
    const height = this.chain.height + 1;
    this.heightStartedAt = this.env.now();
    const previousCommit = this.chain.blocks.at(-1)?.certificate ?? null;
    this.dispatch({ type: "StartHeight", height, validatorSet: this.env.setFor(height), seed: this.chain.seedOf(height), previousCommit });
  }

  onTimer(timer: NodeTimer): void {
    if (this.engine === null || timer.epoch !== this.epoch) return;
    if (timer.kind === "start-height") {
      if (timer.height === this.chain.height + 1 && this.engine.status.height < timer.height) this.startHeight();
      return;
    }
    this.dispatch({ type: "TimeoutFired", height: timer.height, round: timer.round, step: timer.step });
  }

  onMessage(from: number, m: ConsensusMessage): void {
    const engine = this.engine;
    if (engine === null) return;
    const height = engine.currentHeight;
    const decided = engine.hasDecided;
    // A peer ahead of us: if we have been stuck at our height for a while, fetch the blocks we miss.
    const stuck = this.env.now() - this.heightStartedAt > this.env.syncRetryMs;
    if (stuck && (m.height > height + 1 || (m.height === height + 1 && !decided))) this.requestSync(from);
    if (m.kind === "proposal") this.seenHashes.set(`${m.height}/${m.round}`, m.valueHash);
    this.dispatch(m.kind === "proposal" ? { type: "ProposalReceived", proposal: m } : { type: "VoteReceived", vote: m });
  }

  onSync(from: number, payload: SyncPayload): void {
    if (this.engine === null) return;
    if (payload.kind === "sync-request") {
      const blocks = this.chain.blocks.slice(payload.fromHeight - 1, payload.fromHeight - 1 + SYNC_BATCH);
      if (blocks.length > 0) this.env.sendSync(this.index, from, { kind: "sync-response", blocks });
      return;
    }
    for (const b of payload.blocks) {
      const status = this.engine.status;
      if (b.certificate.height !== status.height || status.decided) continue;
      const before = this.chain.height;
      this.dispatch({ type: "DecisionReceived", value: b.value, certificate: b.certificate });
      if (this.chain.height > before) this.commitsFromSync++;
    }
  }

  private requestSync(peer: number): void {
    const now = this.env.now();
    if (now - this.lastSyncRequest < this.env.syncRetryMs) return;
    this.lastSyncRequest = now;
    this.env.sendSync(this.index, peer, { kind: "sync-request", fromHeight: this.chain.height + 1 });
  }

  /** Runs one event and everything it sets off locally (driver answers are immediate). */
  private dispatch(first: ConsensusEvent): void {
    // One array for every dispatch (it runs once per delivered message): nothing the actions do
    // calls back into this node before dispatch returns, so it is never in use twice.
    const queue = this.pending;
    queue.push(first);
    try {
      for (let i = 0; i < queue.length; i++) {
        const engine = this.engine;
        if (engine === null) return;
        for (const action of engine.handle(queue[i] as ConsensusEvent)) this.execute(action, queue);
      }
    } finally {
      queue.length = 0;
    }
  }

  private execute(a: ConsensusAction, queue: ConsensusEvent[]): void {
    switch (a.type) {
      case "PersistSigned":
        this.persisted = a.state; // durable before the Broadcast that follows
        return;
      case "Broadcast":
        this.broadcast(a.message, a.bytes);
        return;
      case "ScheduleTimeout":
        this.env.scheduleTimer(this.index, a.durationMs, { kind: "consensus", epoch: this.epoch, height: a.height, round: a.round, step: a.step });
        return;
      case "BuildProposal": {
        const value = this.buildBlock(a.height, a.round, a.vrfProof, this.behavior === "invalid-proposer");
        queue.push({ type: "ProposalBuilt", height: a.height, round: a.round, value, hash: simBlockHash(value) });
        return;
      }
      case "ValidateBlock": {
        const valid = a.height === this.chain.height + 1 && this.chain.validate(this.context(a.height), a.round, a.hash, a.value);
        queue.push({ type: "BlockValidated", height: a.height, hash: a.hash, valid });
        return;
      }
      case "Commit": {
        this.chain.append(this.context(a.height), { value: a.value, hash: a.hash, certificate: a.certificate });
        this.env.recordCommit(this.index, this.context(a.height), a, this.heightStartedAt);
        if (this.env.commitWaitMs > 0) {
          this.env.scheduleTimer(this.index, this.env.commitWaitMs, { kind: "start-height", epoch: this.epoch, height: a.height + 1 });
        } else {
          this.heightStartedAt = this.env.now();
          queue.push({
            type: "StartHeight",
            height: a.height + 1,
            validatorSet: this.env.setFor(a.height + 1),
            seed: this.chain.seedOf(a.height + 1),
            previousCommit: a.certificate,
          });
        }
        return;
      }
    }
  }

  private buildBlock(height: number, round: number, proof: Uint8Array, brokenParent: boolean): Uint8Array {
    const payload = this.env.rng.bytes(this.env.payloadBytes);
    const parentHash = brokenParent ? simBlockHash(this.chain.headHash) : this.chain.headHash;
    return encodeSimBlock({ parentHash, height, proposer: this.secrets.address, proposerRound: round, proposerProof: proof, payload });
  }

  // ---- byzantine tampering with outgoing messages ----------------------------------------------

  private broadcast(message: ConsensusMessage, bytes: Uint8Array): void {
    const b = this.behavior;
    if (b === "vote-withholder" && message.kind === "vote") return;
    if (b === "double-voter" && message.kind === "vote") return this.split(message, bytes, this.conflictingVote(message));
    if (b === "equivocating-proposer" && message.kind === "proposal" && message.validRound < 0) {
      return this.split(message, bytes, this.conflictingProposal(message));
    }
    this.env.broadcast(this.index, message, bytes, null);
  }

  /** One version to even nodes, the other to odd ones, and both to every third node (so evidence appears). */
  private split(original: ConsensusMessage, originalBytes: Uint8Array, twin: ConsensusMessage): void {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < this.env.nodeCount; i++) {
      if (i === this.index) continue;
      if (i % 2 === 0 || i % 3 === 0) a.push(i);
      if (i % 2 === 1 || i % 3 === 0) b.push(i);
    }
    this.env.broadcast(this.index, original, originalBytes, a);
    this.env.broadcast(this.index, twin, encodeMessage(twin), b);
  }

  private conflictingVote(v: Vote): Vote {
    const other = v.valueHash !== null ? null : (this.seenHashes.get(`${v.height}/${v.round}`) ?? this.env.rng.bytes(32));
    const { crypto, params } = this.env;
    return signVote(crypto, params.chainId, this.secrets, { step: v.step, height: v.height, round: v.round, valueHash: other, vrfProof: v.vrfProof });
  }

  private conflictingProposal(p: Proposal): Proposal {
    const value = this.buildBlock(p.height, p.round, p.vrfProof, false);
    const { crypto, params } = this.env;
    return signProposal(crypto, params.chainId, this.secrets, {
      height: p.height,
      round: p.round,
      validRound: -1,
      valueHash: simBlockHash(value),
      value,
      vrfProof: p.vrfProof,
    });
  }

  describe(): string {
    return `node ${this.index} (${toHex(this.secrets.address).slice(0, 8)})${this.behavior ? ` ${this.behavior}` : ""}`;
  }
}
