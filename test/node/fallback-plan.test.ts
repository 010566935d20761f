// When a validator that stood back for a better remote credential builds after all, and how much
// (src/node/consensus/node-timeouts.ts fallbackPlan).
import { describe, expect, it } from "vitest";
import { timeoutDuration } from "../../src/consensus/timeouts.js";
import { CREDENTIAL_WAIT_MS, FALLBACK_DELIVERY_MS, NETWORK_TIMEOUTS, buildBudgetMs, fallbackPlan } from "../../src/node/consensus/node-timeouts.js";

const BUILD_MS = buildBudgetMs(NETWORK_TIMEOUTS);

describe("fallbackPlan", () => {
  it("waits out the better proposer's own build and delivery, and its block still fits before the propose timeout", () => {
    for (const round of [0, 1, 3]) {
      const plan = fallbackPlan(NETWORK_TIMEOUTS, round, CREDENTIAL_WAIT_MS);
      // Later than the better proposer needs to build its block (the old deadline)...
      expect(plan.delayMs).toBeGreaterThan(BUILD_MS);
      // ...and a fallback built then, within its budget, still has the delivery margin left.
      const readyAt = CREDENTIAL_WAIT_MS + plan.delayMs + plan.buildMs;
      expect(timeoutDuration(NETWORK_TIMEOUTS, "propose", round) - readyAt).toBe(FALLBACK_DELIVERY_MS);
      expect(plan.buildMs).toBeLessThan(BUILD_MS);
    }
  });

  it("rounds 0 and 1 of the network timeouts: 650 ms and 1,150 ms after standing back, 100 ms of execution", () => {
    expect(fallbackPlan(NETWORK_TIMEOUTS, 0, 100)).toEqual({ delayMs: 650, buildMs: 100 });
    expect(fallbackPlan(NETWORK_TIMEOUTS, 1, 100)).toEqual({ delayMs: 1150, buildMs: 100 });
  });

  it("never earlier than the build budget, however short the propose timeout", () => {
    const tight = { ...NETWORK_TIMEOUTS, proposeMs: 300, proposeDeltaMs: 0 };
    expect(buildBudgetMs(tight)).toBe(120);
    expect(fallbackPlan(tight, 0, 100).delayMs).toBe(120);
  });
});
