// The deterministic consensus simulator: N validators running the real engine in one process, over
// a simulated network in virtual time. One seed reproduces one run exactly: every random choice
// comes from one seeded generator and events are processed in (time, insertion) order.
//
// After every commit it checks safety as it goes: no two honest validators commit different blocks
// (or derive different seeds) at one height, and every commit certificate verifies with
// verifyCommitCertificate. The report carries those findings with the performance figures.

import { createHash } from "node:crypto";
import { toHex } from "../bytes.js";
import { verifyCommitCertificate } from "../certificate.js";
import { defaultSortition, seedForNextHeight } from "../committee.js";
import { validatorSetOf, type ConsensusCrypto } from "../crypto.js";
import { decodeMessage } from "../codec.js";
import { createEd25519EcvrfCrypto } from "../ed25519-ecvrf-crypto.js";
import { DEFAULT_ENGINE_LIMITS, type ConsensusAction } from "../engine-types.js";
import type { ConsensusMessage } from "../messages.js";
import { messageStep } from "../signing-record.js";
import { createSimulatedInsecureCrypto } from "../simulated-crypto.js";
import { ValidatorSet } from "../types.js";
import { type HeightContext, directMessageVerifier } from "../verify.js";
import { EventQueue } from "./event-queue.js";
import type { SimulationConfig } from "./sim-config.js";
import { MemoizingMessageVerifier, memoizedNextSeed, memoizedSortition } from "../memo-verifier.js";
import { SimNetwork } from "./network.js";
import { SeededRandom } from "./rng.js";
import { SimBlockFacts, simGenesisSeed } from "./sim-chain.js";
import { type NodeTimer, type SimEnvironment, SimNode, type SyncPayload } from "./sim-node.js";
import { simulatedKeys, summarize, TraceHash, type SimulationReport } from "./sim-report.js";

export type { CrashSpec, SimulationConfig } from "./sim-config.js";

type SimEvent =
  | {
      readonly kind: "fanout";
      readonly from: number;
      readonly message: ConsensusMessage;
      readonly size: number;
      readonly recipients: Int32Array;
      readonly times: Float64Array;
      index: number;
    }
  | { readonly kind: "sync"; readonly from: number; readonly to: number; readonly payload: SyncPayload }
  | { readonly kind: "timer"; readonly node: number; readonly timer: NodeTimer }
  | { readonly kind: "crash" | "restart"; readonly node: number }
  | { readonly kind: "checkpoint"; readonly index: number };

/** Sizes for sync traffic accounting. */
function syncSize(p: SyncPayload): number {
  if (p.kind === "sync-request") return 16;
  return p.blocks.reduce((n, b) => n + b.value.length + 64 + b.certificate.precommits.length * 164, 0);
}

export class Simulation {
  readonly nodes: SimNode[];
  /** The validator set at genesis (epoch 0). */
  readonly validatorSet: ValidatorSet;
  /** The validator set of a height. */
  readonly setFor: (height: number) => ValidatorSet;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly network: SimNetwork;
  private readonly crypto: ConsensusCrypto;
  private readonly env: SimEnvironment;
  private now = 0;
  private readonly trace = new TraceHash();
  private readonly stats = {
    broadcasts: 0,
    deliveries: 0,
    bytes: 0,
    syncMessages: 0,
    syncBytes: 0,
    commitRounds: [] as number[],
    finalityMs: [] as number[],
    commitTimes: [] as number[],
  };
  /** Per height: the block hash and seed honest validators committed (first seen). */
  private readonly committed = new Map<number, { hash: string; seed: string }>();
  readonly forks: string[] = [];
  private readonly checkpoints: { atMs: number; minHonestHeight: number; maxHonestHeight: number }[] = [];
  readonly certificateFailures: string[] = [];
  readonly doubleSigns: string[] = [];
  private readonly signedBy = new Map<string, string>();
  private readonly mustFinish: Set<number>;

  constructor(readonly config: SimulationConfig) {
    const rng = new SeededRandom(`verity-sim/${config.seed}`);
    this.crypto = config.crypto === "simulated" ? createSimulatedInsecureCrypto() : createEd25519EcvrfCrypto();
    const stakes = config.epochs?.stakes(0) ?? config.stakes ?? Array<bigint>(config.validators).fill(1n);
    const keys = simulatedKeys(this.crypto, config.seed, stakes.map((s) => (s > 0n ? s : 1n)));
    this.validatorSet = keys.set;
    const schedule = config.epochs;
    const sets = new Map<number, ValidatorSet>();
    const setFor = (height: number): ValidatorSet => {
      if (schedule === undefined) return this.validatorSet;
      const epoch = Math.floor((Math.max(height, 1) - 1) / schedule.length);
      let set = sets.get(epoch);
      if (set === undefined) {
        const epochStakes = schedule.stakes(epoch);
        const members = keys.secrets.filter((_, i) => (epochStakes[i] ?? 0n) > 0n);
        set = validatorSetOf(this.crypto, members, members.map((s) => epochStakes[keys.secrets.indexOf(s)] as bigint));
        sets.set(epoch, set);
      }
      return set;
    };
    this.setFor = setFor;
    if (schedule !== undefined) this.validatorSet = setFor(1);
    const shared = config.shareVerification ?? true;
    const sortition = shared ? memoizedSortition(defaultSortition) : defaultSortition;
    this.network = new SimNetwork(config.network, rng, config.validators);
    const byzantine = new Map((config.byzantine ?? []).map((b) => [b.node, b.behavior]));
    this.env = {
      crypto: this.crypto,
      params: config.params,
      setFor,
      timeouts: config.timeouts,
      limits: DEFAULT_ENGINE_LIMITS,
      verifier: shared ? new MemoizingMessageVerifier() : directMessageVerifier,
      sortition,
      nextSeed: shared ? memoizedNextSeed(seedForNextHeight) : seedForNextHeight,
      blockFacts: new SimBlockFacts(shared),
      rng,
      nodeCount: config.validators,
      payloadBytes: config.payloadBytes ?? 256,
      commitWaitMs: config.commitWaitMs ?? 0,
      syncRetryMs: config.timeouts.proposeMs,
      now: () => this.now,
      broadcast: (from, message, bytes, recipients) => this.broadcast(from, message, bytes, recipients),
      sendSync: (from, to, payload) => this.sendSync(from, to, payload),
      scheduleTimer: (node, delay, timer) => this.queue.push(this.now + delay, { kind: "timer", node, timer }),
      recordCommit: (node, ctx, commit, startedAt) => this.recordCommit(node, ctx, commit, startedAt),
    };
    const genesis = simGenesisSeed(config.params.chainId);
    this.nodes = keys.secrets.map((s, i) => new SimNode(i, s, byzantine.get(i) ?? null, this.env, genesis));
    for (const c of config.crashes ?? []) {
      this.queue.push(c.atMs, { kind: "crash", node: c.node });
      if (c.restartAtMs !== undefined) this.queue.push(c.restartAtMs, { kind: "restart", node: c.node });
    }
    (config.checkpointsMs ?? []).forEach((at, index) => this.queue.push(at, { kind: "checkpoint", index }));
    const staysDown = new Set((config.crashes ?? []).filter((c) => c.restartAtMs === undefined).map((c) => c.node));
    this.mustFinish = new Set(this.nodes.filter((n) => n.behavior === null && !staysDown.has(n.index)).map((n) => n.index));
  }

  /** Runs to the target height or the virtual time limit and returns the report. */
  run(): SimulationReport {
    for (const n of this.nodes) n.start();
    for (;;) {
      if (this.finished()) break;
      const time = this.queue.peekTime();
      if (time === undefined || time > this.config.maxVirtualMs) break;
      const item = this.queue.pop() as SimEvent;
      this.now = time;
      this.process(item);
    }
    return this.report();
  }

  private finished(): boolean {
    if (this.now < (this.config.runAtLeastMs ?? 0)) return false;
    for (const i of this.mustFinish) if ((this.nodes[i] as SimNode).chain.height < this.config.targetHeight) return false;
    return true;
  }

  private process(e: SimEvent): void {
    switch (e.kind) {
      case "fanout": {
        const to = e.recipients[e.index] as number;
        this.trace.add5(Math.round(this.now * 1000), e.from, to, e.message.height, e.message.round);
        this.stats.deliveries++;
        this.stats.bytes += e.size;
        e.index++;
        if (e.index < e.recipients.length) this.queue.push(e.times[e.index] as number, e);
        (this.nodes[to] as SimNode).onMessage(e.from, e.message);
        return;
      }
      case "sync":
        this.trace.add(Math.round(this.now * 1000), e.from, e.to, -1, e.payload.kind === "sync-request" ? e.payload.fromHeight : e.payload.blocks.length);
        (this.nodes[e.to] as SimNode).onSync(e.from, e.payload);
        return;
      case "timer":
        (this.nodes[e.node] as SimNode).onTimer(e.timer);
        return;
      case "crash":
        this.trace.add(Math.round(this.now * 1000), e.node, -2);
        (this.nodes[e.node] as SimNode).crash();
        return;
      case "checkpoint": {
        const heights = this.nodes.filter((n) => n.behavior === null).map((n) => n.chain.height);
        this.checkpoints[e.index] = { atMs: this.now, minHonestHeight: Math.min(...heights), maxHonestHeight: Math.max(...heights) };
        return;
      }
      case "restart":
        this.trace.add(Math.round(this.now * 1000), e.node, -3);
        (this.nodes[e.node] as SimNode).start();
        return;
    }
  }

  private broadcast(from: number, _message: ConsensusMessage, bytes: Uint8Array, recipients: readonly number[] | null): void {
    // What travels is bytes: decode once (every receiver would decode the same bytes the same way).
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) throw new Error(`node ${from} broadcast undecodable bytes: ${decoded.error}`);
    this.checkSingleSignature(from, decoded.value, bytes);
    this.stats.broadcasts++;
    // Deliveries in (time, receiver) order, kept sorted as they are routed (binary insertion into
    // typed arrays) rather than as one object per receiver sorted with a comparator. Routing still
    // runs in receiver order: it draws the loss and jitter from the seeded generator.
    const capacity = recipients === null ? this.nodes.length : recipients.length;
    const times = new Float64Array(capacity);
    const tos = new Int32Array(capacity);
    let count = 0;
    const send = (to: number) => {
      const delay = this.network.route(from, to, this.now);
      if (delay === null) return;
      const at = this.now + delay;
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const t = times[mid] as number;
        if (t < at || (t === at && (tos[mid] as number) < to)) lo = mid + 1;
        else hi = mid;
      }
      times.copyWithin(lo + 1, lo, count);
      tos.copyWithin(lo + 1, lo, count);
      times[lo] = at;
      tos[lo] = to;
      count++;
    };
    if (recipients === null) {
      for (let to = 0; to < this.nodes.length; to++) if (to !== from) send(to);
    } else for (const to of recipients) send(to);
    if (count === 0) return;
    this.queue.push(times[0] as number, {
      kind: "fanout",
      from,
      message: decoded.value,
      size: bytes.length,
      recipients: tos.subarray(0, count),
      times: times.subarray(0, count),
      index: 0,
    });
  }

  /** An honest validator never signs two different messages for one (height, round, step), crashes included. */
  private checkSingleSignature(from: number, m: ConsensusMessage, bytes: Uint8Array): void {
    const node = this.nodes[from] as SimNode;
    const signer = m.kind === "proposal" ? m.proposer : m.voter;
    if (node.behavior !== null || toHex(signer) !== toHex(node.secrets.address)) return; // byzantine, or a relay
    const key = `${from}/${m.height}/${m.round}/${messageStep(m)}`;
    const digest = toHex(createHash("sha256").update(bytes).digest());
    const seen = this.signedBy.get(key);
    if (seen === undefined) this.signedBy.set(key, digest);
    else if (seen !== digest) this.doubleSigns.push(`${node.describe()} signed two messages at height ${m.height} round ${m.round} ${messageStep(m)}`);
  }

  private sendSync(from: number, to: number, payload: SyncPayload): void {
    const delay = this.network.route(from, to, this.now);
    this.stats.syncMessages++;
    this.stats.syncBytes += syncSize(payload);
    if (delay !== null) this.queue.push(this.now + delay, { kind: "sync", from, to, payload });
  }

  private recordCommit(node: number, ctx: HeightContext, commit: Extract<ConsensusAction, { type: "Commit" }>, startedAt: number): void {
    const n = this.nodes[node] as SimNode;
    const hash = toHex(commit.hash);
    this.trace.add(Math.round(this.now * 1000), node, -4, commit.height, commit.round, parseInt(hash.slice(0, 8), 16));
    const verdict = verifyCommitCertificate(commit.certificate, this.setFor(commit.height), ctx.seed, this.config.params, this.crypto, {
      sortition: this.env.sortition,
      verifier: this.env.verifier,
    });
    if (!verdict.ok || toHex(commit.certificate.valueHash) !== hash) {
      this.certificateFailures.push(`${n.describe()} height ${commit.height}: ${verdict.ok ? "hash mismatch" : verdict.reason}`);
    }
    if (n.behavior !== null) return;
    const seed = toHex(ctx.seed);
    const first = this.committed.get(commit.height);
    if (first === undefined) this.committed.set(commit.height, { hash, seed });
    else if (first.hash !== hash || first.seed !== seed) {
      this.forks.push(`height ${commit.height}: ${n.describe()} committed ${hash.slice(0, 16)} (seed ${seed.slice(0, 8)}), another honest node ${first.hash.slice(0, 16)} (seed ${first.seed.slice(0, 8)})`);
    }
    this.stats.commitRounds.push(commit.round);
    this.stats.finalityMs.push(this.now - startedAt);
    this.stats.commitTimes.push(this.now);
  }

  private report(): SimulationReport {
    return summarize({
      config: this.config,
      nodes: this.nodes,
      totalStake: this.validatorSet.totalStake,
      now: this.now,
      stats: this.stats,
      forks: this.forks,
      certificateFailures: this.certificateFailures,
      doubleSigns: this.doubleSigns,
      finished: this.finished(),
      traceHash: this.trace.digest(),
      checkpoints: this.checkpoints,
    });
  }
}
