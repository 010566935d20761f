// The `localnet` report's fixed-rate row from measured sessions: it shows what was offered, sent in
// the window, accepted, included and still pending at the drain's end, and the target is missed
// whenever a transfer went unsent or stayed pending, however good the included ones' figures are.
import { describe, expect, it } from "vitest";
import type { LoadRunResult } from "../../bench/harness/loadgen.js";
import { percentiles } from "../../bench/harness/stats.js";
import { fixedTargetMet, localnetReport } from "../../bench/scenarios/localnet-report.js";
import type { LocalnetSession } from "../../bench/scenarios/localnet.js";

/** A fixed-rate run of 1,024 tx/s for 60 s: `sent` of the planned sent, `pending` of them never included, the rest at `ms`. */
function fixedRun(sent: number, pending: number, tps: number, ms: number): LoadRunResult {
  const planned = 61_440;
  const confirmed = sent - pending;
  const samples = Array<number>(confirmed).fill(ms);
  return {
    mode: "fixed-rate",
    connections: 32,
    offeredTps: 1_024,
    txsPlanned: planned,
    submitted: sent,
    confirmed,
    windowSeconds: 60,
    sentInWindow: sent,
    notSent: planned - sent,
    notIncludedAfterDrain: pending,
    drainSeconds: pending > 0 ? 60 : 1,
    acceptedPerSender: [sent],
    includedPerSender: [confirmed],
    durationSeconds: 61,
    tps,
    submitSeconds: 60,
    acceptedTps: sent / 60,
    latencyMs: percentiles(samples),
    sendMs: percentiles([1]),
    blocksWithLoad: 60,
    maxTxsPerBlock: 1_100,
    loadgenCpuSeconds: 5,
    latencySamplesMs: samples,
    problems: [],
  };
}

const session = (load: LoadRunResult): LocalnetSession => ({
  validators: 4,
  kind: "fixed",
  repetition: 0,
  startSeconds: 10,
  load,
  rounds: { blocks: 60, blocksAfterRound0: 0, roundsLost: 0, maxRound: 0, txs: load.confirmed },
  processes: [],
  problems: [],
});

describe("localnet report, fixed-rate session", () => {
  it("meets the target only when every offered transfer was sent and included", () => {
    expect(fixedTargetMet(session(fixedRun(61_440, 0, 1_000, 900)))).toBe(true);
    // The same included rate and latency, but the window closed first: a miss, not a smaller success.
    expect(fixedTargetMet(session(fixedRun(50_000, 0, 1_000, 900)))).toBe(false);
    // All sent, some still pending at the drain's end: their latency is unknown, so a miss.
    expect(fixedTargetMet(session(fixedRun(61_440, 1, 1_000, 900)))).toBe(false);
    expect(fixedTargetMet(session(fixedRun(61_440, 0, 1_000, 1_600)))).toBe(false);
    expect(fixedTargetMet(session(fixedRun(61_440, 0, 700, 900)))).toBe(false);
  });

  it("shows sent, accepted, included and pending next to the included-only percentiles", () => {
    const out = localnetReport({ txs: 5_000, connections: 32, ratePerConnection: 32, fixedSeconds: 60, fixedDrainSeconds: 60 }, [session(fixedRun(20_000, 3_000, 250, 14_000))], []);
    expect(out.status).toBe("ok"); // counts, not problems: the session stays in the report
    const table = out.tables.find((t) => t.title.startsWith("Fixed offered rate"))!;
    expect(table.title).toMatch(/60 s window, then at most 60 s .*latency over included transactions only/);
    const cell = (column: string) => table.rows[0]![table.columns.indexOf(column)];
    expect(cell("offered")).toBe("61,440");
    expect(cell("sent in window")).toBe("20,000");
    expect(cell("accepted (tx/s)")).toBe("20,000 (333)");
    expect(cell("included")).toBe("17,000");
    expect(cell("p95 ms (included)")).toBe("14,000");
    expect(cell("pending at drain end")).toBe("3,000");
    expect(table.rows[0]!.at(-1)).toBe("MISSED");
    expect(out.notes.join("\n")).toMatch(/latency percentiles cover included transfers only/);
  });
});
