// One consensus-simulator run as the benchmark sets it up: a network model (LAN or WAN), a committee
// mode (sampled: tau < W; everyone: tau >= W), N validators, synthetic blocks of a given number of
// transfers; and the figures taken from it. The simulator runs the real engine in virtual time with
// its fast simulated (insecure keyed-hash) crypto unless told otherwise.
import { type CommitteeMode, committeeSetup, scenarioConfig } from "../../src/consensus/sim/scenarios.js";
import { type NetworkModel, SimNetwork } from "../../src/consensus/sim/network.js";
import { SeededRandom } from "../../src/consensus/sim/rng.js";
import { Simulation, type SimulationConfig } from "../../src/consensus/sim/simulator.js";
import { percentiles, type Percentiles } from "../harness/stats.js";

export type NetworkName = "LAN" | "WAN";

/** LAN: 1 ms links (0.8 ms + up to 0.4 ms jitter). WAN: 50-150 ms links (by distance, plus jitter), 1 % loss. */
export const NETWORKS: Record<NetworkName, NetworkModel> = {
  LAN: { baseLatencyMs: 0.8, distanceLatencyMs: 0, jitterMs: 0.4, lossRate: 0, partitions: [] },
  WAN: { baseLatencyMs: 50, distanceLatencyMs: 90, jitterMs: 10, lossRate: 0.01, partitions: [] },
};

/** Bytes of one synthetic transaction: a signed EIP-1559 ETH transfer is ~110-115 bytes of RLP. */
export const SYNTHETIC_TX_BYTES = 110;

export interface ConsensusRunSpec {
  readonly n: number;
  readonly network: NetworkName;
  readonly mode: CommitteeMode;
  readonly heights: number;
  readonly blockTxs: number;
  readonly seed: string;
  readonly crypto: SimulationConfig["crypto"];
  /**
   * Close the propose window one largest network delay after a valid proposal arrives (as the node
   * does, with its own 50 ms) instead of waiting out the whole propose timeout for better-priority
   * competitors. Default true.
   */
  readonly proposeWindow?: boolean;
}

export interface ConsensusRunResult {
  readonly spec: ConsensusRunSpec;
  readonly stakeUnits: string;
  readonly totalStake: string;
  readonly committeeTau: string;
  readonly reachedTarget: boolean;
  readonly heightsCommitted: number;
  readonly virtualSeconds: number;
  readonly wallSeconds: number;
  /** Committed heights per wall-clock second of this machine: the simulator's own speed. */
  readonly wallHeightsPerSecond: number;
  readonly heightsPerVirtualSecond: number;
  /** blockTxs x committed heights per virtual second (bandwidth and execution are not modelled). */
  readonly committedTxPerSecond: number;
  /** Per validator and height, StartHeight to Commit, virtual ms. */
  readonly finalityMs: Percentiles;
  readonly roundsPerHeight: number;
  /** Received (delivered) per validator per committed height. */
  readonly messagesPerValidator: number;
  readonly bytesPerValidator: number;
  /** Broadcast (originated) per validator per committed height. */
  readonly broadcastsPerValidator: number;
  /** Forks, certificate failures and honest double signs: must all be 0. */
  readonly safetyViolations: number;
}

/**
 * Stakes and tau per mode. Reuses the simulator's committeeSetup; where that gives tau >= W in
 * "sampled" mode (1 unit each and tau = 300 for 100 < N < 300), gives each validator 4 units so
 * the committee is still a sample (W = 4N > 300).
 */
export function benchCommittee(mode: CommitteeMode, n: number): ReturnType<typeof committeeSetup> {
  const base = committeeSetup(mode, n);
  if (mode === "everyone") return base;
  const W = base.stakes.reduce((a, b) => a + b, 0n);
  if (base.params.committeeTau < W) return base;
  return { stakes: Array<bigint>(n).fill(4n), params: base.params };
}

export function simulationConfig(s: ConsensusRunSpec): SimulationConfig {
  const base = scenarioConfig({ n: s.n, mode: s.mode, fault: "honest", seed: s.seed, targetHeight: s.heights, crypto: s.crypto, payloadBytes: s.blockTxs * SYNTHETIC_TX_BYTES });
  const { stakes, params } = benchCommittee(s.mode, s.n);
  // WAN rounds take ~3 one-way delays of up to 150 ms: give the run proportionally more virtual time.
  const perHeightMs = s.network === "WAN" ? 10_000 : 2_000;
  const model = NETWORKS[s.network];
  const timeouts = s.proposeWindow === false ? base.timeouts : { ...base.timeouts, proposeWindowMs: Math.ceil(maxDelayMs(model)) };
  return { ...base, seed: `${base.seed}/${s.network}`, stakes, params, timeouts, network: model, maxVirtualMs: 30_000 + s.heights * perHeightMs };
}

/** The largest one-way delay the model can produce. */
export function maxDelayMs(model: NetworkModel): number {
  return model.baseLatencyMs + model.distanceLatencyMs + model.jitterMs;
}

/**
 * The per-commit finality samples. SimulationReport carries only mean/p50/max of them, and the
 * benchmark needs p95/p99, so they are read from the simulation's stats after the run; checked
 * at run time so a change in the simulator fails loudly instead of producing wrong figures.
 */
function finalitySamples(sim: Simulation): number[] {
  const stats: unknown = Reflect.get(sim, "stats");
  const samples = typeof stats === "object" && stats !== null ? (stats as Record<string, unknown>)["finalityMs"] : undefined;
  if (!Array.isArray(samples) || !samples.every((x) => typeof x === "number"))
    throw new Error("the simulator no longer exposes stats.finalityMs: the consensus bench needs the per-commit finality samples");
  return samples as number[];
}

export function runConsensus(spec: ConsensusRunSpec): ConsensusRunResult {
  const config = simulationConfig(spec);
  const t0 = performance.now();
  const sim = new Simulation(config);
  const r = sim.run();
  const wallSeconds = (performance.now() - t0) / 1000;
  const finality = finalitySamples(sim);
  const n = spec.n;
  return {
    spec,
    stakeUnits: (config.stakes?.[0] ?? 1n).toString(),
    totalStake: r.totalStake.toString(),
    committeeTau: r.committeeTau >= r.totalStake ? ">= W" : r.committeeTau.toString(),
    reachedTarget: r.reachedTarget,
    heightsCommitted: r.minHonestHeight,
    virtualSeconds: r.virtualMs / 1000,
    wallSeconds,
    wallHeightsPerSecond: r.minHonestHeight / wallSeconds,
    heightsPerVirtualSecond: r.heightsPerSecond,
    committedTxPerSecond: r.heightsPerSecond * spec.blockTxs,
    finalityMs: percentiles(finality),
    roundsPerHeight: r.roundsPerHeight.mean,
    messagesPerValidator: r.messagesPerHeight / n,
    bytesPerValidator: r.bytesPerHeight / n,
    broadcastsPerValidator: r.broadcastsPerHeight / n,
    safetyViolations: r.forks.length + r.certificateFailures.length + r.doubleSigns.length,
  };
}

/** Mean and largest one-way delay of a network model over random node placements (the same model the runs use). */
export function networkDelays(model: NetworkModel, nodes = 200): { meanMs: number; maxMs: number } {
  const net = new SimNetwork({ ...model, lossRate: 0 }, new SeededRandom("bench-network-delays"), nodes);
  let sum = 0;
  let max = 0;
  let count = 0;
  for (let a = 0; a < nodes; a++)
    for (let b = 0; b < nodes; b++) {
      if (a === b) continue;
      const d = net.route(a, b, 0)!;
      sum += d;
      max = Math.max(max, d);
      count++;
    }
  return { meanMs: sum / count, maxMs: max };
}
