// The simulator's catch-up path: a validator that falls several heights behind (crashed, or cut off
// by a partition) rejoins and catches up through sync responses, which enter its engine as
// DecisionReceived (SimNode.onSync); it ends on the same chain as the others.

import { describe, expect, it } from "vitest";
import { toHex } from "../../src/consensus/bytes.js";
import { scenarioConfig } from "../../src/consensus/sim/scenarios.js";
import { Simulation, type SimulationConfig } from "../../src/consensus/sim/simulator.js";

const TARGET = 14;
const LAGGARD = 3;

function run(config: SimulationConfig) {
  const sim = new Simulation(config);
  const report = sim.run();
  return { sim, report };
}

describe("catch-up through sync", () => {
  const base = scenarioConfig({ n: 4, mode: "everyone", fault: "honest", seed: "catch-up", targetHeight: TARGET });
  it.each([
    ["crashed", { ...base, crashes: [{ node: LAGGARD, atMs: 300, restartAtMs: 3_000 }] }],
    [
      "partitioned",
      { ...base, network: { ...base.network, partitions: [{ startMs: 300, endMs: 3_000, groups: [[LAGGARD]] }] } },
    ],
  ] as const)("a %s validator falls several heights behind, then reaches the others' chain by DecisionReceived", (_what, config) => {
    const { sim, report } = run(config);
    expect(report.forks).toEqual([]);
    expect(report.certificateFailures).toEqual([]);
    expect(report.doubleSigns).toEqual([]);
    expect(report.reachedTarget).toBe(true);

    const laggard = sim.nodes[LAGGARD]!;
    const others = sim.nodes.filter((n) => n.index !== LAGGARD);
    // It committed several heights from sync responses, and only it needed to.
    expect(laggard.commitsFromSync).toBeGreaterThanOrEqual(3);
    for (const n of others) expect(n.commitsFromSync).toBe(0);
    expect(report.commitsFromSync).toBe(laggard.commitsFromSync);

    // Same height, the same blocks and the same seeds.
    expect(laggard.chain.height).toBeGreaterThanOrEqual(TARGET);
    const hashes = (n: typeof laggard, upTo: number) => n.chain.blocks.slice(0, upTo).map((b) => toHex(b.hash));
    for (const n of others) {
      expect(n.chain.height).toBe(laggard.chain.height);
      const common = laggard.chain.height;
      expect(hashes(laggard, common)).toEqual(hashes(n, common));
      for (let h = 1; h <= common + 1; h++) expect(toHex(laggard.chain.seedOf(h))).toBe(toHex(n.chain.seedOf(h)));
    }
  });

  it("without a fault nobody commits from sync", () => {
    const { report } = run(base);
    expect(report.reachedTarget).toBe(true);
    expect(report.commitsFromSync).toBe(0);
  });
});
