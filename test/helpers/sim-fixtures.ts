// Shared checks for the simulator sweeps.

import { describe, expect, it } from "vitest";
import { ALL_FAULTS, type CommitteeMode, type FaultScenario, scenarioConfig } from "../../src/consensus/sim/scenarios.js";
import type { SimulationReport } from "../../src/consensus/sim/sim-report.js";
import { Simulation } from "../../src/consensus/sim/simulator.js";

export interface SweepResult {
  readonly mode: CommitteeMode;
  readonly fault: FaultScenario;
  readonly report: SimulationReport;
}

export function runScenario(n: number, mode: CommitteeMode, fault: FaultScenario, seed: string, targetHeight: number, epochLength?: number): SweepResult {
  const sim = new Simulation(scenarioConfig({ n, mode, fault, seed, targetHeight, ...(epochLength !== undefined ? { epochLength } : {}) }));
  if (epochLength !== undefined) {
    // The schedule really changes the set: a member of epoch 0 is out of epoch 1, and back in epoch 2.
    const members = (h: number) => new Set(sim.setFor(h).validators.map((v) => Buffer.from(v.address).toString("hex")));
    const [e0, e1, e2] = [1, epochLength + 1, 2 * epochLength + 1].map(members);
    const left = [...e0!].filter((a) => !e1!.has(a));
    expect(left.length, "validators leaving at epoch 1").toBe(1);
    expect(e2!.has(left[0]!), "the one that left is back in epoch 2").toBe(true);
    expect(sim.setFor(1).totalStake).toBe(sim.setFor(epochLength + 1).totalStake);
  }
  return { mode, fault, report: sim.run() };
}

/** Safety always; liveness and the fault's own signature where it is deterministic. */
export function expectSafeAndLive({ fault, report }: SweepResult): void {
  const where = `${report.seed}: `;
  expect(report.forks, `${where}forks`).toEqual([]);
  expect(report.certificateFailures, `${where}certificates`).toEqual([]);
  expect(report.doubleSigns, `${where}honest double signing`).toEqual([]);
  expect(report.reachedTarget, `${where}reached target (heights ${report.minHonestHeight}..${report.maxHonestHeight})`).toBe(true);
  if (fault === "honest") expect(report.roundsPerHeight.max, `${where}rounds per height`).toBe(1);
  if (fault === "partition") {
    const [split, healed] = report.checkpoints;
    // Nothing commits while the network is split in halves, and commits resume once it heals.
    expect(healed!.maxHonestHeight, `${where}commits during the halves split`).toBe(split!.maxHonestHeight);
    expect(report.minHonestHeight, `${where}progress after heal`).toBeGreaterThan(healed!.maxHonestHeight);
  }
  if (fault === "invalid-proposer" || fault === "mixed-byzantine") expect(report.rejected.badSignature).toBe(0);
}

/** Aggregate signatures of the byzantine faults over a sweep (single runs may not draw the culprit). */
export function expectFaultsObserved(results: readonly SweepResult[]): void {
  const sum = (fault: FaultScenario, pick: (r: SimulationReport) => number) =>
    results.filter((r) => r.fault === fault).reduce((n, r) => n + pick(r.report), 0);
  expect(sum("double-voter", (r) => r.evidenceHeld)).toBeGreaterThan(0);
  expect(sum("equivocating-proposer", (r) => r.evidenceHeld)).toBeGreaterThan(0);
  expect(sum("invalid-proposer", (r) => r.rejected.invalidBlocks)).toBeGreaterThan(0);
  expect(sum("crash-restart", (r) => r.syncMessages)).toBeGreaterThan(0);
}

/**
 * Every fault scenario in both committee modes at `n` validators, `seeds` seeds each, each run
 * checked for safety and liveness; then that every byzantine behaviour left its trace. One file per N
 * calls this, so vitest spreads the sweeps over its workers.
 */
export function describeSweep(n: number, seedCount: number, targetHeight: number, o: { epochLength?: number; faults?: readonly FaultScenario[] } = {}): void {
  const faults = o.faults ?? ALL_FAULTS;
  const seeds = Array.from({ length: seedCount }, (_, i) => `sweep-${i}`);
  const modes: CommitteeMode[] = ["everyone", "sampled"];
  describe(`simulator, N = ${n}${o.epochLength !== undefined ? `, the set changing every ${o.epochLength} heights` : ""}`, () => {
    const results: SweepResult[] = [];
    for (const mode of modes) {
      for (const fault of faults) {
        it(`${mode} committees, ${fault}: safe, certificates verify, reaches height ${targetHeight}`, () => {
          for (const seed of seeds) {
            const result = runScenario(n, mode, fault, seed, targetHeight, o.epochLength);
            results.push(result);
            expectSafeAndLive(result);
          }
        });
      }
    }
    it("observed every byzantine behaviour's trace (evidence, rejected blocks, sync after crashes)", () => {
      expect(results).toHaveLength(modes.length * faults.length * seeds.length);
      expectFaultsObserved(results);
    });
  });
}
