// Scenario `localnet`: N validator processes (1, 4, 7) on loopback started by `verity localnet`
// (issue 4: validator i serves JSON-RPC on P+i, a non-validator RPC node on P+N), the load generator
// spreading its connections over the validators: a fixed offered rate (rate x connections) offered
// for a --duration seconds sending window (then a drain of at most FIXED_DRAIN_MS), and saturation runs, each on a fresh localnet; TPS, submit-to-inclusion
// latency, CPU and peak RSS per process. Without that command the scenario says so and measures nothing.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fundSenders, type SignedLoad, signLoad, verifyNonces } from "../harness/load-txs.js";
import { endpointOfSender, type LoadRunResult, runLoad } from "../harness/loadgen.js";
import { PROJECT_ROOT } from "../harness/nodes.js";
import { freePortRange, spawnService, waitForRpc } from "../harness/processes.js";
import { type ProcessUsage, treeUsage } from "../harness/procstat.js";
import { Progress } from "../harness/progress.js";
import type { ScenarioOutput } from "../harness/results.js";
import { RpcClient } from "../harness/rpc.js";
import { roundsOfBlocks, type RoundsRecord } from "../harness/rounds.js";
import { type BenchOptions, pick, type Scenario } from "../harness/scenario.js";
import { fmt, summarizeProblems } from "../harness/stats.js";
import { localnetReport, TARGET_TPS } from "./localnet-report.js";

export const LOCALNET_UNAVAILABLE = "localnet command not available yet";

/** Whether this tree's CLI has the `localnet` command (its --help lists the commands). */
export async function localnetAvailability(): Promise<{ available: boolean; reason: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/main.ts", "--help"], { cwd: PROJECT_ROOT, timeout: 60_000 });
    if (/\blocalnet\b/.test(stdout)) return { available: true, reason: "" };
    return { available: false, reason: `${LOCALNET_UNAVAILABLE}: \`verity --help\` lists no \`localnet\` command (issue 4 builds it)` };
  } catch (e) {
    return { available: false, reason: `${LOCALNET_UNAVAILABLE}: \`verity --help\` failed: ${(e as Error).message.split("\n")[0]}` };
  }
}

export interface LocalnetSession {
  readonly validators: number;
  /** "fixed": one fixed offered rate sustained for --duration s; "saturation": as fast as accepted. */
  readonly kind: "fixed" | "saturation";
  readonly repetition: number;
  readonly startSeconds: number;
  readonly load: LoadRunResult;
  /** Consensus rounds of the blocks committed during the load (validator 0's record). */
  readonly rounds: RoundsRecord;
  /** Whole session (start to stop): CPU seconds and peak RSS of every process of the localnet. */
  readonly processes: readonly ProcessUsage[];
  readonly problems: readonly string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The fixed-rate session's drain bound after its sending window. As long as the window by default:
 * a localnet that includes at half the rate it accepted still clears its backlog, and anything left
 * after that is already far beyond the 1.5 s p95 target, so waiting longer only costs bench time
 * (unbounded, the drain took up to 5 x the sending time). What is left is counted, not waited for.
 */
export const FIXED_DRAIN_MS = 60_000;

/** A paced session's sending window and drain bound (none for saturation runs). */
interface FixedWindow {
  readonly windowMs: number;
  readonly drainMs: number;
}

/** One fresh localnet of `n` validators, one load run against it (rate null = saturation). */
async function measureLocalnet(n: number, repetition: number, load: SignedLoad, ratePerConnection: number | null, connections: number, fixed: FixedWindow | null): Promise<LocalnetSession> {
  const dir = mkdtempSync(join(tmpdir(), `verity-bench-localnet-${n}-`));
  const port = await freePortRange(n + 1);
  const p2pPort = await freePortRange(n + 1); // not the default 30303: other localnets may be running
  const t0 = performance.now();
  const service = spawnService({
    name: `localnet of ${n}`,
    command: process.execPath,
    args: ["--import", "tsx", "src/cli/main.ts", "localnet", "--validators", String(n), "--http.port", String(port), "--p2p.port", String(p2pPort), "--datadir", join(dir, "data")],
    cwd: PROJECT_ROOT,
    logFile: join(dir, "localnet.log"),
  });
  const validatorUrls = Array.from({ length: n }, (_, i) => `http://127.0.0.1:${port + i}`);
  const rpcUrl = `http://127.0.0.1:${port + n}`;
  const client = new RpcClient(rpcUrl, 4);
  // Inclusion is watched on validator 0, so nonces are checked there too (the RPC node may lag behind).
  const checker = new RpcClient(validatorUrls[0]!, 2);
  const problems: string[] = [];
  try {
    for (const url of [...validatorUrls, rpcUrl]) await waitForRpc(service, url, 180_000);
    // Consensus running: a first block committed.
    for (let i = 0; i < 600 && Number(BigInt(await checker.call<string>("eth_blockNumber"))) < 1; i++) await sleep(200);
    const startSeconds = (performance.now() - t0) / 1000;
    await fundSenders(client, load.senders, 120_000);
    const headBefore = BigInt(await checker.call<string>("eth_blockNumber"));
    // Fixed rate: sending stops at the window and the drain is bounded, so the session's length is
    // known up front and a node slower than offered shows as unsent / pending counts, not as hours.
    const timeoutMs = fixed ? fixed.windowMs + fixed.drainMs + 60_000 : Math.max(120_000, load.total * 40);
    const run = await runLoad(load, { connections, ratePerConnection, pollMs: 10, timeoutMs, urls: validatorUrls, ...(fixed ?? {}) });
    problems.push(...run.problems);
    // Against what was accepted (a windowed run sends a nonce prefix per sender); a range while some are still pending.
    const nonces = run.problems.length === 0 ? await verifyNonces(checker, load, { accepted: run.acceptedPerSender, included: run.includedPerSender }) : null;
    if (nonces) problems.push(nonces);
    const kept = run.problems.length === 0 && nonces === null && run.notIncludedAfterDrain > 0 ? await verifyPendingKept(load, run, validatorUrls, connections) : null;
    if (kept) problems.push(kept);
    // The blocks that carried the load: from the first after the load began to the head now.
    const rounds = await roundsOfBlocks(checker, headBefore + 1n, BigInt(await checker.call<string>("eth_blockNumber")));
    const processes = treeUsage(service.pid).processes;
    return { validators: n, kind: ratePerConnection === null ? "saturation" : "fixed", repetition, startSeconds, load: run, rounds, processes, problems };
  } catch (e) {
    throw new Error(`localnet of ${n}: ${(e as Error).message}\n--- log tail ---\n${service.logTail(1_500)}`, { cause: e });
  } finally {
    client.close();
    checker.close();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * With transfers still pending after the drain, the chain check above is only a range. This one is
 * exact: on the validator each sender's transfers went to, chain nonce plus pooled transfers must
 * be one past the last accepted (none lost from the pool). A block committing between the node's
 * state and pool reads can make one reading low, so a mismatch is read again before it counts.
 */
export async function verifyPendingKept(load: SignedLoad, run: LoadRunResult, urls: readonly string[], connections: number): Promise<string | null> {
  for (const url of urls) {
    const senders = load.senders.map((_, s) => s).filter((s) => endpointOfSender(s, connections, urls) === url);
    const client = new RpcClient(url, 1);
    try {
      let problem: string | null = null;
      for (let attempt = 0; attempt < 5; attempt++) {
        problem = await verifyNonces(client, load, { accepted: run.acceptedPerSender, tag: "pending", senders });
        if (problem === null) break;
        await sleep(200);
      }
      if (problem !== null) return `on ${url}, accepted transfers neither included nor pooled: ${problem}`;
    } finally {
      client.close();
    }
  }
  return null;
}

function unavailable(reason: string, options: Record<string, unknown>): ScenarioOutput {
  return { scenario: "localnet", status: "unavailable", statusReason: reason, options, notes: [`Not measured: ${reason}.`], tables: [], charts: [], data: null };
}

export const localnetScenario: Scenario = {
  name: "localnet",
  summary: "N validator processes on loopback (verity localnet), load over JSON-RPC: TPS, latency, CPU and RSS per process",
  async run(o: BenchOptions): Promise<ScenarioOutput> {
    const sizes = pick(o.validators, o.quick, [1], [1, 4, 7]);
    const senders = o.senders ?? 32;
    const connections = Math.min(o.connections ?? 32, senders);
    const txs = Math.ceil(pick(o.txs, o.quick, 320, 5_000) / senders) * senders;
    const runs = pick(o.runs, o.quick, 1, 3);
    const ratePerConnection = pick(o.rate, o.quick, 4, Math.ceil(TARGET_TPS / connections));
    const seconds = pick(o.duration, o.quick, 5, 60);
    const options = { ...o, validators: sizes, senders, connections, txs, runs, ratePerConnection, fixedSeconds: seconds, fixedDrainSeconds: FIXED_DRAIN_MS / 1000 };
    const availability = await localnetAvailability();
    if (!availability.available) return unavailable(availability.reason, options);

    // Separate fresh localnets for the fixed-rate run (full runs) and each saturation run, so a
    // backlog left by one never slows the next.
    const saturation = signLoad(senders, txs);
    const withFixed = !o.quick || o.duration !== undefined;
    const fixedLoad = withFixed ? signLoad(senders, Math.ceil((ratePerConnection * connections * seconds) / senders) * senders) : null;
    const plan = sizes.flatMap((n) => [
      ...(fixedLoad ? [{ n, rep: 0, load: fixedLoad, rate: ratePerConnection as number | null, cost: 15 * n + seconds + FIXED_DRAIN_MS / 2_000 }] : []),
      ...Array.from({ length: runs }, (_, rep) => ({ n, rep, load: saturation, rate: null as number | null, cost: 15 * n + txs / 200 })),
    ]);
    const progress = new Progress("localnet", plan.reduce((s, p) => s + p.cost, 0));
    const sessions: LocalnetSession[] = [];
    const failures: string[] = [];
    try {
      for (const p of plan) {
        const what = `${p.n} validators, ${p.rate === null ? `saturation run ${p.rep + 1}/${runs}` : `${fmt(p.rate * connections)} tx/s offered for ${seconds} s`}`;
        progress.begin(what);
        try {
          const s = await measureLocalnet(p.n, p.rep, p.load, p.rate, connections, p.rate === null ? null : { windowMs: seconds * 1000, drainMs: FIXED_DRAIN_MS });
          sessions.push(s);
          const counts = p.rate === null ? "" : `, sent ${fmt(s.load.sentInWindow)} of ${fmt(s.load.txsPlanned)} in the window, ${fmt(s.load.notIncludedAfterDrain)} pending after the drain`;
          progress.log(`  ${what}: ${fmt(s.load.tps)} tx/s, p50 ${fmt(s.load.latencyMs.p50)} ms, p95 ${fmt(s.load.latencyMs.p95)} ms${counts}${s.problems.length ? `; LEFT OUT: ${summarizeProblems(s.problems)}` : ""}`);
        } catch (e) {
          failures.push(`${what}: ${(e as Error).message.split("\n").slice(0, 3).join(" / ")}`);
          progress.log(`  ! ${failures.at(-1)}`);
        }
        progress.advance(p.cost);
      }
    } finally {
      progress.stop();
    }
    return localnetReport(options, sessions, failures);
  },
};
