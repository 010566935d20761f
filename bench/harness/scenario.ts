// What a scenario gets from the command line and gives back (a ScenarioOutput, written by main.ts).
import type { ScenarioOutput } from "./results.js";

export interface BenchOptions {
  readonly quick: boolean;
  /** Repetitions per configuration (figures are medians over them). */
  readonly runs?: number;
  /** Validator counts (consensus: simulated; localnet: processes). */
  readonly validators?: readonly number[];
  /** Consensus: further validator counts run with sampled committees only (the plateau of messages per validator). */
  readonly sampledValidators?: readonly number[];
  readonly heights?: number;
  readonly blockTxs?: readonly number[];
  /** Transactions per load run (peers) and per execution run. */
  readonly txs?: number;
  /** ERC-20 transfers per run (peers), on a fresh node after each ETH session (quick: on its node); 0: none. */
  readonly erc20Txs?: number;
  readonly senders?: number;
  readonly connections?: number;
  /** Fixed-rate load: transactions per second per connection. */
  readonly rate?: number;
  /** Seconds of fixed-rate load (localnet). */
  readonly duration?: number;
  /** Node targets for `peers`, e.g. verity,anvil,hardhat,ganache. */
  readonly peers?: readonly string[];
  /** Block times for `peers`: 0 = automine/instamine. */
  readonly blockTimes?: readonly number[];
  /** peers: the block gas limit every node starts with (undefined: each node's default, 30,000,000). */
  readonly gasLimit?: bigint;
  readonly profile: boolean;
  readonly outDir: string;
  /** The `<date>` part of this scenario run's result files, for extra files written next to them. */
  readonly stamp?: string;
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  run(options: BenchOptions): Promise<ScenarioOutput>;
}

/** An option's value, or the quick / full default. */
export function pick<T>(value: T | undefined, quick: boolean, quickDefault: T, fullDefault: T): T {
  return value !== undefined ? value : quick ? quickDefault : fullDefault;
}
