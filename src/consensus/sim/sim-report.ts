// Simulator bookkeeping: deterministic validator keys, the run's trace hash, and the report.

import { createHash } from "node:crypto";
import { validatorSetOf, type ConsensusCrypto, type ValidatorSecrets } from "../crypto.js";
import { ValidatorSet } from "../types.js";
import type { SimNode } from "./sim-node.js";
import type { SimulationConfig } from "./sim-config.js";

export function simulatedKeys(crypto: ConsensusCrypto, seed: string, stakes: readonly bigint[]): { secrets: ValidatorSecrets[]; set: ValidatorSet } {
  const derive = (i: number, what: string) => new Uint8Array(createHash("sha256").update(`verity-sim/${seed}/${i}/${what}`).digest());
  const secrets = stakes.map((_, i) => ({ address: derive(i, "address").subarray(0, 20), signingSecret: derive(i, "signing"), vrfSecret: derive(i, "vrf") }));
  return { secrets, set: validatorSetOf(crypto, secrets, stakes) };
}

/** A fast running hash of the event trace (two 32-bit lanes, murmur-style mixing); not cryptographic. */
export class TraceHash {
  private h1 = 0x9747b28c;
  private h2 = 0x85ebca6b;
  events = 0;

  add(...values: number[]): void {
    this.events++;
    for (const v of values) this.mix(v);
  }

  /** add() of exactly five values (one per message delivery), without the rest-parameter array. */
  add5(a: number, b: number, c: number, d: number, e: number): void {
    this.events++;
    this.mix(a);
    this.mix(b);
    this.mix(c);
    this.mix(d);
    this.mix(e);
  }

  private mix(v: number): void {
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    this.h1 = Math.imul(this.h1 ^ lo, 0xcc9e2d51);
    this.h1 = (this.h1 << 15) | (this.h1 >>> 17);
    this.h2 = Math.imul(this.h2 ^ hi ^ this.h1, 0x1b873593);
    this.h2 = (this.h2 << 13) | (this.h2 >>> 19);
  }

  digest(): string {
    const hex = (x: number) => (x >>> 0).toString(16).padStart(8, "0");
    return `${hex(this.h1)}${hex(this.h2)}:${this.events}`;
  }
}

export interface Distribution {
  readonly mean: number;
  readonly p50: number;
  readonly max: number;
}

function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { mean: 0, p50: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { mean: sum / sorted.length, p50: sorted[Math.floor(sorted.length / 2)] as number, max: sorted[sorted.length - 1] as number };
}

export interface SimulationReport {
  readonly seed: string;
  readonly validators: number;
  readonly totalStake: bigint;
  readonly committeeTau: bigint;
  /** True when every honest validator that ends up running reached the target height in time. */
  readonly reachedTarget: boolean;
  readonly virtualMs: number;
  /** Lowest and highest chain height among honest validators at the end. */
  readonly minHonestHeight: number;
  readonly maxHonestHeight: number;
  readonly heightsPerSecond: number;
  /** Commit round + 1 over all honest commits. */
  readonly roundsPerHeight: Distribution;
  /** Per committed height, network-wide: broadcasts made, point-to-point deliveries, delivered bytes. */
  readonly broadcastsPerHeight: number;
  readonly messagesPerHeight: number;
  readonly bytesPerHeight: number;
  readonly syncMessages: number;
  readonly syncBytes: number;
  /** Heights honest validators committed through sync responses (DecisionReceived), summed. */
  readonly commitsFromSync: number;
  /** Per validator and height: from StartHeight to Commit, virtual ms. */
  readonly finalityLatencyMs: Distribution;
  readonly forks: readonly string[];
  readonly certificateFailures: readonly string[];
  /** Honest validators that signed two different messages for one (height, round, step): must stay empty. */
  readonly doubleSigns: readonly string[];
  /** Distinct equivocations held as evidence, summed over honest validators. */
  readonly evidenceHeld: number;
  /** Summed over honest validators' engine counters. */
  readonly rejected: {
    readonly badSignature: number;
    readonly badProof: number;
    readonly stale: number;
    readonly duplicate: number;
    readonly invalidBlocks: number;
    readonly equivocations: number;
  };
  /** Hash of the event trace (deliveries, commits, crashes): equal for equal runs. */
  readonly traceHash: string;
  readonly checkpoints: readonly { readonly atMs: number; readonly minHonestHeight: number; readonly maxHonestHeight: number }[];
  /** Hash of the block hashes at heights 1..minHonestHeight on validator 0's chain. */
  readonly chainHash: string;
}

export interface ReportInput {
  readonly config: SimulationConfig;
  readonly nodes: readonly SimNode[];
  readonly totalStake: bigint;
  readonly now: number;
  readonly stats: {
    broadcasts: number;
    deliveries: number;
    bytes: number;
    syncMessages: number;
    syncBytes: number;
    commitRounds: number[];
    finalityMs: number[];
  };
  readonly forks: readonly string[];
  readonly certificateFailures: readonly string[];
  readonly doubleSigns: readonly string[];
  readonly finished: boolean;
  readonly traceHash: string;
  readonly checkpoints: SimulationReport["checkpoints"];
}

export function summarize(r: ReportInput): SimulationReport {
  const honest = r.nodes.filter((n) => n.behavior === null);
  const heights = honest.map((n) => n.chain.height);
  const minHeight = Math.min(...heights);
  const perHeight = (x: number) => (minHeight > 0 ? x / minHeight : x);
  const chain = createHash("sha256");
  const reference = honest.find((n) => n.chain.height >= minHeight);
  for (const b of reference?.chain.blocks.slice(0, minHeight) ?? []) chain.update(b.hash);
  let evidence = 0;
  const rejected = { badSignature: 0, badProof: 0, stale: 0, duplicate: 0, invalidBlocks: 0, equivocations: 0 };
  for (const n of honest) {
    const e = n.consensusEngine;
    if (e === null) continue;
    evidence += e.evidence.size;
    for (const k of Object.keys(rejected) as (keyof typeof rejected)[]) rejected[k] += e.counters[k];
  }
  return {
    seed: r.config.seed,
    validators: r.nodes.length,
    totalStake: r.totalStake,
    committeeTau: r.config.params.committeeTau,
    reachedTarget: r.finished,
    virtualMs: r.now,
    minHonestHeight: minHeight,
    maxHonestHeight: Math.max(...heights),
    heightsPerSecond: r.now > 0 ? (minHeight * 1000) / r.now : 0,
    roundsPerHeight: distribution(r.stats.commitRounds.map((x) => x + 1)),
    broadcastsPerHeight: perHeight(r.stats.broadcasts),
    messagesPerHeight: perHeight(r.stats.deliveries),
    bytesPerHeight: perHeight(r.stats.bytes),
    syncMessages: r.stats.syncMessages,
    syncBytes: r.stats.syncBytes,
    commitsFromSync: honest.reduce((n, node) => n + node.commitsFromSync, 0),
    finalityLatencyMs: distribution(r.stats.finalityMs),
    forks: r.forks,
    certificateFailures: r.certificateFailures,
    doubleSigns: r.doubleSigns,
    evidenceHeld: evidence,
    rejected,
    traceHash: r.traceHash,
    checkpoints: r.checkpoints,
    chainHash: chain.digest("hex"),
  };
}
