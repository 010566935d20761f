// The simulator's configuration: what one run simulates. Its own file so the report
// (sim-report.ts) and the scenarios can name it without importing the simulator.

import type { TimeoutConfig } from "../timeouts.js";
import type { ConsensusParams } from "../types.js";
import type { NetworkModel } from "./network.js";
import type { ByzantineBehavior } from "./sim-node.js";

export interface CrashSpec {
  readonly node: number;
  readonly atMs: number;
  /** Omitted: the node stays down. */
  readonly restartAtMs?: number;
}

/**
 * Epochs that change the validator set: heights 1..length are epoch 0, and so on; `stakes(e)` gives
 * every validator's stake units in epoch e (0: not a member that epoch). It models what the staking
 * ledger decides (joins, departures, stake moving), already known when the epoch starts.
 */
export interface EpochSchedule {
  readonly length: number;
  stakes(epoch: number): readonly bigint[];
}

export interface SimulationConfig {
  readonly seed: string;
  readonly validators: number;
  /** Stake units of validator i (default: 1 each); with `epochs`, epoch 0's come from the schedule. */
  readonly stakes?: readonly bigint[];
  /** Validator sets that change per epoch (default: `stakes` for ever). */
  readonly epochs?: EpochSchedule;
  readonly params: ConsensusParams;
  readonly timeouts: TimeoutConfig;
  /** "simulated" is the fast insecure keyed-hash scheme; "ed25519-ecvrf" the real one. */
  readonly crypto: "simulated" | "ed25519-ecvrf";
  readonly network: NetworkModel;
  readonly crashes?: readonly CrashSpec[];
  readonly byzantine?: readonly { readonly node: number; readonly behavior: ByzantineBehavior }[];
  /** The run ends once every honest validator that ends up running has committed this height. */
  readonly targetHeight: number;
  readonly maxVirtualMs: number;
  readonly payloadBytes?: number;
  /** Pause between a commit and the next height (Tendermint's timeout_commit); default 0. */
  readonly commitWaitMs?: number;
  /** Share verification verdicts across nodes (sound, see memo-verifier.ts); default true. */
  readonly shareVerification?: boolean;
  /** Keep running at least this long, even once the target height is reached. */
  readonly runAtLeastMs?: number;
  /** Times at which the report samples the lowest and highest honest chain heights. */
  readonly checkpointsMs?: readonly number[];
}
