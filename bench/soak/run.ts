// One soak run: a localnet of N validators and an RPC node behind link proxies, a steady load on
// the RPC node, faults one after another from the seeded plan, the chain watched every second, and
// at the end the invariants checked over everything: one chain, receipts kept, nonces contiguous
// and no accepted transaction gone, no double signing, recovery within the bound, memory bounded.
import { mkdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fundSenders, signLoad } from "../harness/load-txs.js";
import { RpcClient } from "../harness/rpc.js";
import { ChainWatch, type BlockSample, type HeadSample, type Violation } from "./chain-watch.js";
import { SoakCluster } from "./cluster.js";
import { applyFault, planFaults, type DiskOutcome, recoveryBoundMs, seededRandom, withinF, WIPE_SYNC_BLOCKS_PER_SECOND, type FaultKind } from "./faults.js";
import { SigningCheck, type SignedPosition } from "./signing-check.js";
import { diskOutcomeLabel, diskProblem } from "./disk-check.js";
import { SteadyLoad } from "./steady-load.js";
import { checkTransactions, type TxOutcome } from "./tx-check.js";

export interface SoakOptions {
  readonly validators: number;
  readonly minutes: number;
  /** Offered load, transactions per second in total. */
  readonly rate: number;
  readonly seed: number;
  readonly kinds: readonly FaultKind[];
  readonly senders: number;
  /** Faults are held this long (ms, drawn uniformly in the range). */
  readonly holdMs: readonly [number, number];
  readonly gapMs: readonly [number, number];
  /** A heal must be followed by progress and catch-up within this long (a wipe: plus its sync, see recoveryBoundMs). */
  readonly recoveryBoundMs: number;
  /** Blocks/s a wiped validator must sync back at (default WIPE_SYNC_BLOCKS_PER_SECOND). */
  readonly syncBlocksPerSecond?: number;
  readonly rssLimitMiB: number;
  /** After the load stops, accepted transactions get this long to be included. */
  readonly drainMs: number;
  /** Keep the load and the faults going past `minutes` until every kind was injected once. */
  readonly everyKind: boolean;
  /** The run's directory (data dirs and logs); removed at the end unless keepData. */
  readonly workDir: string;
  readonly keepData: boolean;
  /** The nodes' --log-level (default warn; e.g. "info,consensus=debug" to read a stall afterwards). */
  readonly nodeLogLevel?: string;
  readonly log: (line: string) => void;
}

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly target: string;
  readonly withinF: boolean;
  readonly startMs: number;
  readonly healMs: number;
  /** Null when the network had not recovered within twice the bound. */
  readonly recoveredMs: number | null;
  readonly recoverySeconds: number | null;
  /** The recovery bound this fault was held to (a wipe's grows with the blocks it syncs back). */
  readonly boundSeconds: number;
  readonly heightAtStart: number;
  readonly heightAtHeal: number;
  readonly heightAtRecovery: number | null;
  readonly clockOffsetMs?: number;
  /** disk: how the validator fared ("kept running", "stopped cleanly ..."). */
  readonly disk?: string;
}

export interface RssSample {
  readonly atMs: number;
  readonly node: string;
  readonly rssMiB: number;
}

export interface SoakResult {
  readonly options: Omit<SoakOptions, "log">;
  readonly f: number;
  readonly wallSeconds: number;
  readonly loadSeconds: number;
  readonly faults: readonly FaultRecord[];
  readonly violations: readonly Violation[];
  readonly checks: readonly { readonly invariant: Violation["invariant"]; readonly checked: string; readonly passed: boolean }[];
  readonly finalHeight: number;
  readonly heads: readonly HeadSample[];
  readonly blocks: readonly BlockSample[];
  readonly rss: readonly RssSample[];
  /** The machine's 1-minute load average, sampled with the RSS: the cores are shared. */
  readonly loadAverage: readonly { readonly atMs: number; readonly oneMinute: number }[];
  readonly signing: readonly SignedPosition[];
  readonly txs: TxOutcome;
  readonly load: { readonly sent: number; readonly retries: number; readonly errors: Readonly<Record<string, number>> };
  readonly linkConnectionsRefused: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WATCH_EVERY_MS = 1_000;
const RSS_EVERY_MS = 5_000;

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  if (o.validators < 4) throw new Error(`--validators must be at least 4 (f = floor((N-1)/3) must be at least 1 for a fault to be within f), got ${o.validators}`);
  const f = Math.floor((o.validators - 1) / 3);
  const syncRate = o.syncBlocksPerSecond ?? WIPE_SYNC_BLOCKS_PER_SECOND;
  const wall0 = performance.now();
  mkdirSync(o.workDir, { recursive: true });
  const random = seededRandom(o.seed ^ 0x5eed);
  const cluster = await SoakCluster.create({ dir: o.workDir, validators: o.validators, random, smallDisks: o.kinds.includes("disk"), ...(o.nodeLogLevel ? { logLevel: o.nodeLogLevel } : {}) });
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const watch = new ChainWatch(cluster.nodes, cluster.rpc.name, t0);
  const signing = new SigningCheck();
  const rss: RssSample[] = [];
  const loadAverage: { atMs: number; oneMinute: number }[] = [];
  const faults: FaultRecord[] = [];
  const loadMs = o.minutes * 60_000;
  const load = signLoad(o.senders, Math.ceil((o.rate * (loadMs + (o.everyKind ? 120_000 : 30_000))) / 1000 / o.senders) * o.senders);
  o.log(`signed ${load.total} transfers from ${o.senders} senders in ${load.signSeconds.toFixed(1)} s`);
  const steady = new SteadyLoad(load, cluster.rpc.url, o.rate, t0);
  for (const txs of load.perSender) for (const t of txs) watch.trackLoad(t.hash);
  let watching = true;
  let watcher: Promise<void> = Promise.resolve();
  const isUp = (name: string) => cluster.isRunning(name) && !cluster.isPaused(name);
  const reported = new Set<string>();
  try {
    await cluster.startAll();
    o.log(`started ${o.validators} validators and the RPC node under ${o.workDir}`);
    const rpc = new RpcClient(cluster.rpc.url, 2, 10_000);
    try {
      for (let i = 0; i < 300 && Number(BigInt(await rpc.call<string>("eth_blockNumber"))) < 1; i++) await sleep(200);
      await fundSenders(rpc, load.senders, 120_000);
    } finally {
      rpc.close();
    }
    watcher = (async () => {
      let lastRss = -Infinity;
      while (watching) {
        const began = performance.now();
        await watch.poll(isUp);
        for (const name of cluster.exitedUnexpectedly()) {
          if (!reported.has(name)) watch.violate("node-exit", `${name} exited without being stopped`);
          reported.add(name);
        }
        if (performance.now() - lastRss >= RSS_EVERY_MS) {
          lastRss = performance.now();
          loadAverage.push({ atMs: now(), oneMinute: loadavg()[0]! });
          for (const n of cluster.nodes) {
            const mib = cluster.rssMiB(n.name);
            if (mib !== null) rss.push({ atMs: now(), node: n.name, rssMiB: mib });
          }
        }
        await sleep(Math.max(0, WATCH_EVERY_MS - (performance.now() - began)));
      }
    })();
    steady.start();
    const loadStart = now();
    o.log(`load: ${o.rate} tx/s offered on ${cluster.rpc.url}`);
    await sleep(Math.min(10_000, loadMs / 10));
    let diskLabel: string | undefined;
    const hooks = {
      onDown: async (name: string) => signing.add(name, await cluster.readSigningRecord(name), now()),
      onWiped: (name: string) => watch.restartFromGenesis(name),
      onDiskHealed: (name: string, outcome: DiskOutcome) => {
        const problem = diskProblem(name, outcome);
        if (problem !== null) watch.violate("disk-full", problem);
        diskLabel = diskOutcomeLabel(outcome);
        o.log(`  ${name} on a full disk (${(outcome.filledBytes / 2 ** 20).toFixed(0)} MiB filler): ${diskLabel}`);
      },
    };
    const plan = planFaults({ seed: o.seed, kinds: o.kinds, validators: o.validators, count: 10_000, holdMs: o.holdMs, gapMs: o.gapMs });
    const covered = () => o.kinds.every((k) => faults.some((f) => f.kind === k));
    for (const p of plan) {
      if (now() - loadStart + p.holdMs + o.recoveryBoundMs / 4 > loadMs && (!o.everyKind || covered())) break;
      const target = p.kind === "split" ? "halves" : cluster.validators[p.target]!.name;
      const startMs = now();
      const heightAtStart = watch.maxHead();
      o.log(`fault ${faults.length + 1}: ${p.kind} ${target} for ${(p.holdMs / 1000).toFixed(0)} s${p.clockOffsetMs ? ` (clock ${p.clockOffsetMs > 0 ? "+" : ""}${p.clockOffsetMs / 1000} s)` : ""}`);
      const heal = await applyFault(cluster, p, hooks);
      await sleep(p.holdMs);
      const heightAtHeal = watch.maxHead();
      // The other validators (N - 1 >= 2f + 1) go on committing while one's disk is full.
      if (p.kind === "disk" && heightAtHeal <= heightAtStart) watch.violate("disk-full", `the network committed nothing in ${(p.holdMs / 1000).toFixed(0)} s while ${target}'s disk was full`);
      diskLabel = undefined;
      await heal();
      const healMs = now();
      // A wiped validator syncs back every block from genesis to the head at the heal.
      const boundMs = recoveryBoundMs(p.kind, o.recoveryBoundMs, heightAtHeal, syncRate);
      const recovered = await waitRecovered(cluster.nodes.map((n) => n.name), isUp, watch, heightAtHeal, 2 * boundMs);
      const recoveredMs = recovered ? now() : null;
      const recoverySeconds = recoveredMs === null ? null : (recoveredMs - healMs) / 1000;
      if (recoverySeconds === null || recoverySeconds * 1000 > boundMs)
        watch.violate("recovery", `${p.kind} ${target}: ${recoverySeconds === null ? "no recovery" : `recovered after ${recoverySeconds.toFixed(1)} s`} (bound ${(boundMs / 1000).toFixed(1)} s)`);
      faults.push({ kind: p.kind, target, withinF: withinF(p.kind), startMs, healMs, recoveredMs, recoverySeconds, boundSeconds: boundMs / 1000, heightAtStart, heightAtHeal, heightAtRecovery: recovered ? watch.maxHead() : null, ...(p.clockOffsetMs ? { clockOffsetMs: p.clockOffsetMs } : {}), ...(diskLabel ? { disk: diskLabel } : {}) });
      o.log(`  healed at height ${heightAtHeal}; ${recoverySeconds === null ? "NOT recovered" : `recovered in ${recoverySeconds.toFixed(1)} s`}`);
      // Faults piled on a network that did not recover would say nothing more: the load goes on
      // to the end and the checks run, with no further faults.
      if (recoverySeconds === null) {
        o.log("  no recovery: no further faults");
        break;
      }
      await sleep(p.gapMs);
    }
    await sleep(Math.max(0, loadMs - (now() - loadStart)));
    await steady.stop();
    const loadSeconds = (now() - loadStart) / 1000;
    o.log(`load stopped after ${loadSeconds.toFixed(0)} s: ${steady.accepted.length} transactions accepted; draining`);
    const drainUntil = performance.now() + o.drainMs;
    while (performance.now() < drainUntil && steady.accepted.some((a) => !watch.receipts.has(a.tx.hash))) await sleep(500);
    // Every node caught up with the last height before the final comparison.
    const finalTarget = watch.maxHead();
    await waitRecovered(cluster.nodes.map((n) => n.name), isUp, watch, finalTarget - 1, o.recoveryBoundMs);
    watching = false;
    await watcher;
    await watch.poll(isUp);
    // The end checks record what fails as a violation; they never end the run without its report.
    const txs = await checkTransactions(watch, cluster.rpc, steady.accepted, load).catch((e: Error) => {
      watch.violate("no-vanished-tx", `the final transaction check could not run: ${e.message}`);
      return { accepted: steady.accepted.length, included: 0, pending: 0, vanished: 0, acceptedOnRetry: 0 };
    });
    for (const n of cluster.nodes) await watch.recheckReceipts(n, [...watch.receipts.values()], { requireAll: true }).catch((e: Error) => watch.violate("receipts", `${n.name}: final receipt check failed: ${e.message}`));
    const finalHeight = watch.maxHead();
    await cluster.stopAll();
    for (const v of cluster.validators) signing.add(v.name, await cluster.readSigningRecord(v.name).catch(() => null), now());
    cluster.releaseDisks();
    const equivocations = SigningCheck.equivocationsLogged(cluster.logFiles());
    for (const p of [...signing.problems, ...equivocations]) watch.violate("double-sign", p);
    for (const s of rss) if (s.rssMiB > o.rssLimitMiB) watch.violate("memory", `${s.node} at ${s.rssMiB.toFixed(0)} MiB (limit ${o.rssLimitMiB} MiB) at ${(s.atMs / 1000).toFixed(0)} s`);
    const v = watch.violations;
    const passes = (i: Violation["invariant"]) => !v.some((x) => x.invariant === i);
    const checks = [
      { invariant: "one-chain" as const, checked: `${watch.comparedHeights} (node, height) hashes against one chain of ${watch.canonical.size} heights`, passed: passes("one-chain") },
      { invariant: "receipts" as const, checked: `${watch.receipts.size} receipts kept, ${watch.receiptRechecks} re-reads`, passed: passes("receipts") },
      { invariant: "nonces" as const, checked: `${o.senders} senders' nonces`, passed: passes("nonces") },
      { invariant: "no-vanished-tx" as const, checked: `${steady.accepted.length} accepted transactions: ${txs.included} included, ${txs.pending} pending, ${txs.vanished} vanished`, passed: passes("no-vanished-tx") },
      { invariant: "double-sign" as const, checked: `${signing.samples.length} signing records read, ${cluster.logFiles().length} logs searched for equivocations`, passed: passes("double-sign") },
      { invariant: "recovery" as const, checked: `${faults.length} heals, bound ${o.recoveryBoundMs / 1000} s (a wipe: plus ${syncRate} blocks/s of sync back)`, passed: passes("recovery") },
      { invariant: "memory" as const, checked: `${rss.length} RSS samples, limit ${o.rssLimitMiB} MiB`, passed: passes("memory") },
      { invariant: "node-exit" as const, checked: "no node exited unless stopped", passed: passes("node-exit") },
      ...(o.kinds.includes("disk")
        ? [{ invariant: "disk-full" as const, checked: `${faults.filter((x) => x.kind === "disk").length} full disks: stopped cleanly or kept going, restarted on their data dirs, the others committing`, passed: passes("disk-full") }]
        : []),
    ];
    const { log: _log, ...options } = o;
    return {
      options,
      f,
      wallSeconds: (performance.now() - wall0) / 1000,
      loadSeconds,
      faults,
      violations: v,
      checks,
      finalHeight,
      heads: watch.heads,
      blocks: watch.blocks,
      rss,
      loadAverage,
      signing: signing.samples,
      txs,
      load: steady.stats(),
      linkConnectionsRefused: cluster.mesh.refused(),
    };
  } finally {
    watching = false;
    await steady.stop().catch(() => undefined);
    await watcher.catch(() => undefined);
    watch.close();
    await cluster.stopAll().catch(() => undefined);
    try {
      cluster.releaseDisks();
    } catch (e) {
      o.log(`could not release the small disks: ${(e as Error).message}`);
    }
    if (!o.keepData) rmSync(join(o.workDir), { recursive: true, force: true });
  }
}

/**
 * Waits until every node that is up has a head above `height` (so the network made progress after
 * the heal, and the healed node caught up with where the network was), polling the watch's heads.
 */
async function waitRecovered(names: readonly string[], isUp: (n: string) => boolean, watch: ChainWatch, height: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (names.filter(isUp).every((n) => watch.head(n) > height)) return true;
    await sleep(250);
  }
  return false;
}
