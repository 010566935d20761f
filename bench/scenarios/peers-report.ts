// Tables, ratios, charts and notes of the `peers` scenario, from the measured sessions.
import { barChartSpec } from "../harness/charts.js";
import type { NodeTarget } from "../harness/nodes.js";
import type { ChartSpec, ScenarioOutput, Table } from "../harness/results.js";
import { fmt, fmtSummary, ratio, summarize, summarizeProblems, type Summary } from "../harness/stats.js";
import { figuresRow, type LoadFigures, loadFigures, mining, ratioRows } from "./peers-figures.js";
import { erc20Note, erc20RatioTable, erc20Table, summarizeErc20 } from "./peers-erc20-report.js";
import type { NodeSession } from "./peers-run.js";

export interface ProfiledRun {
  readonly target: NodeTarget;
  readonly session: NodeSession;
}

export interface TargetRows {
  readonly target: NodeTarget;
  readonly sessions: readonly NodeSession[];
}

interface TargetSummary extends LoadFigures {
  readonly peakRssMiB: Summary;
  readonly fixed: NodeSession["fixedRate"];
}

function summarizeTarget(r: TargetRows, attempted: number): TargetSummary {
  const good = r.sessions.filter((s) => s.problems.length === 0);
  const incomplete = r.sessions
    .filter((s) => s.problems.length > 0)
    .map((s) => `${fmt(s.saturation.confirmed)} of ${fmt(s.saturation.submitted)} included${s.saturation.submitted < s.saturation.txsPlanned ? ` (${fmt(s.saturation.txsPlanned - s.saturation.submitted)} not accepted)` : ""}`);
  return {
    ...loadFigures(r.target, r.sessions[0]?.version ?? "-", good, attempted, incomplete),
    peakRssMiB: summarize(good.map((s) => s.nodePeakRssMiB)),
    fixed: good.find((s) => s.fixedRate !== null)?.fixedRate ?? null,
  };
}

/** The issue's targets for single-node ETH transfers, as verity/peer TPS ratios. */
const TARGETS: Partial<Record<NodeTarget["kind"], number>> = { hardhat: 1.3, ganache: 4 };

export function peersOutput(
  options: Record<string, unknown>,
  rows: readonly TargetRows[],
  failures: readonly { target: string; repetition: number; error: string }[],
  signSeconds: number,
  profiled: ProfiledRun | null = null,
): ScenarioOutput {
  const runs = Number(options["runs"]);
  const summaries = rows.map((r) => summarizeTarget(r, runs));
  const withErc20 = rows.some((r) => r.sessions.some((s) => s.erc20 !== null));
  const erc20 = withErc20 ? rows.map((r) => summarizeErc20(r.target, r.sessions)) : [];
  const erc20OnEthNode = options["erc20Node"] === "the ETH session's";
  const erc20Tables = withErc20 ? [erc20Table(erc20, Number(options["erc20Txs"]), Number(options["senders"]), Number(options["connections"]), erc20OnEthNode), erc20RatioTable(erc20)] : [];
  const saturation: Table = {
    title: `Saturation: ${fmt(Number(options["txs"]))} pre-signed EIP-1559 ETH transfers, ${options["senders"]} senders, ${options["connections"]} connections with one request in flight each (median of ${runs} fresh-node runs, min–max)`,
    columns: ["node", "version", "mining", "TPS", "accepted tx/s", "latency p50 ms", "p95 ms", "p99 ms", "node CPU ms/tx", "node peak RSS MiB", "load-gen CPU s", "runs ok"],
    rows: summaries.map((s) => figuresRow(s, [fmtSummary(s.peakRssMiB)])),
  };
  const ratios: Table = {
    title: "verity / peer, same run (medians): TPS above 1 is better for verity; latency, CPU and memory below 1 are",
    columns: ["mining", "peer", "TPS", "latency p50", "latency p95", "CPU per tx", "peak RSS", "target"],
    rows: ratioRows(summaries, TARGETS, (v, p) => [ratio(v.peakRssMiB.median, p.peakRssMiB.median)]),
  };
  const fixed: Table = {
    title: `Fixed offered rate (CometBFT QA style: ${options["ratePerConnection"]} tx/s x ${options["connections"]} connections, ${options["fixedSeconds"]} s, after the first saturation run on the same node)`,
    columns: ["node", "mining", "offered tx/s", "achieved TPS", "latency p50 ms", "p95 ms", "p99 ms"],
    rows: summaries
      .filter((s) => s.fixed !== null)
      .map((s) => [s.target.kind, mining(s.target), fmt(s.fixed!.offeredTps ?? Number.NaN), fmt(s.fixed!.tps), fmt(s.fixed!.latencyMs.p50), fmt(s.fixed!.latencyMs.p95), fmt(s.fixed!.latencyMs.p99)]),
  };
  const label = (s: { readonly target: NodeTarget }) => `${s.target.kind} (${mining(s.target)})`;
  const charts: ChartSpec[] = [
    {
      name: "tps",
      title: "Transactions per second at saturation",
      spec: barChartSpec({
        title: `${withErc20 ? "ETH and ERC-20" : "ETH"} transfers per second at saturation (JSON-RPC, first submission to last inclusion)`,
        subtitle: `median of ${runs} runs, bars min–max`,
        categoryTitle: "node",
        valueTitle: "TPS",
        points: [
          ...summaries.map((s) => ({ category: label(s), value: s.tps.median, min: s.tps.min, max: s.tps.max, ...(withErc20 ? { series: "ETH transfers" } : {}) })),
          ...erc20.map((s) => ({ category: label(s), series: "ERC-20 transfers", value: s.tps.median, min: s.tps.min, max: s.tps.max })),
        ],
      }),
    },
    {
      name: "latency",
      title: "Submit-to-inclusion latency at saturation",
      spec: barChartSpec({
        title: "Submit-to-inclusion latency at saturation",
        subtitle: "medians over runs of each run's percentile",
        categoryTitle: "node",
        valueTitle: "ms",
        points: summaries.flatMap((s) => [
          { category: label(s), series: "p50", value: s.p50.median },
          { category: label(s), series: "p95", value: s.p95.median },
          { category: label(s), series: "p99", value: s.p99.median },
        ]),
      }),
    },
    {
      name: "cpu",
      title: "Node CPU time per transaction",
      spec: barChartSpec({
        title: "Node CPU time per transaction at saturation (process tree, user + system)",
        categoryTitle: "node",
        valueTitle: "CPU ms per tx",
        points: [
          ...summaries.map((s) => ({ category: label(s), value: s.cpuMsPerTx.median, min: s.cpuMsPerTx.min, max: s.cpuMsPerTx.max, ...(withErc20 ? { series: "ETH transfers" } : {}) })),
          ...erc20.map((s) => ({ category: label(s), series: "ERC-20 transfers", value: s.cpuMsPerTx.median, min: s.cpuMsPerTx.min, max: s.cpuMsPerTx.max })),
        ],
      }),
    },
  ];
  const notes = [
    "TPS = transactions / (first submission to the moment the block holding the last one was first seen). Latency = submission to that moment for each transaction. A poller asks eth_blockNumber every 10 ms and stamps each new block when it first shows, so stamps are late by up to ~10 ms plus one round trip; blocks are then fetched (batched eth_getBlockByNumber) for their transaction hashes.",
    `Transactions are signed before anything is timed (${fmt(signSeconds, 1)} s here), senders are funded from the dev accounts in an untimed setup, every session starts a fresh node with an empty data dir, and after each run every sender's nonce is checked (nothing lost or extra). A run with any rejected or missing transaction is left out of the figures and listed below.`,
    "Everything shares this 2-core machine: the load generator (its CPU seconds are in the table) and the node under test compete for the same cores, so absolute figures are low and noisy; ratios come from the same run, with the targets interleaved per repetition.",
    "Node CPU and peak RSS are read from /proc/<pid>/stat and /status of the node's process tree (verity runs under tsx, whose esbuild helper is included; anvil is its native binary). Peak RSS is the largest process's VmHWM over its life.",
    "Each node runs with its defaults otherwise: Hardhat's node and Ganache log every request to their (file) output, and Ganache falls back from uWebSockets to Node's HTTP server on Node 22, as it says at start. Ganache's \"instamine\" and Hardhat's and anvil's automine mine a block per submission; verity's automine (--block-time 0) seals a block as soon as transactions wait, so one block can carry many.",
  ];
  if (withErc20) notes.push(erc20Note(erc20OnEthNode));
  const profile = profiled?.session.profile;
  const profileTable: Table | null =
    profile && typeof profile !== "string"
      ? {
          title: `What bounds ${profiled!.target.label} at saturation: its CPU profile over the load window of one extra run (${fmt(profiled!.session.saturation.tps)} tx/s; not in the figures), self time`,
          columns: ["package / area", "share", "top functions there"],
          rows: profile.groups.slice(0, 10).map((g) => [
            g.group,
            `${fmt(g.share * 100, 1)} %`,
            profile.functions
              .filter((f) => f.group === g.group)
              .slice(0, 3)
              .map((f) => `${f.name} (${fmt(f.share * 100, 1)} %)`)
              .join(", "),
          ]),
        }
      : null;
  if (typeof profile === "string") notes.push(`No CPU profile of verity: ${profile}.`);
  if (profileTable) notes.push("The profile is Node's own (--cpu-prof on the verity process, 0.5 ms sampling), cut to the saturation window and grouped by package as bench/lib/cpu-profile.ts does ('(garbage collector)' and '(program)' are V8's own); it covers the node's process only, not the load generator sharing the 2 cores.");
  for (const f of failures) notes.push(`FAILED: ${f.target} run ${f.repetition + 1}: ${f.error.split("\n").slice(0, 3).join(" / ")}`);
  for (const r of rows) for (const s of r.sessions) if (s.problems.length > 0) notes.push(`Run left out: ${r.target.label} run ${s.repetition + 1}: ${summarizeProblems(s.problems)}`);
  for (const r of rows)
    for (const s of r.sessions) if (s.erc20 && s.erc20.problems.length > 0) notes.push(`ERC-20 run left out: ${r.target.label} run ${s.repetition + 1}: ${summarizeProblems(s.erc20.problems)}`);
  // A peer that drops or stalls transactions is a finding about that peer; a session that could not
  // run, or verity losing transactions, fails the scenario.
  const verityProblems = rows
    .filter((r) => r.target.kind === "verity")
    .reduce((n, r) => n + r.sessions.filter((s) => s.problems.length > 0 || (s.erc20 !== null && s.erc20.problems.length > 0)).length, 0);
  const ok = failures.length === 0 && verityProblems === 0;
  return {
    scenario: "peers",
    status: ok ? "ok" : "failed",
    ...(ok ? {} : { statusReason: `${failures.length} session(s) could not run, ${verityProblems} verity run(s) lost or rejected transactions (ETH or ERC-20); see the notes` }),
    options,
    notes,
    tables: [saturation, ratios, ...erc20Tables, fixed, ...(profileTable ? [profileTable] : [])],
    charts,
    data: { summaries, erc20Summaries: erc20, sessions: rows.flatMap((r) => r.sessions), failures, profiledRun: profiled?.session ?? null },
  };
}
