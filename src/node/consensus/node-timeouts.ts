// The consensus step timeouts the node runs its engines with: which one depends on whether the
// validators share this process or talk over the network.
import { DEFAULT_TIMEOUTS, timeoutDuration, type TimeoutConfig } from "../../consensus/timeouts.js";

/**
 * The engine's LAN defaults, with the propose window closed as soon as a valid proposal is in hand.
 * Without a network every validator that can propose runs in this process, and the proposer race
 * (proposer-race.ts) lets only the best local priority build, so no better proposal can follow the
 * one in hand: waiting for one only delays the block. It was 50 ms, from before the race, when
 * every drawn local validator built; that wait was most of an idle dev node's block time (a lone
 * transfer's receipt 84 -> 36 ms at the median, 2026-12-07).
 */
export const NODE_TIMEOUTS: TimeoutConfig = { ...DEFAULT_TIMEOUTS, proposeWindowMs: 0 };

/**
 * Validators in separate processes need a longer window. Every validator is usually drawn as a
 * proposer and builds its own block the moment it starts the height, which closes its window
 * proposeWindowMs later. The best-priority proposal must reach every validator before that, or the
 * validators prevote for different blocks, no value gets a prevote quorum and the round is lost
 * (~2.5 s of prevote and precommit timeouts). What it has to cover: the spread of the validators'
 * height starts (each starts when it has committed the previous block, which the precommits reach
 * at different times), the gossip delay, and the competitor's build time. Measured on a loaded
 * 2-core host with 4 validator processes (0.5 s blocks): with 50 ms about half the heights lost
 * round 0; with 300 ms about 1 in 12 did. With 50 ms ± 10 ms links (test/e2e/netns.test.ts): with
 * 50 ms, 4 of 7 heights needed rounds 1-3 (one took 9.7 s); with 300 ms every height committed in
 * round 0, in ~600 ms. A longer window costs little while rounds fit in the block time, since the
 * next height starts on the block-time clock anyway.
 */
export const NETWORK_TIMEOUTS: TimeoutConfig = { ...DEFAULT_TIMEOUTS, proposeWindowMs: 300 };

/**
 * How long a drawn proposer waits for other validators' credentials before it builds (validators in
 * separate processes only). The credentials of one round go out when each validator starts the
 * height; this covers the gossip of a ~120-byte message plus a little of the start spread. A
 * credential that arrives later only means two blocks get built, as before credentials existed.
 */
export const CREDENTIAL_WAIT_MS = 100;

/**
 * The share of the propose timeout a block may take to build (and again to execute on the others):
 * proposals carry no more gas than executes in it.
 */
export const BUILD_SHARE_OF_PROPOSE = 0.4;

/** A proposal's execution budget with validators in other processes (the block producer's maxExecutionMs). */
export function buildBudgetMs(timeouts: TimeoutConfig): number {
  return Math.floor(timeouts.proposeMs * BUILD_SHARE_OF_PROPOSE);
}

/** What a fallback build may execute: a small block, so it is quick to build and to check. */
export const FALLBACK_BUILD_SHARE_OF_PROPOSE = 0.1;
/** Time kept for a fallback block to cross the network and be checked before the propose timeout. */
export const FALLBACK_DELIVERY_MS = 150;

/**
 * When a validator that stood back for a better remote credential builds after all (counted from
 * its decision to stand back, which came `credentialWaitMs` into the round), and how much it may
 * execute. The better-credentialed proposer is usually just building: it waited the same
 * credential window and then executes up to buildBudgetMs, and its block must still travel. A
 * fallback that fired at buildBudgetMs (as it did) fired while that block was on its way, under load nearly
 * always, and every fallback was a whole extra block built by one validator and executed by the
 * others (issue 13: validators built blocks for 60-85 % of all transactions they committed). So the
 * fallback waits as long as the round allows, and builds a small block that still reaches the
 * others before the round's propose timeout: it is there for liveness (the proposer is offline),
 * not throughput. Never earlier than buildBudgetMs, as before.
 */
export function fallbackPlan(timeouts: TimeoutConfig, round: number, credentialWaitMs: number): { delayMs: number; buildMs: number } {
  const fallbackBuildMs = Math.max(1, Math.floor(timeouts.proposeMs * FALLBACK_BUILD_SHARE_OF_PROPOSE));
  const latest = timeoutDuration(timeouts, "propose", round) - credentialWaitMs - fallbackBuildMs - FALLBACK_DELIVERY_MS;
  return { delayMs: Math.max(buildBudgetMs(timeouts), latest), buildMs: fallbackBuildMs };
}
