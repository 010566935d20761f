// Scenario `memory` (issue 13, bounded memory): the resident memory of verity and of anvil, in the
// same run, while each takes pre-signed transfers to fresh accounts at 1 s blocks (default 40,000
// transfers from 32 senders to 20,000 fresh accounts, each paid twice). The node's process tree is
// sampled every 500 ms; the table gives the resident set before the load, half-way, at the end and
// at its peak (VmHWM), so a node whose memory keeps growing once its working set is warm shows it
// in the second half. Every session starts a fresh node; refused or lost transfers are counted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineChartSpec } from "../harness/charts.js";
import { fundSenders, signLoad, type SignedLoad, verifyNonces } from "../harness/load-txs.js";
import { runLoad } from "../harness/loadgen.js";
import { type NodeTarget, startNode } from "../harness/nodes.js";
import { treeRssMiB, treeUsage } from "../harness/procstat.js";
import { Progress } from "../harness/progress.js";
import type { ScenarioOutput } from "../harness/results.js";
import { RpcClient } from "../harness/rpc.js";
import { type BenchOptions, pick, type Scenario } from "../harness/scenario.js";
import { parseTargets } from "./peers.js";

interface RssSample {
  readonly seconds: number;
  readonly rssMiB: number;
}

interface MemorySession {
  readonly target: NodeTarget;
  readonly startRssMiB: number;
  readonly halfRssMiB: number;
  readonly endRssMiB: number;
  readonly peakRssMiB: number;
  readonly tps: number;
  readonly confirmed: number;
  readonly problems: readonly string[];
  readonly samples: readonly RssSample[];
}

const SAMPLE_MS = 500;

async function measureMemory(t: NodeTarget, load: SignedLoad, connections: number): Promise<MemorySession> {
  const workDir = mkdtempSync(join(tmpdir(), `verity-bench-memory-${t.id}-`));
  const node = await startNode(t, workDir, 90_000);
  const client = new RpcClient(node.url, 4);
  try {
    await fundSenders(client, load.senders);
    const pid = node.service.pid;
    const t0 = performance.now();
    const samples: RssSample[] = [{ seconds: 0, rssMiB: treeRssMiB(pid) }];
    const sample = () => samples.push({ seconds: (performance.now() - t0) / 1000, rssMiB: treeRssMiB(pid) });
    const timer = setInterval(sample, SAMPLE_MS);
    let result;
    try {
      result = await runLoad(load, { connections, ratePerConnection: null, pollMs: 10, timeoutMs: Math.max(120_000, load.total * 40), urls: [node.url] });
    } finally {
      clearInterval(timer);
    }
    sample();
    const problems = [...result.problems];
    const nonces = problems.length === 0 ? await verifyNonces(client, load) : null;
    if (nonces) problems.push(nonces);
    const end = samples.at(-1)!;
    const half = samples.reduce((best, s) => (Math.abs(s.seconds - end.seconds / 2) < Math.abs(best.seconds - end.seconds / 2) ? s : best));
    return {
      target: t,
      startRssMiB: samples[0]!.rssMiB,
      halfRssMiB: half.rssMiB,
      endRssMiB: end.rssMiB,
      peakRssMiB: treeUsage(pid).peakRssMiB,
      tps: result.tps,
      confirmed: result.confirmed,
      problems,
      samples,
    };
  } catch (e) {
    throw new Error(`${t.label}: ${(e as Error).message}\n--- node log tail ---\n${node.service.logTail(1_500)}`, { cause: e });
  } finally {
    client.close();
    await node.service.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** At most `n` evenly spaced samples (the chart's axis labels every x value). */
function thin(samples: readonly RssSample[], n: number): RssSample[] {
  if (samples.length <= n) return [...samples];
  const step = (samples.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => samples[Math.round(i * step)]!);
}

const mib = (x: number) => x.toFixed(0);

export const memoryScenario: Scenario = {
  name: "memory",
  summary: "resident memory of verity and anvil over transfers to fresh accounts at 1 s blocks (start, half-way, end, peak)",
  async run(o: BenchOptions): Promise<ScenarioOutput> {
    const kinds = pick(o.peers, o.quick, ["verity", "anvil"], ["verity", "anvil"]);
    const blockTime = o.blockTimes?.[0] ?? 1;
    const senders = o.senders ?? 32;
    const connections = Math.min(o.connections ?? 32, senders);
    const txs = Math.ceil(pick(o.txs, o.quick, 640, 40_000) / senders) * senders;
    const recipients = Math.max(1, Math.floor(txs / 2));
    const targets = parseTargets(kinds, [blockTime]);
    const load = signLoad(senders, txs, 0, recipients);
    const progress = new Progress("memory", targets.length * (10 + txs / 500));
    progress.log(`memory: signed ${txs} transfers from ${senders} senders to ${recipients} fresh accounts in ${load.signSeconds.toFixed(1)} s (untimed)`);
    const sessions: MemorySession[] = [];
    const failures: string[] = [];
    try {
      for (const t of targets) {
        progress.begin(t.label);
        try {
          const s = await measureMemory(t, load, connections);
          sessions.push(s);
          progress.log(`  ${t.label}: RSS ${mib(s.startRssMiB)} → ${mib(s.halfRssMiB)} → ${mib(s.endRssMiB)} MiB, peak ${mib(s.peakRssMiB)} MiB, ${s.tps.toFixed(0)} tx/s` + (s.problems.length > 0 ? `; ${s.problems.length} problem(s): ${s.problems[0]}` : ""));
        } catch (e) {
          failures.push(`${t.label}: ${(e as Error).message.split("\n")[0]}`);
          progress.log(`  ! ${t.label} failed: ${(e as Error).message.split("\n")[0]}`);
        }
        progress.advance(10 + txs / 500);
      }
    } finally {
      progress.stop();
    }
    const verity = sessions.find((s) => s.target.kind === "verity");
    const ratios = sessions
      .filter((s) => s !== verity && verity !== undefined)
      .map((s) => `verity / ${s.target.kind}: peak ${(verity!.peakRssMiB / s.peakRssMiB).toFixed(2)}, end ${(verity!.endRssMiB / s.endRssMiB).toFixed(2)}`);
    return {
      scenario: "memory",
      options: { ...o, peers: kinds, blockTime, senders, connections, txs, recipients },
      status: sessions.length > 0 ? "ok" : "failed",
      ...(sessions.length > 0 ? {} : { statusReason: failures.join("; ") }),
      notes: [
        `${txs} pre-signed EIP-1559 transfers from ${senders} senders (${connections} connections, one request in flight each) to ${recipients} fresh accounts, ${blockTime} s blocks; a fresh node per session.`,
        `Resident set of the largest process of the node's tree (the node, not a wrapper), sampled every ${SAMPLE_MS} ms from the first submission to the last inclusion; peak is the kernel's VmHWM over the node's life. Growth in the second half (end minus half-way) is what a warm working set should keep near zero.`,
        ...ratios,
        ...sessions.flatMap((s) => (s.problems.length > 0 ? [`${s.target.label}: ${s.problems.length} refused or lost: ${s.problems.slice(0, 3).join("; ")}`] : [])),
        ...failures.map((f) => `Failed: ${f}`),
      ],
      tables: [
        {
          title: `Resident memory over ${txs} transfers to ${recipients} fresh accounts (MiB)`,
          columns: ["node", "before the load", "half-way", "end", "second-half growth", "peak", "tx/s", "included", "refused or lost"],
          rows: sessions.map((s) => [
            s.target.label,
            mib(s.startRssMiB),
            mib(s.halfRssMiB),
            mib(s.endRssMiB),
            mib(s.endRssMiB - s.halfRssMiB),
            mib(s.peakRssMiB),
            s.tps.toFixed(0),
            String(s.confirmed),
            String(s.problems.length),
          ]),
        },
      ],
      charts: [
        {
          name: "rss",
          title: "Resident memory during the load",
          spec: lineChartSpec({
            title: "Resident memory during the load",
            subtitle: `${txs} transfers to ${recipients} fresh accounts, ${blockTime} s blocks`,
            xTitle: "seconds since the first submission",
            yTitle: "RSS (MiB)",
            points: sessions.flatMap((s) => thin(s.samples, 24).map((p) => ({ x: Number(p.seconds.toFixed(1)), y: Number(p.rssMiB.toFixed(1)), series: s.target.label }))),
          }),
        },
      ],
      data: { sessions, failures },
    };
  },
};
