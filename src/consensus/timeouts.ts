// Step timeouts, growing linearly with the round so that a network slower than the initial guess
// is eventually outwaited (Tendermint's partial-synchrony assumption).

import type { Step } from "./types.js";

export interface TimeoutConfig {
  readonly proposeMs: number;
  readonly proposeDeltaMs: number;
  readonly prevoteMs: number;
  readonly prevoteDeltaMs: number;
  readonly precommitMs: number;
  readonly precommitDeltaMs: number;
  /**
   * Optional early close of the propose window: once a valid proposal of the current round is in
   * hand, wait only this long for a better-priority competitor instead of the whole propose timeout.
   * Proposers race within one network delay of each other, so a few network delays suffice; the
   * full propose timeout still bounds a round with no proposal at all. Unset: wait the whole timeout.
   */
  readonly proposeWindowMs?: number;
}

/** Suits a LAN or a local multi-validator node; WAN deployments should scale these up. */
export const DEFAULT_TIMEOUTS: TimeoutConfig = {
  proposeMs: 1000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 500,
  precommitMs: 1000,
  precommitDeltaMs: 500,
};

export function timeoutDuration(config: TimeoutConfig, step: Step, round: number): number {
  switch (step) {
    case "propose":
      return config.proposeMs + config.proposeDeltaMs * round;
    case "prevote":
      return config.prevoteMs + config.prevoteDeltaMs * round;
    case "precommit":
      return config.precommitMs + config.precommitDeltaMs * round;
  }
}
