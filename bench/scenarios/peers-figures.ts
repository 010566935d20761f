// What the `peers` report says about one load (ETH or ERC-20) on one node: its figures over the
// runs (medians, min–max, of the complete runs only), their table cells, and how verity's compare
// with a peer's of the same block time in the same run, judged against the target.
import type { LoadRunResult } from "../harness/loadgen.js";
import { gasLimitLabel, type NodeTarget } from "../harness/nodes.js";
import { fmt, fmtSummary, ratio, summarize, type Summary } from "../harness/stats.js";

export const mining = (t: NodeTarget): string =>
  (t.blockTime === 0 ? "instant" : `${t.blockTime} s blocks`) + (t.gasLimit === undefined ? "" : `, ${gasLimitLabel(t.gasLimit)}`);

/** A complete run of a load: every transaction accepted, included and accounted for. */
export interface CompleteRun {
  readonly saturation: LoadRunResult;
  readonly nodeCpuMsPerTx: number;
}

export interface LoadFigures {
  readonly target: NodeTarget;
  readonly version: string;
  readonly ok: number;
  readonly attempted: number;
  readonly tps: Summary;
  readonly acceptedTps: Summary;
  readonly p50: Summary;
  readonly p95: Summary;
  readonly p99: Summary;
  readonly cpuMsPerTx: Summary;
  readonly loadgenCpuSeconds: Summary;
  /** Runs left out, with how far they got: "1,101 of 2,016 included". */
  readonly incomplete: readonly string[];
}

export function loadFigures(target: NodeTarget, version: string, complete: readonly CompleteRun[], attempted: number, incomplete: readonly string[]): LoadFigures {
  const f = (get: (r: CompleteRun) => number) => summarize(complete.map(get));
  return {
    target,
    version,
    ok: complete.length,
    attempted,
    tps: f((r) => r.saturation.tps),
    acceptedTps: f((r) => r.saturation.acceptedTps),
    p50: f((r) => r.saturation.latencyMs.p50),
    p95: f((r) => r.saturation.latencyMs.p95),
    p99: f((r) => r.saturation.latencyMs.p99),
    cpuMsPerTx: f((r) => r.nodeCpuMsPerTx),
    loadgenCpuSeconds: f((r) => r.saturation.loadgenCpuSeconds),
    incomplete,
  };
}

/** A table row: node, version, mining, TPS (or why none), accepted tx/s, latency p50/p95/p99, CPU per tx, `extra`, load-gen CPU, runs ok. */
export function figuresRow(s: LoadFigures, extra: readonly string[] = []): string[] {
  return [
    s.target.kind,
    s.version,
    mining(s.target),
    s.ok > 0 ? fmtSummary(s.tps) : s.incomplete.length > 0 ? `did not finish: ${s.incomplete.join("; ")}` : "n/a",
    fmtSummary(s.acceptedTps),
    fmtSummary(s.p50),
    fmtSummary(s.p95),
    fmtSummary(s.p99),
    fmtSummary(s.cpuMsPerTx, 2),
    ...extra,
    fmt(s.loadgenCpuSeconds.median, 2),
    `${s.ok}/${s.attempted}`,
  ];
}

/**
 * For every (verity, peer) pair with the same block time: mining, peer, TPS, latency p50 and p95
 * and CPU-per-tx ratios (verity / peer), `extra` ratios, and the target column: met or MISSED
 * against `targets[peer]`, "gap stated" without one, or why there is no ratio.
 */
export function ratioRows<T extends LoadFigures>(summaries: readonly T[], targets: Partial<Record<NodeTarget["kind"], number>>, extra: (v: T, p: T) => number[] = () => []): string[][] {
  const rows: string[][] = [];
  for (const v of summaries.filter((s) => s.target.kind === "verity"))
    for (const p of summaries.filter((s) => s.target.kind !== "verity" && s.target.blockTime === v.target.blockTime && s.target.gasLimit === v.target.gasLimit)) {
      const tps = ratio(v.tps.median, p.tps.median);
      const goal = targets[p.target.kind];
      const r = (get: (s: T) => Summary) => fmt(ratio(get(v).median, get(p).median), 2);
      rows.push([
        mining(v.target),
        p.target.kind,
        fmt(tps, 2),
        r((s) => s.p50),
        r((s) => s.p95),
        r((s) => s.cpuMsPerTx),
        ...extra(v, p).map((x) => fmt(x, 2)),
        !Number.isFinite(tps)
          ? p.ok === 0 && p.incomplete.length > 0
            ? `${p.target.kind} did not finish`
            : "not measured"
          : goal === undefined
            ? "gap stated"
            : `≥ ${goal}×: ${tps >= goal ? "met" : "MISSED"}`,
      ]);
    }
  return rows;
}
