// Simulator sweep, N = 100: every fault scenario, both committee modes, 1 seed(s) each
// (18 runs, target height 3). Byzantine stake stays below 1/3 (see scenarios.ts).

import { describe, expect, it } from "vitest";
import { ALL_FAULTS, type CommitteeMode } from "../../src/consensus/sim/scenarios.js";
import { expectFaultsObserved, expectSafeAndLive, runScenario, type SweepResult } from "./sim-fixtures.js";

const N = 100;
const SEEDS = Array.from({ length: 1 }, (_, i) => `sweep-${i}`);
const TARGET_HEIGHT = 3;
const MODES: CommitteeMode[] = ["everyone", "sampled"];

describe(`simulator, N = ${N}`, () => {
  const results: SweepResult[] = [];

  for (const mode of MODES) {
    for (const fault of ALL_FAULTS) {
      it(`${mode} committees, ${fault}: safe, certificates verify, reaches height ${TARGET_HEIGHT}`, () => {
        for (const seed of SEEDS) {
          const result = runScenario(N, mode, fault, seed, TARGET_HEIGHT);
          results.push(result);
          expectSafeAndLive(result);
        }
      });
    }
  }

  it("observed every byzantine behaviour's trace (evidence, rejected blocks, sync after crashes)", () => {
    expect(results).toHaveLength(MODES.length * ALL_FAULTS.length * SEEDS.length);
    expectFaultsObserved(results);
  });
});
