// Named simulator scenarios shared by the tests and the benchmark: a committee mode (everyone votes,
// or sampled committees) and a fault (none, loss, partition, crashes, byzantine behaviours).

import type { TimeoutConfig } from "../timeouts.js";
import type { ConsensusParams } from "../types.js";
import type { NetworkModel } from "./network.js";
import type { ByzantineBehavior } from "./sim-node.js";
import type { CrashSpec, EpochSchedule, SimulationConfig } from "./sim-config.js";

export type CommitteeMode = "everyone" | "sampled";

export type FaultScenario =
  | "honest"
  | "lossy"
  | "partition"
  | "crash-restart"
  | ByzantineBehavior
  /** One of each byzantine behaviour (as many as the byzantine budget allows) plus 2% loss. */
  | "mixed-byzantine";

export const ALL_FAULTS: readonly FaultScenario[] = [
  "honest",
  "lossy",
  "partition",
  "crash-restart",
  "equivocating-proposer",
  "double-voter",
  "vote-withholder",
  "invalid-proposer",
  "mixed-byzantine",
];

export const SIM_TIMEOUTS: TimeoutConfig = {
  proposeMs: 300,
  proposeDeltaMs: 150,
  prevoteMs: 300,
  prevoteDeltaMs: 150,
  precommitMs: 300,
  precommitDeltaMs: 150,
};

const CHAIN_ID = 31_337n;
/** 20 expected proposer draws: the chance that a round has no proposer at all is e^-20. */
const PROPOSER_TAU = 20n;

/**
 * Stakes and tau per committee mode. "everyone": 1 unit each and tau far above W, so j = w
 * (classic weighted BFT). "sampled": tau < W; committee weights vary per role and, for large N,
 * most validators draw j = 0 in a given step. Sampled committees are only probabilistically safe:
 * the choices keep the byzantine share (see byzantineCount) at least ~5 standard deviations away
 * from a committee that could fork (committee-risk.ts computes these tails exactly).
 */
export function committeeSetup(mode: CommitteeMode, n: number): { stakes: bigint[]; params: ConsensusParams } {
  if (mode === "everyone") {
    return { stakes: Array<bigint>(n).fill(1n), params: { chainId: CHAIN_ID, committeeTau: 1n << 62n, proposerTau: PROPOSER_TAU } };
  }
  // Units per validator and tau: p = tau / W stays moderate for small N (weights vary, everyone
  // is drawn) and becomes a real subsample at N = 1000 (about tau validators vote per step).
  const units = n <= 4 ? 1000n : n <= 16 ? 100n : n <= 100 ? 10n : 1n;
  const W = units * BigInt(n);
  const tau = n <= 16 ? W / 2n : n <= 100 ? (W * 2n) / 5n : 300n;
  return { stakes: Array<bigint>(n).fill(units), params: { chainId: CHAIN_ID, committeeTau: tau, proposerTau: PROPOSER_TAU } };
}

/** Byzantine validators: the most that stay below 1/3 of the stake, fewer with sampled committees. */
export function byzantineCount(mode: CommitteeMode, n: number): number {
  const classic = Math.floor((n - 1) / 3);
  if (mode === "everyone") return classic;
  return n <= 4 ? classic : Math.floor(n / 10);
}

export interface ScenarioOptions {
  readonly n: number;
  readonly mode: CommitteeMode;
  readonly fault: FaultScenario;
  readonly seed: string;
  readonly targetHeight: number;
  readonly crypto?: SimulationConfig["crypto"];
  readonly payloadBytes?: number;
  /** Change the validator set every this many heights (see rotatingEpochs). */
  readonly epochLength?: number;
}

/**
 * A schedule in which every epoch one honest validator leaves the set, another honest one carries
 * its stake on top of its own (stake moving), and the one that left comes back the epoch after; the
 * byzantine validators keep their stake. W and the byzantine share are the same in every epoch, so
 * the safety claims of the run without epochs still hold, while membership and weights change.
 */
export function rotatingEpochs(stakes: readonly bigint[], byzantineNodes: readonly number[], length: number): EpochSchedule {
  const honest = stakes.map((_, i) => i).filter((i) => !byzantineNodes.includes(i));
  return {
    length,
    stakes(epoch: number): readonly bigint[] {
      if (epoch === 0 || honest.length < 2) return stakes;
      const out = [...stakes];
      const leaving = honest[epoch % honest.length] as number;
      const carrying = honest[(epoch + 1) % honest.length] as number;
      out[carrying] = (out[carrying] as bigint) + (out[leaving] as bigint);
      out[leaving] = 0n;
      return out;
    },
  };
}

const LAN: NetworkModel = { baseLatencyMs: 5, distanceLatencyMs: 45, jitterMs: 10, lossRate: 0, partitions: [] };

export function scenarioConfig(o: ScenarioOptions): SimulationConfig {
  const { stakes, params } = committeeSetup(o.mode, o.n);
  const f = byzantineCount(o.mode, o.n);
  // Byzantine validators are spread over the index range, so "even/odd" splits hit both halves.
  const byzantineNodes = Array.from({ length: f }, (_, i) => Math.floor(((i + 0.5) * o.n) / Math.max(f, 1)));
  let network = LAN;
  let crashes: CrashSpec[] = [];
  let byzantine: { node: number; behavior: ByzantineBehavior }[] = [];
  const maxVirtualMs = 30_000 + o.targetHeight * 2_000;
  let runAtLeastMs = 0;
  let checkpointsMs: number[] = [];
  switch (o.fault) {
    case "honest":
      break;
    case "lossy":
      network = { ...LAN, lossRate: 0.05 };
      break;
    case "partition": {
      // 0.8-1.8 s: the f byzantine-budget validators are cut off (the rest keep a quorum and go on;
      // the cut ones catch up by sync). 2.3-3.8 s: two halves, neither with a quorum: nothing
      // commits until the network heals. Rounds (and their timeouts) grew meanwhile, so the run
      // goes on to 8 s to see commits resume.
      const half = Array.from({ length: Math.floor(o.n / 2) }, (_, i) => i);
      const minority = byzantineNodes.length > 0 ? byzantineNodes : [0];
      network = {
        ...LAN,
        partitions: [
          { startMs: 800, endMs: 1_800, groups: [minority] },
          { startMs: 2_300, endMs: 3_800, groups: [half] },
        ],
      };
      runAtLeastMs = 8_000;
      checkpointsMs = [2_500, 3_800];
      break;
    }
    case "crash-restart":
      // f validators (below 1/3) crash in turn and restart from their persisted state.
      crashes = byzantineNodes.map((node, i) => ({ node, atMs: 500 + 700 * i, restartAtMs: 3_000 + 700 * i }));
      break;
    case "mixed-byzantine": {
      const kinds: ByzantineBehavior[] = ["equivocating-proposer", "double-voter", "vote-withholder", "invalid-proposer"];
      byzantine = byzantineNodes.map((node, i) => ({ node, behavior: kinds[i % kinds.length] as ByzantineBehavior }));
      network = { ...LAN, lossRate: 0.02 };
      break;
    }
    default:
      byzantine = byzantineNodes.map((node) => ({ node, behavior: o.fault as ByzantineBehavior }));
  }
  return {
    seed: `${o.seed}/${o.mode}/${o.fault}/n${o.n}${o.epochLength !== undefined ? `/epochs${o.epochLength}` : ""}`,
    validators: o.n,
    stakes,
    params,
    timeouts: SIM_TIMEOUTS,
    crypto: o.crypto ?? "simulated",
    network,
    crashes,
    byzantine,
    targetHeight: o.targetHeight,
    maxVirtualMs,
    runAtLeastMs,
    checkpointsMs,
    payloadBytes: o.payloadBytes ?? 256,
    ...(o.epochLength !== undefined ? { epochs: rotatingEpochs(stakes, byzantineNodes, o.epochLength) } : {}),
  };
}
