// Scenario `execution`: a single node's block pipeline on one core, end to end — raw signed
// transactions admitted through TxService (decode, native sender recovery, account read, TxPool),
// then blocks built from the pool up to the gas limit (EVM execution, state root, tx/receipt
// roots), each committed to LevelDB in one synced batch, the pool re-validated after each block,
// until the pool is empty. Reports transfers/s, blocks/s and where the time goes (explicit stage
// timers; with --profile a V8 CPU profile grouped by package).
//
//   npx tsx bench/execution.ts [--txs N] [--senders S] [--runs R] [--erc20 | --both] [--profile] [--quick]
//
// Figures are medians over R runs with min and max. Every run starts from a fresh data dir and the
// same genesis; transactions are signed once, before any timing. Results: bench/results/execution-<date>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { bytesToHex } from "@ethereumjs/util";
import { createChainCommon } from "../src/evm/common.js";
import { secp256k1Backend } from "../src/evm/crypto.js";
import { formatProfile, saveProfile, startProfiler, summarizeProfile, type ProfileSummary } from "./lib/cpu-profile.js";
import { benchGenesis, benchSenders, erc20Transfers, ethTransfers, tokenSetup, type Sender } from "./lib/load.js";
import { measureSyncCost, type SyncCost } from "./lib/fsync.js";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { admitAll, openPipeline, sealUntilEmpty, STAGES } from "./lib/pipeline.js";
import { fmt, summarize, type Summary } from "./lib/stats.js";

export type Mode = "eth" | "erc20";

/** What runExecutionBench runs (bench/scenarios/execution.ts builds this too). */
export interface ExecutionBenchOptions {
  txs: number;
  senders: number;
  runs: number;
  /** Transactions of an untimed run before the timed ones (JIT warm-up); 0 for none. */
  warmup: number;
  modes: Mode[];
  /** Take a CPU profile of one extra run (not counted in the figures). */
  profile: boolean;
  quick: boolean;
  /** Where the results JSON (and profiles) go. */
  outDir: string;
}

export interface RunResult {
  mode: Mode;
  txs: number;
  blocks: number;
  seconds: number;
  /** CPU seconds of this process (all threads: LevelDB's too) during the timed section. */
  cpuSeconds: number;
  txPerSecond: number;
  /** Transactions per CPU second: less sensitive than wall time to other work on a shared machine. */
  txPerCpuSecond: number;
  blocksPerSecond: number;
  /** Wall milliseconds per stage, summed over the run. */
  stagesMs: Record<string, number>;
  gcMs: number;
  /** Resident set size right after the timed section (caches included). */
  rssMiB: number;
  finalStateRoot: string;
}

export interface ModeReport {
  mode: Mode;
  txs: number;
  senders: number;
  runs: RunResult[];
  warmup: RunResult | null;
  txPerSecond: Summary;
  txPerCpuSecond: Summary;
  blocksPerSecond: Summary;
  stagesMs: Record<string, Summary>;
  profile: ProfileSummary | null;
  profileFile: string | null;
}

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

export function parseExecutionArgs(args: string[]): ExecutionBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      txs: { type: "string" },
      senders: { type: "string" },
      runs: { type: "string" },
      warmup: { type: "string" },
      erc20: { type: "boolean", default: false },
      both: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log("npx tsx bench/execution.ts [--txs N] [--senders S] [--runs R] [--warmup W] [--erc20 | --both] [--profile] [--quick] [--out DIR]");
    process.exit(0);
  }
  const int = (v: string | undefined, d: number, name: string) => {
    const n = v === undefined ? d : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  const quick = values.quick;
  const txs = int(values.txs, quick ? 1_500 : 10_000, "txs");
  const senders = int(values.senders, quick ? 50 : 200, "senders");
  if (txs < 1 || senders < 1) throw new Error("--txs and --senders must be at least 1");
  return {
    txs,
    senders,
    runs: Math.max(1, int(values.runs, quick ? 1 : 3, "runs")),
    warmup: int(values.warmup, quick ? 200 : 1_500, "warmup"),
    modes: (values.both ? ["eth", "erc20"] : values.erc20 ? ["erc20"] : ["eth"]) as Mode[],
    profile: values.profile,
    quick,
    outDir: resolve(values.out ?? join(BENCH_DIR, "results")),
  };
}

/** Milliseconds the garbage collector ran while `fn` ran (it overlaps the stage timers). */
async function withGcTime<T>(fn: () => Promise<T>): Promise<{ result: T; gcMs: number }> {
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ["gc"] });
  try {
    const result = await fn();
    await new Promise((r) => setImmediate(r)); // let the observer deliver the last entries
    return { result, gcMs };
  } finally {
    obs.disconnect();
  }
}

interface Load {
  senders: Sender[];
  setup: Uint8Array[];
  timed: Uint8Array[];
  /** The ERC-20 token the timed transactions call (deployed by the setup). */
  token: Uint8Array | null;
}

function prepareLoad(mode: Mode, txs: number, senders: Sender[]): Load {
  const common = createChainCommon(benchGenesis([]).params.chainId);
  if (mode === "eth") return { senders, setup: [], timed: ethTransfers(common, senders, txs), token: null };
  const { token, setupTxs } = tokenSetup(common, senders);
  return { senders, setup: setupTxs, timed: erc20Transfers(common, senders, token, txs), token };
}

/** One run from a fresh data dir: untimed setup blocks, then the timed admission + sealing. */
async function runOnce(mode: Mode, load: Load, txs: number, profileFile: string | null): Promise<RunResult & { profile?: ProfileSummary }> {
  const timed = load.timed.slice(0, txs);
  const p = await openPipeline(benchGenesis(load.senders), Math.max(timed.length, load.setup.length));
  try {
    if (load.setup.length > 0) {
      await admitAll(p, load.setup);
      const setupBlocks = await sealUntilEmpty(p, 1_000);
      const receipts = setupBlocks.flatMap((b) => b.receipts);
      const failed = receipts.filter((r) => r.status !== 1).length;
      if (failed > 0) throw new Error(`${failed} setup transactions failed`);
      const deployed = receipts[0]?.contractAddress;
      if (load.token && (!deployed || bytesToHex(deployed) !== bytesToHex(load.token)))
        throw new Error(`the token was deployed at ${deployed ? bytesToHex(deployed) : "no address"}, not where the transfers were signed to`);
    }
    const before = p.timer.snapshot();
    const stopProfiler = profileFile ? await startProfiler() : null;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { result: blocks, gcMs } = await withGcTime(async () => {
      const a0 = performance.now();
      await admitAll(p, timed);
      p.timer.add(STAGES.admission, performance.now() - a0);
      return sealUntilEmpty(p, Math.ceil(timed.length / 100) + 10);
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
    const profile = stopProfiler ? await stopProfiler() : null;

    const included = blocks.reduce((n, b) => n + b.block.transactions.length, 0);
    const failed = blocks.flatMap((b) => b.receipts).filter((r) => r.status !== 1).length;
    if (included !== timed.length) throw new Error(`${included} of ${timed.length} transactions were included`);
    if (failed > 0) throw new Error(`${failed} transactions failed in execution`);
    if (mode === "erc20" && blocks.some((b) => b.receipts.some((r) => r.logs.length !== 1)))
      throw new Error("an ERC-20 transfer did not emit exactly one Transfer log");

    const stagesMs = stageBreakdown(before, p.timer.snapshot(), seconds * 1000);
    if (profile && profileFile) saveProfile(profile, profileFile);
    return {
      mode,
      txs: timed.length,
      blocks: blocks.length,
      seconds,
      cpuSeconds,
      txPerSecond: timed.length / seconds,
      txPerCpuSecond: timed.length / cpuSeconds,
      blocksPerSecond: blocks.length / seconds,
      stagesMs,
      gcMs,
      rssMiB,
      finalStateRoot: bytesToHex(p.chain.head.header.stateRoot),
      ...(profile ? { profile: summarizeProfile(profile) } : {}),
    };
  } finally {
    await p.close();
  }
}

/** Stage times of the timed section; derived stages are differences of nested timers. */
function stageBreakdown(before: Record<string, number>, after: Record<string, number>, totalMs: number): Record<string, number> {
  const d = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
  const s: Record<string, number> = {
    [STAGES.admission]: d(STAGES.admission),
    [STAGES.admissionState]: d(STAGES.admissionState),
    [STAGES.admissionPool]: d(STAGES.admissionPool),
    [STAGES.select]: d(STAGES.select),
    [STAGES.build]: d(STAGES.build),
    [STAGES.buildTxs]: d(STAGES.buildTxs),
    [STAGES.buildSystemCalls]: d(STAGES.buildSystemCalls),
    [STAGES.buildStateRoot]: d(STAGES.buildStateRoot),
    [STAGES.roots]: d("propose") - d(STAGES.build),
    [STAGES.proposal]: d("produce") - d("propose") - d(STAGES.select),
    // Chain.commit awaits its commit reactions (pool upkeep), timed as their own stage.
    [STAGES.commitEncode]: d("commit") - d(STAGES.commitDb) - d(STAGES.revalidate),
    [STAGES.commitDb]: d(STAGES.commitDb),
    [STAGES.revalidate]: d(STAGES.revalidate),
    [STAGES.revalidateState]: d(STAGES.revalidateState),
  };
  const top = [STAGES.admission, STAGES.select, STAGES.build, STAGES.roots, STAGES.proposal, STAGES.commitEncode, STAGES.commitDb, STAGES.revalidate];
  s["other (loop, awaits)"] = totalMs - top.reduce((n, k) => n + (s[k] ?? 0), 0);
  return s;
}

function report(r: ModeReport): string {
  const label = r.mode === "eth" ? "ETH transfers" : "ERC-20 transfers";
  const runs = r.runs;
  const blocks = runs[0]!.blocks;
  const lines = [
    "",
    `== ${label}: ${fmt(r.txs)} txs from ${r.senders} senders, ${blocks} blocks, ${runs.length} run(s)${r.warmup ? ` after a ${fmt(r.warmup.txs)}-tx warm-up` : ""}`,
    `   transfers/s  median ${fmt(r.txPerSecond.median)}  min ${fmt(r.txPerSecond.min)}  max ${fmt(r.txPerSecond.max)}  (spread ${(r.txPerSecond.spread * 100).toFixed(1)} %)`,
    `   tx/CPU-s     median ${fmt(r.txPerCpuSecond.median)}  min ${fmt(r.txPerCpuSecond.min)}  max ${fmt(r.txPerCpuSecond.max)}  (all threads of this process)`,
    `   blocks/s     median ${fmt(r.blocksPerSecond.median, 2)}  min ${fmt(r.blocksPerSecond.min, 2)}  max ${fmt(r.blocksPerSecond.max, 2)}`,
    `   stage (median of runs)                              ms     µs/tx   share`,
  ];
  const total = summarize(runs.map((x) => x.seconds * 1000)).median;
  for (const [stage, s] of Object.entries(r.stagesMs)) {
    const nested = stage.startsWith("  ");
    lines.push(
      `   ${stage.padEnd(48)} ${fmt(s.median).padStart(7)} ${fmt((s.median * 1000) / r.txs, 1).padStart(9)} ${nested ? "       " : `${((s.median / total) * 100).toFixed(1).padStart(5)} %`}`,
    );
  }
  lines.push(`   GC (overlaps the stages)                         ${fmt(summarize(runs.map((x) => x.gcMs)).median).padStart(7)}`);
  lines.push(`   RSS after the timed section: ${fmt(Math.max(...runs.map((x) => x.rssMiB)))} MiB (largest of the runs)`);
  const roots = new Set(runs.map((x) => x.finalStateRoot));
  lines.push(`   final state root ${[...roots].join(", ")}${roots.size === 1 ? " (identical in every run)" : "  <-- DIFFERS BETWEEN RUNS"}`);
  if (r.profile) lines.push("", formatProfile(r.profile), r.profileFile ? `  (profile saved to ${r.profileFile})` : "");
  return lines.join("\n");
}

export async function runExecutionBench(opts: ExecutionBenchOptions): Promise<{ file: string; reports: ModeReport[] }> {
  const machine = machineInfo();
  console.log(`machine: ${describeMachine(machine)}, sender recovery: ${secp256k1Backend}`);
  const t0 = performance.now();
  const senders = benchSenders(opts.senders);
  const stamp = machine.date.replace(/[:.]/g, "-").slice(0, 19);
  mkdirSync(opts.outDir, { recursive: true });
  const reports: ModeReport[] = [];
  for (const mode of opts.modes) {
    const load = prepareLoad(mode, Math.max(opts.txs, opts.warmup), senders);
    console.log(`${mode}: signed ${fmt(load.timed.length)} transactions (+${load.setup.length} setup) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const warmup = opts.warmup > 0 ? await runOnce(mode, load, opts.warmup, null) : null;
    const runs: RunResult[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = await runOnce(mode, load, opts.txs, null);
      console.log(`  run ${i + 1}/${opts.runs}: ${fmt(r.txPerSecond)} tx/s (${fmt(r.txPerCpuSecond)} per CPU-s), ${r.blocks} blocks in ${r.seconds.toFixed(2)} s`);
      runs.push(r);
    }
    let profile: ProfileSummary | null = null;
    let profileFile: string | null = null;
    if (opts.profile) {
      profileFile = join(opts.outDir, `execution-${mode}-${stamp}.cpuprofile`);
      const r = await runOnce(mode, load, opts.txs, profileFile);
      console.log(`  profiled run (not in the figures): ${fmt(r.txPerSecond)} tx/s`);
      profile = r.profile ?? null;
    }
    const stageNames = Object.keys(runs[0]!.stagesMs);
    reports.push({
      mode,
      txs: opts.txs,
      senders: opts.senders,
      runs,
      warmup,
      txPerSecond: summarize(runs.map((r) => r.txPerSecond)),
      txPerCpuSecond: summarize(runs.map((r) => r.txPerCpuSecond)),
      blocksPerSecond: summarize(runs.map((r) => r.blocksPerSecond)),
      stagesMs: Object.fromEntries(stageNames.map((k) => [k, summarize(runs.map((r) => r.stagesMs[k]!))])),
      profile,
      profileFile,
    });
    console.log(report(reports.at(-1)!));
  }
  const eth = reports.find((r) => r.mode === "eth");
  const erc20 = reports.find((r) => r.mode === "erc20");
  if (eth && erc20) console.log(`\nERC-20 / ETH transfers/s (medians, same invocation): ${((erc20.txPerSecond.median / eth.txPerSecond.median) * 100).toFixed(1)} %`);
  const syncCost: SyncCost = await measureSyncCost(opts.quick ? 10 : 30);
  console.log(
    `LevelDB sync: a 64 KiB batch takes ${syncCost.syncedMs.toFixed(2)} ms synced, ${syncCost.unsyncedMs.toFixed(2)} ms not: the fsync every block commit pays is ~${syncCost.fsyncMs.toFixed(2)} ms`,
  );
  const file = join(opts.outDir, `execution-${stamp}.json`);
  const json = JSON.stringify({ scenario: "execution", machine: { ...machine, secp256k1Backend }, options: opts, reports, syncCost }, null, 2);
  writeFileSync(file, json);
  console.log(`\nresults: ${file} (total ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { file, reports };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runExecutionBench(parseExecutionArgs(process.argv.slice(2))).catch((e: Error) => {
    console.error(e);
    process.exit(1);
  });
}
