// Scenario `execution`: a single node's block pipeline (tx pool -> build -> EVM -> trie -> LevelDB
// commit) on ETH and ERC-20 transfers. The measurement itself is bench/execution.ts (its exported
// runExecutionBench, run in this process); this wraps its reports into the harness's result files,
// tables and charts. Its own JSON goes to a scratch dir; a CPU profile, if taken, is kept next to ours.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { barChartSpec } from "../harness/charts.js";
import { fileStamp, type ScenarioOutput, type Table } from "../harness/results.js";
import { type BenchOptions, pick, type Scenario } from "../harness/scenario.js";
import { fmt, fmtSummary, type Summary } from "../harness/stats.js";

type ExecutionModule = typeof import("../execution.js");
type ExecutionOptions = Parameters<ExecutionModule["runExecutionBench"]>[0];
type ModeReport = Awaited<ReturnType<ExecutionModule["runExecutionBench"]>>["reports"][number];

/** The target: ERC-20 transfers at least 60 % of the ETH-transfer rate. */
const ERC20_SHARE_TARGET = 0.6;

const label = (m: string) => (m === "eth" ? "ETH transfers" : "ERC-20 transfers");

function stageTable(reports: readonly ModeReport[]): Table {
  const stages = Object.keys(reports[0]?.stagesMs ?? {});
  return {
    title: "Where the time goes (explicit stage timers; median of runs): µs per transaction and share of the wall time",
    columns: ["stage", ...reports.flatMap((r) => [`${label(r.mode)} µs/tx`, "share"])],
    rows: stages.map((stage) => [
      stage.startsWith("  ") ? `· ${stage.trim()}` : stage,
      ...reports.flatMap((r) => {
        const total = r.txPerSecond.median > 0 ? (r.txs / r.txPerSecond.median) * 1000 : Number.NaN;
        const ms = (r.stagesMs[stage] as Summary | undefined)?.median ?? Number.NaN;
        return [fmt((ms * 1000) / r.txs, 1), stage.startsWith("  ") ? "" : `${fmt((ms / total) * 100, 1)} %`];
      }),
    ]),
  };
}

function profileTable(reports: readonly ModeReport[]): Table | null {
  const profiled = reports.filter((r) => r.profile !== null);
  if (profiled.length === 0) return null;
  const groups = [...new Set(profiled.flatMap((r) => r.profile!.groups.slice(0, 12).map((g) => g.group)))];
  return {
    title: "CPU profile of one extra run (V8 sampling profiler, self time by package; not in the throughput figures)",
    columns: ["package / area", ...profiled.map((r) => `${label(r.mode)} share`)],
    rows: groups.map((g) => [g, ...profiled.map((r) => `${fmt((r.profile!.groups.find((x) => x.group === g)?.share ?? 0) * 100, 1)} %`)]),
  };
}

export const executionScenario: Scenario = {
  name: "execution",
  summary: "single-node block pipeline on ETH and ERC-20 transfers, with a stage breakdown and CPU profile (bench/execution.ts)",
  async run(o: BenchOptions): Promise<ScenarioOutput> {
    const { runExecutionBench } = (await import("../execution.js")) as ExecutionModule;
    const scratch = mkdtempSync(join(tmpdir(), "verity-bench-execution-"));
    const quick = o.quick;
    const options: ExecutionOptions = {
      txs: pick(o.txs, quick, 1_500, 10_000),
      senders: o.senders ?? (quick ? 50 : 200),
      runs: pick(o.runs, quick, 1, 3),
      warmup: quick ? 200 : 1_500,
      modes: ["eth", "erc20"],
      profile: o.profile || !quick,
      quick,
      outDir: scratch,
    };
    try {
      const { reports } = await runExecutionBench(options);
      // Keep the raw .cpuprofile files (open them in Chrome DevTools) under our naming.
      const stamp = o.stamp ?? fileStamp(new Date());
      const profiles: string[] = [];
      for (const r of reports) {
        if (r.profileFile && existsSync(r.profileFile)) {
          const dest = join(o.outDir, `execution-${stamp}-${r.mode}.cpuprofile`);
          mkdirSync(o.outDir, { recursive: true });
          copyFileSync(r.profileFile, dest); // the scratch dir may be on another file system
          profiles.push(basename(dest));
        }
      }
      const eth = reports.find((r) => r.mode === "eth");
      const erc20 = reports.find((r) => r.mode === "erc20");
      const share = eth && erc20 ? erc20.txPerSecond.median / eth.txPerSecond.median : Number.NaN;
      const throughput: Table = {
        title: `Block pipeline throughput, one process (median of ${options.runs} runs, min–max)`,
        columns: ["workload", "txs", "senders", "blocks", "transfers/s", "tx per CPU-s", "blocks/s"],
        rows: reports.map((r) => [label(r.mode), fmt(r.txs), fmt(r.senders), fmt(r.runs[0]?.blocks ?? Number.NaN), fmtSummary(r.txPerSecond), fmtSummary(r.txPerCpuSecond), fmtSummary(r.blocksPerSecond, 2)]),
      };
      const tables = [throughput, stageTable(reports), profileTable(reports)].filter((t): t is Table => t !== null);
      const notes = [
        "Measured by bench/execution.ts in this process: raw signed transactions admitted through TxService (decode, sender recovery, account read, TxPool), blocks built from the pool up to the gas limit (EVM, state root, tx/receipt roots), each committed to LevelDB in one synced batch, the pool re-validated after each block. Fresh data dir and genesis per run; transactions signed before timing; a warm-up run first.",
        `ERC-20 / ETH transfers per second (same invocation): ${fmt(share * 100, 1)} % (target ≥ ${ERC20_SHARE_TARGET * 100} %: ${!Number.isFinite(share) ? "not measured" : share >= ERC20_SHARE_TARGET ? "met" : "MISSED"}).`,
        "tx per CPU-s divides by this process's CPU time (LevelDB's threads included): less sensitive to other work on this shared 2-core machine than transfers/s.",
        ...(profiles.length > 0 ? [`Raw CPU profiles: ${profiles.join(", ")}.`] : []),
      ];
      const stageChart = (r: ModeReport) =>
        Object.entries(r.stagesMs)
          .filter(([k]) => !k.startsWith("  "))
          .map(([k, s]) => ({ category: k, series: label(r.mode), value: ((s as Summary).median * 1000) / r.txs }));
      return {
        scenario: "execution",
        status: "ok",
        options: { ...options, outDir: undefined },
        notes,
        tables,
        charts: [
          {
            name: "throughput",
            title: "Block pipeline transfers per second",
            spec: barChartSpec({
              title: "Block pipeline transfers per second (one process)",
              subtitle: `median of ${options.runs} runs, bars min–max`,
              categoryTitle: "workload",
              valueTitle: "transfers/s",
              points: reports.map((r) => ({ category: label(r.mode), value: r.txPerSecond.median, min: r.txPerSecond.min, max: r.txPerSecond.max })),
            }),
          },
          {
            name: "stages",
            title: "Where the time goes, µs per transaction",
            spec: barChartSpec({ title: "Where the time goes (µs per transaction, by stage)", categoryTitle: "stage", valueTitle: "µs per tx", points: reports.flatMap(stageChart) }),
          },
        ],
        data: { reports, erc20ShareOfEth: share },
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
