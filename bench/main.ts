// The benchmark harness: `npm run bench -- <scenario> [options]`.
//
//   consensus   the consensus simulator in virtual time (N validators, LAN/WAN, sampled vs full committees)
//   execution   one node's block pipeline (pool -> build -> EVM -> trie -> LevelDB) on ETH and ERC-20 transfers
//   localnet    N validator processes on loopback under a JSON-RPC load
//   peers       the same load against verity, anvil, Hardhat's node and Ganache
//   staking     a chain whose validator set changes through the staking ledger (join, jail, slash), epoch by epoch
//   memory      resident memory of verity and anvil over transfers to fresh accounts (start, half-way, end, peak)
//   all         every scenario above, in that order
//
// Each scenario writes bench/results/<scenario>-<date>.{json,md} and SVG charts next to them; `all`
// also writes all-<date>.json listing them. `--quick` is the CI smoke run (`all --quick` < 2 min):
// it checks that the harness works end to end and never asserts a speed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseBenchArgs, usage } from "./harness/args.js";
import { liveServices, stopAll, stopEverything } from "./harness/processes.js";
import { fileStamp, runInfo, toJson, writeResults, type WrittenResult } from "./harness/results.js";
import type { BenchOptions, Scenario } from "./harness/scenario.js";
import { consensusScenario } from "./scenarios/consensus.js";
import { executionScenario } from "./scenarios/execution.js";
import { localnetScenario } from "./scenarios/localnet.js";
import { peersScenario } from "./scenarios/peers.js";
import { stakingScenario } from "./scenarios/staking.js";
import { memoryScenario } from "./scenarios/memory.js";

const SCENARIOS: readonly Scenario[] = [consensusScenario, executionScenario, localnetScenario, peersScenario, stakingScenario, memoryScenario];

const USAGE = usage(SCENARIOS);

interface Outcome {
  readonly scenario: string;
  readonly status: "ok" | "unavailable" | "failed";
  readonly reason: string | null;
  readonly seconds: number;
  readonly files: readonly string[];
}

async function runOne(s: Scenario, o: BenchOptions, command: string): Promise<Outcome> {
  const run = runInfo(o.quick, command);
  const t0 = performance.now();
  console.log(`\n=== ${s.name}${o.quick ? " (quick)" : ""}: ${s.summary}`);
  let written: WrittenResult;
  try {
    written = await writeResults(o.outDir, await s.run({ ...o, stamp: fileStamp(run.startedAt) }), run);
  } catch (e) {
    const err = e as Error;
    console.error(`!!! ${s.name} failed: ${err.stack ?? err.message}`);
    const out = { scenario: s.name, status: "failed" as const, statusReason: err.message, options: { ...o }, notes: [`Failed: ${err.message}`], tables: [], charts: [], data: null };
    written = await writeResults(o.outDir, out, run);
  }
  const r = written.result;
  const files = [written.jsonFile, written.markdownFile, ...written.chartFiles].map((f) => relative(process.cwd(), f));
  console.log(`--- ${s.name}: ${r.status}${r.statusReason ? ` (${r.statusReason})` : ""}, ${r.wallSeconds.toFixed(1)} s; ${files.length} files: ${files[1]}`);
  return { scenario: s.name, status: r.status, reason: r.statusReason, seconds: (performance.now() - t0) / 1000, files };
}

async function main(): Promise<number> {
  const parsed = parseBenchArgs(process.argv.slice(2), SCENARIOS.map((x) => x.name), join(import.meta.dirname, "results"));
  if ("help" in parsed) {
    console.log(USAGE);
    return 0;
  }
  const { scenario, options } = parsed;
  mkdirSync(options.outDir, { recursive: true });
  const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`;
  const t0 = performance.now();
  const started = new Date();
  const chosen = scenario === "all" ? SCENARIOS : SCENARIOS.filter((s) => s.name === scenario);
  const outcomes: Outcome[] = [];
  for (const s of chosen) outcomes.push(await runOne(s, options, command));
  const seconds = (performance.now() - t0) / 1000;
  if (scenario === "all") {
    const file = join(options.outDir, `all-${fileStamp(started)}.json`);
    writeFileSync(file, toJson({ schema: "verity-bench/1", scenario: "all", quick: options.quick, command, startedAt: started.toISOString(), wallSeconds: seconds, scenarios: outcomes }));
    console.log(`\n=== all: ${outcomes.map((x) => `${x.scenario} ${x.status} (${x.seconds.toFixed(0)} s)`).join(", ")}; total ${seconds.toFixed(1)} s; index ${relative(process.cwd(), file)}`);
  }
  // `all` tolerates a scenario that cannot run here yet (it says why); a failure is a failure.
  const failed = outcomes.filter((x) => x.status === "failed" || (scenario !== "all" && x.status === "unavailable"));
  for (const f of failed) console.error(`${f.scenario}: ${f.status}: ${f.reason ?? ""}`);
  return failed.length === 0 ? 0 : 1;
}

let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${sig}: stopping the nodes this run started`);
    void stopEverything(`${sig} received`).finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (e: Error) => {
    console.error(e.message);
    await stopAll(liveServices());
    process.exit(2);
  },
);
