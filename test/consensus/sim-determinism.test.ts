// The simulator is replayable (one seed, one run), runs end to end on the real ed25519 + ECVRF
// crypto, and shows the classic liveness boundary: 2 of 4 equal validators down stops commits
// without forking, and their restart resumes them.

import { describe, expect, it } from "vitest";
import { scenarioConfig } from "../../src/consensus/sim/scenarios.js";
import type { SimulationReport } from "../../src/consensus/sim/sim-report.js";
import { Simulation, type SimulationConfig } from "../../src/consensus/sim/simulator.js";
import { verifyCommitCertificate } from "../../src/consensus/certificate.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";

const json = (r: SimulationReport) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

describe("simulator determinism", () => {
  it.each([
    [16, "sampled", "mixed-byzantine"],
    [4, "everyone", "crash-restart"],
    [16, "everyone", "partition"],
  ] as const)("N = %i, %s committees, %s: one seed reproduces the run exactly, another seed differs", (n, mode, fault) => {
    const config = (seed: string) => scenarioConfig({ n, mode, fault, seed, targetHeight: 4 });
    const first = new Simulation(config("replay")).run();
    const again = new Simulation(config("replay")).run();
    expect(json(again)).toBe(json(first));
    expect(first.forks).toEqual([]);
    const other = new Simulation(config("another seed")).run();
    expect(other.traceHash).not.toBe(first.traceHash);
    expect(other.chainHash).not.toBe(first.chainHash);
  });
});

describe("simulator with the real crypto", () => {
  it("N = 4 commits with ed25519 signatures and RFC 9381 ECVRF end to end, every node verifying for itself", () => {
    const config: SimulationConfig = {
      ...scenarioConfig({ n: 4, mode: "sampled", fault: "honest", seed: "real-crypto", targetHeight: 3, crypto: "ed25519-ecvrf" }),
      shareVerification: false,
    };
    const sim = new Simulation(config);
    const report = sim.run();
    expect(report.reachedTarget).toBe(true);
    expect(report.forks).toEqual([]);
    expect(report.certificateFailures).toEqual([]);
    expect(report.roundsPerHeight.max).toBe(1);
    // Independently re-check node 0's certificates against the real crypto.
    const crypto = createEd25519EcvrfCrypto();
    const chain = sim.nodes[0]!.chain;
    for (let h = 1; h <= chain.height; h++) {
      const block = chain.blocks[h - 1]!;
      expect(verifyCommitCertificate(block.certificate, sim.validatorSet, chain.seedOf(h), config.params, crypto).ok).toBe(true);
      expect(verifyCommitCertificate(block.certificate, sim.validatorSet, chain.seedOf(h === 1 ? 2 : 1), config.params, crypto).ok).toBe(false);
    }
  });
});

describe("2 of 4 equal validators stopped", () => {
  it.each(["everyone", "sampled"] as const)("%s committees: nothing commits, nothing forks; restarting them resumes commits", (mode) => {
    const base = scenarioConfig({ n: 4, mode, fault: "honest", seed: "two-down", targetHeight: 1 });
    const config: SimulationConfig = {
      ...base,
      crashes: [
        { node: 2, atMs: 1_000, restartAtMs: 6_000 },
        { node: 3, atMs: 1_000, restartAtMs: 6_000 },
      ],
      checkpointsMs: [1_200, 6_000],
      // Rounds (and timeouts) grew during the outage: resuming takes a couple of long rounds.
      runAtLeastMs: 16_000,
    };
    const sim = new Simulation(config);
    const report = sim.run();
    const [down, restarted] = report.checkpoints;
    expect(down!.maxHonestHeight).toBeGreaterThan(0);
    expect(restarted!.maxHonestHeight).toBe(down!.maxHonestHeight); // 5 s with half the stake: no commit
    expect(report.forks).toEqual([]);
    expect(report.certificateFailures).toEqual([]);
    expect(report.doubleSigns).toEqual([]);
    expect(report.minHonestHeight).toBeGreaterThan(restarted!.maxHonestHeight + 1); // all four move on
    // The two that stayed up kept trying: rounds advanced while stuck.
    expect(sim.nodes[0]!.status!.height).toBeGreaterThan(restarted!.maxHonestHeight);
  });
});
