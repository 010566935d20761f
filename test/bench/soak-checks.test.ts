// The soak's pure parts: the seeded fault plan, the split's halves, and the double-signing check
// over signing records, which must flag two different messages for one (height, round, step).
import { describe, expect, it } from "vitest";
import { DEFAULT_FAULT_KINDS, FAULT_KINDS, planFaults, recoveryBoundMs, splitHalves } from "../../bench/soak/faults.js";
import { SigningCheck } from "../../bench/soak/signing-check.js";
import { diskOutcomeLabel, diskProblem } from "../../bench/soak/disk-check.js";
import { encodePersistedState } from "../../src/consensus/signing-record.js";
import type { Vote } from "../../src/consensus/messages.js";

const plan = (seed: number) => planFaults({ seed, kinds: FAULT_KINDS, validators: 4, count: 3 * FAULT_KINDS.length, holdMs: [1000, 5000], gapMs: [100, 200] });

function voteRecord(height: number, round: number, value: number | null): Uint8Array {
  const vote: Vote = {
    kind: "vote",
    step: "prevote",
    height,
    round,
    valueHash: value === null ? null : new Uint8Array(32).fill(value),
    voter: new Uint8Array(20).fill(7),
    vrfProof: new Uint8Array(0),
    signature: new Uint8Array(64).fill(9),
  };
  return encodePersistedState({ lastSigned: vote, roundState: null });
}

describe("soak recovery bound", () => {
  it("is the fixed bound for every kind but a wipe, whose bound grows with the blocks it syncs back", () => {
    for (const kind of FAULT_KINDS.filter((k) => k !== "wipe")) expect(recoveryBoundMs(kind, 60_000, 1263, 10)).toBe(60_000);
    // The 30-minute run's slowest wipe: 1,263 blocks to sync back at 10 blocks/s on top of 60 s.
    expect(recoveryBoundMs("wipe", 60_000, 1263, 10)).toBe(186_300);
    expect(recoveryBoundMs("wipe", 60_000, 0, 10)).toBe(60_000);
    expect(recoveryBoundMs("wipe", 60_000, 100, 20)).toBe(65_000);
  });
});

describe("soak disk-full check", () => {
  const clean = "... ERROR [node] disk full: stopping the node cleanly reason=...\n... INFO [node] shutting down signal=\"disk full\"\n";
  it("accepts a node that kept running or stopped cleanly and restarted", () => {
    expect(diskProblem("validator-1", { filledBytes: 1, exit: null, restartError: null })).toBeNull();
    const stopped = { filledBytes: 1, exit: { code: 1, signal: null, log: clean }, restartError: null };
    expect(diskProblem("validator-1", stopped)).toBeNull();
    expect(diskOutcomeLabel(stopped)).toBe("stopped cleanly (exit 1), restarted");
  });
  it("flags a crash, a kill, an exit without the clean-stop line, and a failed restart", () => {
    const crash = "Error: IO error: No space left on device\n    at ...\n\nNode.js v22.23.3\n";
    expect(diskProblem("v", { filledBytes: 1, exit: { code: 1, signal: null, log: crash }, restartError: null })).toMatch(/without a clean stop/);
    expect(diskProblem("v", { filledBytes: 1, exit: { code: 7, signal: null, log: "" }, restartError: null })).toMatch(/without a clean stop/);
    expect(diskProblem("v", { filledBytes: 1, exit: { code: null, signal: "SIGABRT", log: clean }, restartError: null })).toMatch(/killed by SIGABRT/);
    expect(diskProblem("v", { filledBytes: 1, exit: { code: 1, signal: null, log: clean }, restartError: "DATABASE-DAMAGED" })).toMatch(/did not restart/);
  });
});

describe("soak fault plan", () => {
  it("replays the same schedule for a seed and covers every kind once per pass", () => {
    expect(plan(5)).toEqual(plan(5));
    expect(plan(5)).not.toEqual(plan(6));
    const p = plan(5);
    for (let pass = 0; pass < 3; pass++) expect(new Set(p.slice(pass * FAULT_KINDS.length, (pass + 1) * FAULT_KINDS.length).map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
    for (const f of p) {
      expect(f.target).toBeGreaterThanOrEqual(0);
      expect(f.target).toBeLessThan(4);
      expect(f.holdMs).toBeGreaterThanOrEqual(1000);
      // A full disk is held long enough for the node's 30 s free-disk check to look.
      expect(f.holdMs).toBeLessThanOrEqual(f.kind === "disk" ? 40_000 : 5000);
      if (f.kind === "clock") expect(Math.abs(f.clockOffsetMs!)).toBe(30_000);
    }
    expect(DEFAULT_FAULT_KINDS).not.toContain("split");
  });

  it("splits validators in halves with the RPC node (index N) on the first side", () => {
    expect(splitHalves(4)).toEqual([[0, 1, 4], [2, 3]]);
    expect(splitHalves(7)).toEqual([[0, 1, 2, 3, 7], [4, 5, 6]]);
  });
});

describe("soak signing check", () => {
  it("accepts the same record twice and records moving forward", () => {
    const c = new SigningCheck();
    c.add("validator-0", voteRecord(5, 0, 1), 0);
    c.add("validator-0", voteRecord(5, 0, 1), 1);
    c.add("validator-0", voteRecord(6, 1, null), 2);
    c.add("validator-0", null, 3);
    expect(c.samples).toHaveLength(3);
    expect(c.problems).toEqual([]);
  });

  it("flags two different values signed at one position, and a record that went backwards", () => {
    const c = new SigningCheck();
    c.add("validator-1", voteRecord(5, 0, 1), 0);
    c.add("validator-1", voteRecord(5, 0, 2), 1);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]).toMatch(/validator-1 signed prevote at height 5 round 0/);
    c.add("validator-1", voteRecord(4, 0, 1), 2);
    expect(c.problems.at(-1)).toMatch(/went back from 5\/0 to 4\/0/);
  });

  it("reports a record that does not decode", () => {
    const c = new SigningCheck();
    c.add("validator-2", new Uint8Array([9, 9, 9]), 0);
    expect(c.problems[0]).toMatch(/does not decode/);
  });
});
