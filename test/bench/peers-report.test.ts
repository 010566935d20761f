// The `peers` report's ERC-20 rows from measured sessions: medians over complete runs only, runs
// that lost, reverted or could not set up left out and said so, verity / peer ratios paired by block
// time and judged against the target (ERC-20 at least 1.0x anvil), and the scenario failing
// when verity's ERC-20 load lost transactions.
import { describe, expect, it } from "vitest";
import type { LoadRunResult } from "../../bench/harness/loadgen.js";
import { type NodeTarget, target } from "../../bench/harness/nodes.js";
import { percentiles } from "../../bench/harness/stats.js";
import { erc20RatioRows, erc20Table, summarizeErc20 } from "../../bench/scenarios/peers-erc20-report.js";
import { peersOutput } from "../../bench/scenarios/peers-report.js";
import type { Erc20Run, NodeSession } from "../../bench/scenarios/peers-run.js";

/** A saturation run of `txs` transactions over `seconds`, `included` of them included, each with latency `ms`. */
function run(txs: number, seconds: number, ms: number, included = txs): LoadRunResult {
  const samples = Array<number>(included).fill(ms);
  return {
    mode: "saturation",
    connections: 4,
    offeredTps: null,
    txsPlanned: txs,
    submitted: txs,
    confirmed: included,
    windowSeconds: null,
    sentInWindow: txs,
    notSent: 0,
    notIncludedAfterDrain: txs - included,
    drainSeconds: seconds / 2,
    acceptedPerSender: [txs],
    includedPerSender: [included],
    durationSeconds: seconds,
    tps: included / seconds,
    submitSeconds: seconds / 2,
    acceptedTps: (2 * txs) / seconds,
    latencyMs: percentiles(samples),
    sendMs: percentiles([1]),
    blocksWithLoad: 1,
    maxTxsPerBlock: included,
    loadgenCpuSeconds: 0.5,
    latencySamplesMs: samples,
    problems: included < txs ? [`only ${included} of ${txs} accepted transactions were included`] : [],
  };
}

const erc20 = (r: LoadRunResult | null, cpuMsPerTx: number, problems: string[] = [...(r?.problems ?? [])]): Erc20Run => ({
  saturation: r,
  nodeCpuSeconds: r ? (cpuMsPerTx * r.confirmed) / 1000 : Number.NaN,
  nodeCpuMsPerTx: cpuMsPerTx,
  setupSeconds: 1,
  problems,
});

function session(t: NodeTarget, repetition: number, e: Erc20Run | null): NodeSession {
  return {
    target: t,
    version: `${t.kind}-1`,
    repetition,
    startSeconds: 1,
    saturation: run(100, 1, 10),
    nodeCpuSeconds: 0.1,
    nodeCpuMsPerTx: 1,
    nodePeakRssMiB: 100,
    nodeProcesses: [t.kind],
    fixedRate: null,
    problems: [],
    profile: null,
    erc20: e,
  };
}

const v0 = target("verity", 0);
const a0 = target("anvil", 0);
const v1 = target("verity", 1);
const a1 = target("anvil", 1);
const h0 = target("hardhat", 0);

describe("peers report, ERC-20 rows", () => {
  // verity automine: 300 and 200 tx/s, and one run whose transfers reverted (left out).
  const verity0 = [
    session(v0, 0, erc20(run(600, 2, 50), 2)),
    session(v0, 1, erc20(run(600, 3, 70), 4)),
    session(v0, 2, erc20(run(600, 1, 30), 1, ["ERC-20 sender 3 (0xab) holds 5 tokens, expected 4 (a transfer reverted or is missing)"])),
  ];
  const anvil0 = [session(a0, 0, erc20(run(600, 3, 20), 1)), session(a0, 1, erc20(run(600, 2, 20), 1)), session(a0, 2, erc20(run(600, 4, 20), 1))];
  const hardhat0 = [session(h0, 0, erc20(run(600, 6, 100), 10))];
  const verity1 = [session(v1, 0, erc20(run(600, 4, 900), 3))];
  // anvil with 1 s blocks: a setup that failed, and a run that stalled.
  const anvil1 = [session(a1, 0, erc20(null, Number.NaN, ["ERC-20 setup: timed out"])), session(a1, 1, erc20(run(600, 5, 900, 450), 1))];

  it("summarizes complete runs only and says how far the others got", () => {
    const v = summarizeErc20(v0, verity0);
    expect([v.ok, v.attempted, v.tps.median, v.tps.min, v.tps.max]).toEqual([2, 3, 250, 200, 300]);
    expect(v.cpuMsPerTx.median).toBe(3);
    expect(v.p50.median).toBe(60);
    expect(v.incomplete).toEqual(["all 600 included, but ERC-20 sender 3 (0xab) holds 5 tokens, expected 4 (a transfer reverted or is missing)"]);
    const a = summarizeErc20(a1, anvil1);
    expect([a.ok, a.attempted, Number.isNaN(a.tps.median)]).toEqual([0, 2, true]);
    expect(a.incomplete).toEqual(["setup failed", "450 of 600 included"]);
    expect(summarizeErc20(a0, [session(a0, 0, null)]).attempted).toBe(0);
  });

  it("pairs verity with each peer of its block time and judges the target against anvil", () => {
    const rows = erc20RatioRows([v0, a0, h0, v1, a1].map((t) => summarizeErc20(t, [...verity0, ...anvil0, ...hardhat0, ...verity1, ...anvil1].filter((s) => s.target.id === t.id))));
    // verity 250 tx/s vs anvil's median 200; CPU 3 vs 1 ms/tx; latency p50 60 vs 20 ms; hardhat 100 tx/s.
    expect(rows).toEqual([
      ["instant", "anvil", "1.25", "3.00", "3.00", "3.00", "≥ 1×: met"],
      ["instant", "hardhat", "2.50", "0.60", "0.60", "0.30", "gap stated"],
      ["1 s blocks", "anvil", "n/a", "n/a", "n/a", "n/a", "anvil did not finish"],
    ]);
    const slower = erc20RatioRows([summarizeErc20(v0, [session(v0, 0, erc20(run(600, 4, 50), 2))]), summarizeErc20(a0, anvil0)]);
    expect(slower[0]![6]).toBe("≥ 1×: MISSED");
    expect(slower[0]![2]).toBe("0.75");
  });

  it("tabulates each node's ERC-20 figures, a did-not-finish row included", () => {
    const t = erc20Table([summarizeErc20(v0, verity0), summarizeErc20(a1, anvil1)], 600, 32, 32);
    expect(t.title).toMatch(/^ERC-20 saturation: 600 pre-signed transfer calls .* \(median of 3 runs, min–max\)$/);
    expect(t.title).toContain("each run on a fresh node of its own");
    expect(erc20Table([summarizeErc20(v0, verity0)], 600, 32, 32, true).title).toContain("on the ETH session's node after its ETH loads");
    expect(t.rows[0]).toEqual(["verity", "verity-1", "instant", "250 (200–300)", "500 (400–600)", "60 (50–70)", "60 (50–70)", "60 (50–70)", "3.00 (2.00–4.00)", "0.50", "2/3"]);
    expect(t.rows[1]!.slice(0, 4)).toEqual(["anvil", "anvil-1", "1 s blocks", "did not finish: setup failed; 450 of 600 included"]);
    expect(t.rows[1]!.at(-1)).toBe("0/2");
  });

  it("adds the ERC-20 tables to the scenario output, and fails the scenario when verity's ERC-20 load lost transactions", () => {
    const options = { runs: 3, txs: 100, erc20Txs: 600, senders: 32, connections: 32, ratePerConnection: 8, fixedSeconds: 10 };
    const out = peersOutput(options, [{ target: v0, sessions: verity0 }, { target: a0, sessions: anvil0 }], [], 1);
    expect(out.tables.map((t) => t.title.split(":")[0])).toEqual(["Saturation", "verity / peer, same run (medians)", "ERC-20 saturation", "ERC-20", "Fixed offered rate (CometBFT QA style"]);
    expect(out.status).toBe("failed");
    expect(out.statusReason).toMatch(/1 verity run\(s\) lost or rejected transactions \(ETH or ERC-20\)/);
    expect(out.notes.some((n) => n.startsWith("ERC-20 run left out: verity (automine) run 3: ERC-20 sender 3"))).toBe(true);
    const tps = out.charts.find((c) => c.name === "tps")!;
    expect(JSON.stringify(tps.spec)).toContain('"series":"ERC-20 transfers"');

    const clean = peersOutput(options, [{ target: v0, sessions: verity0.slice(0, 2) }, { target: a0, sessions: anvil0 }], [], 1);
    expect(clean.status).toBe("ok");
    const withoutErc20 = peersOutput(options, [{ target: v0, sessions: [session(v0, 0, null)] }, { target: a0, sessions: [session(a0, 0, null)] }], [], 1);
    expect(withoutErc20.tables.map((t) => t.title.split(":")[0])).toEqual(["Saturation", "verity / peer, same run (medians)", "Fixed offered rate (CometBFT QA style"]);
    expect(withoutErc20.notes.some((n) => n.startsWith("ERC-20 load:"))).toBe(false);
  });
});
