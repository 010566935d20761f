// The soak's report: soak-<date>.json (everything the run recorded), soak-<date>.md (faults by kind,
// recovery per fault, invariant checks, tx/s and RSS) and soak-<date>-txs.svg (tx/s over time with
// the faults marked), rendered with the bench's vega-lite helper.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { machineInfo } from "../lib/machine.js";
import { renderSvg } from "../harness/charts.js";
import { fileStamp, markdownTable, toJson, type Table } from "../harness/results.js";
import { FAULT_DESCRIPTIONS, WIPE_SYNC_BLOCKS_PER_SECOND, type FaultKind } from "./faults.js";
import type { SoakResult } from "./run.js";

const BUCKET_S = 10;

export function txRateSeries(r: SoakResult): { t: number; tps: number }[] {
  const buckets = new Map<number, number>();
  for (const b of r.blocks) {
    const k = Math.floor(b.atMs / 1000 / BUCKET_S);
    buckets.set(k, (buckets.get(k) ?? 0) + b.loadTxs);
  }
  const last = Math.max(0, ...buckets.keys());
  return Array.from({ length: last + 1 }, (_, k) => ({ t: k * BUCKET_S, tps: (buckets.get(k) ?? 0) / BUCKET_S }));
}

function chartSpec(r: SoakResult): TopLevelSpec {
  const faults = r.faults.map((f) => ({ start: f.startMs / 1000, heal: f.healMs / 1000, recovered: (f.recoveredMs ?? f.healMs) / 1000, fault: `${f.kind} ${f.target}` }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Soak: load transactions included per second", subtitle: `${r.options.validators} validators, ${r.options.rate} tx/s offered, seed ${r.options.seed}; shaded: fault held (dark) and recovery (light)` },
    width: 720,
    height: 300,
    background: "white",
    layer: [
      { data: { values: faults }, mark: { type: "rect", color: "#f4a582", opacity: 0.5 }, encoding: { x: { field: "start", type: "quantitative" }, x2: { field: "heal" }, tooltip: [{ field: "fault" }] } },
      { data: { values: faults }, mark: { type: "rect", color: "#fddbc7", opacity: 0.6 }, encoding: { x: { field: "heal", type: "quantitative" }, x2: { field: "recovered" } } },
      { data: { values: faults }, mark: { type: "text", angle: 270, align: "right", baseline: "bottom", dy: -2, fontSize: 9 }, encoding: { x: { field: "start", type: "quantitative" }, y: { value: 4 }, text: { field: "fault" } } },
      {
        data: { values: txRateSeries(r) },
        mark: { type: "line", point: { size: 12 } },
        encoding: { x: { field: "t", type: "quantitative", title: "seconds since the nodes started" }, y: { field: "tps", type: "quantitative", title: `tx/s (${BUCKET_S} s windows)` } },
      },
    ],
  } as TopLevelSpec;
}

function fmt(n: number | null, digits = 1): string {
  return n === null || !Number.isFinite(n) ? "—" : n.toFixed(digits);
}

export function soakTables(r: SoakResult): Table[] {
  const kinds = [...new Set(r.faults.map((f) => f.kind))] as FaultKind[];
  const byKind: Table = {
    title: "Faults by kind",
    columns: ["kind", "what", "within f", "injected", "recovered", "recovery s (median)", "recovery s (max)"],
    rows: kinds.map((k) => {
      const fs = r.faults.filter((f) => f.kind === k);
      const rec = fs.map((f) => f.recoverySeconds).filter((x): x is number => x !== null).sort((a, b) => a - b);
      return [k, FAULT_DESCRIPTIONS[k], fs[0]!.withinF ? "yes" : "no (beyond f)", String(fs.length), String(rec.length), fmt(rec[Math.floor((rec.length - 1) / 2)] ?? null), fmt(rec.at(-1) ?? null)];
    }),
  };
  const perFault: Table = {
    title: "Every fault",
    columns: ["#", "kind", "target", "start s", "held s", "height at start", "height at heal", "recovery s", "bound s", "height at recovery"],
    rows: r.faults.map((f, i) => [String(i + 1), `${f.kind}${f.clockOffsetMs ? ` (${f.clockOffsetMs > 0 ? "+" : ""}${f.clockOffsetMs / 1000} s)` : ""}${f.disk ? ` (${f.disk})` : ""}`, f.target, fmt(f.startMs / 1000), fmt((f.healMs - f.startMs) / 1000), String(f.heightAtStart), String(f.heightAtHeal), f.recoverySeconds === null ? "NOT RECOVERED" : fmt(f.recoverySeconds), fmt(f.boundSeconds ?? null), f.heightAtRecovery === null ? "—" : String(f.heightAtRecovery)]),
  };
  const checks: Table = { title: "Invariants", columns: ["invariant", "checked", "result"], rows: r.checks.map((c) => [c.invariant, c.checked, c.passed ? "passed" : "FAILED"]) };
  const nodes = [...new Set(r.rss.map((s) => s.node))];
  const memory: Table = {
    title: "Memory (RSS, MiB, sampled every 5 s)",
    columns: ["node", "samples", "first", "max", "last"],
    rows: nodes.map((n) => {
      const s = r.rss.filter((x) => x.node === n);
      return [n, String(s.length), fmt(s[0]?.rssMiB ?? null, 0), fmt(Math.max(...s.map((x) => x.rssMiB)), 0), fmt(s.at(-1)?.rssMiB ?? null, 0)];
    }),
  };
  const t = r.txs;
  const txs: Table = {
    title: "Transactions",
    columns: ["accepted", "included", "pending at the end", "lost", "accepted on a retry", "sends", "retries"],
    rows: [[String(t.accepted), String(t.included), String(t.pending), String(t.vanished), String(t.acceptedOnRetry), String(r.load.sent), String(r.load.retries)]],
  };
  return [checks, byKind, perFault, txs, memory];
}

function loadNote(r: SoakResult): string {
  const l = (r.loadAverage ?? []).map((x) => x.oneMinute).sort((a, b) => a - b);
  if (l.length === 0) return "";
  return ` Machine load average (1 min) during the run: median ${l[Math.floor(l.length / 2)]!.toFixed(1)}, max ${l.at(-1)!.toFixed(1)} on ${machineInfo().cores} cores.`;
}

export function soakMarkdown(r: SoakResult, command: string, startedAt: Date, chartFile: string | null): string {
  const m = machineInfo();
  const passed = r.checks.every((c) => c.passed);
  const recoveries = r.faults.map((f) => f.recoverySeconds).filter((x): x is number => x !== null);
  const out = [
    `# Soak: ${startedAt.toISOString()}`,
    "",
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}; commit ${m.gitCommit?.slice(0, 10) ?? "unknown"}${m.gitDirty ? " + uncommitted changes" : ""}. Wall time ${r.wallSeconds.toFixed(0)} s, load ${r.loadSeconds.toFixed(0)} s.${loadNote(r)}`,
    "",
    `Command: \`${command}\``,
    "",
    `**${passed ? "All invariants held" : "INVARIANTS VIOLATED"}.** ${r.options.validators} validators (f = ${r.f}) and one RPC node; ${r.faults.length} faults (${r.faults.filter((f) => f.withinF).length} within f); final height ${r.finalHeight}; longest recovery ${fmt(recoveries.length ? Math.max(...recoveries) : null)} s; ${r.txs.vanished} of ${r.txs.accepted} accepted transactions lost, ${r.txs.pending} still pending at the end.`,
    "",
    "- Links: every p2p connection goes through a user-space TCP proxy per directed link (partitions, latency, loss); network namespaces were not used. Loss is emulated as a 200 ms retransmission hold on a chunk, since TCP never drops bytes.",
    `- Recovery: from the heal until every running node's head is above the highest head at the heal (the network made progress and the healed node caught up); heads are polled every second. Bound: ${r.options.recoveryBoundMs / 1000} s; a wiped validator syncs back every block first, so its bound adds the height at the heal over ${r.options.syncBlocksPerSecond ?? WIPE_SYNC_BLOCKS_PER_SECOND} blocks/s (half the sync rate bench/sync/sync-rate.ts measured on this machine).`,
    "- Double signing: each validator's signing record is read from its data dir whenever it is down and after the run; the nodes' logs are searched for the engines' `equivocation seen`.",
    `- Load: ${r.options.rate} tx/s offered on the RPC node from ${r.options.senders} senders, one worker per sender retrying until the node takes the transaction; ${r.linkConnectionsRefused} connections refused by cut links.`,
  ];
  for (const t of soakTables(r)) out.push("", `## ${t.title}`, "", markdownTable(t));
  if (r.violations.length > 0) out.push("", "## Violations", "", ...r.violations.map((v) => `- ${(v.atMs / 1000).toFixed(0)} s, ${v.invariant}: ${v.detail}`));
  if (chartFile) out.push("", `![tx/s over time](${chartFile})`);
  return `${out.join("\n")}\n`;
}

/** Writes soak-<date>.{json,md} and the chart into `dir`; returns the markdown file's path. */
export async function writeSoakReport(dir: string, r: SoakResult, command: string, startedAt: Date): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const base = `soak-${fileStamp(startedAt)}`;
  const chartFile = `${base}-txs.svg`;
  writeFileSync(join(dir, chartFile), await renderSvg(chartSpec(r)));
  writeFileSync(join(dir, `${base}.json`), toJson({ schema: "verity-soak/1", command, startedAt: startedAt.toISOString(), machine: machineInfo(), tables: soakTables(r), result: r }));
  const md = join(dir, `${base}.md`);
  writeFileSync(md, soakMarkdown(r, command, startedAt, chartFile));
  return md;
}
