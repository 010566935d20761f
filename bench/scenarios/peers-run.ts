// One measured session against one node: start it fresh, fund the load senders (untimed), run the
// saturation load and read the node's CPU time and peak RSS around it, optionally a fixed-rate load
// after it, check every sender's final nonce, stop the node.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProfileSummary, summarizeProfile } from "../lib/cpu-profile.js";
import { fundSenders, type SignedLoad, verifyNonces } from "../harness/load-txs.js";
import { type LoadRunResult, runLoad } from "../harness/loadgen.js";
import { type NodeTarget, startNode } from "../harness/nodes.js";
import { cpuProfileFlags, monotonicMicros, readCpuProfile, sliceProfile } from "../harness/node-profile.js";
import { cpuSecondsBetween, treeUsage } from "../harness/procstat.js";
import { RpcClient } from "../harness/rpc.js";

export interface LoadShape {
  readonly connections: number;
  readonly pollMs: number;
  readonly timeoutMs: number;
}

export interface FixedRateLoad {
  readonly load: SignedLoad;
  readonly ratePerConnection: number;
  readonly connections: number;
}

export interface NodeSession {
  readonly target: NodeTarget;
  readonly version: string;
  readonly repetition: number;
  readonly startSeconds: number;
  readonly saturation: LoadRunResult;
  /** Node process tree CPU seconds over the saturation run, and per 1,000 transactions. */
  readonly nodeCpuSeconds: number;
  readonly nodeCpuMsPerTx: number;
  readonly nodePeakRssMiB: number;
  readonly nodeProcesses: readonly string[];
  readonly fixedRate: LoadRunResult | null;
  /** Empty when everything was accepted, included and accounted for. */
  readonly problems: readonly string[];
  /** With `profile`: the node's CPU profile over the saturation run (verity only), or why there is none. */
  readonly profile: ProfileSummary | string | null;
}

export async function measureNode(
  target: NodeTarget,
  repetition: number,
  saturationLoad: SignedLoad,
  shape: LoadShape,
  fixed: FixedRateLoad | null,
  profile = false,
): Promise<NodeSession> {
  const workDir = mkdtempSync(join(tmpdir(), `verity-bench-${target.id}-`));
  const profileDir = join(workDir, "profile");
  if (profile) mkdirSync(profileDir);
  const t0 = performance.now();
  const node = await startNode(target, workDir, 90_000, profile ? cpuProfileFlags(profileDir) : []);
  const startSeconds = (performance.now() - t0) / 1000;
  const client = new RpcClient(node.url, 4);
  const problems: string[] = [];
  let window: [number, number];
  let session: Omit<NodeSession, "profile">;
  try {
    await fundSenders(client, saturationLoad.senders);
    const before = treeUsage(node.service.pid);
    const from = monotonicMicros();
    const saturation = await runLoad(saturationLoad, { connections: shape.connections, ratePerConnection: null, pollMs: shape.pollMs, timeoutMs: shape.timeoutMs, urls: [node.url] });
    window = [from, monotonicMicros()];
    const after = treeUsage(node.service.pid);
    problems.push(...saturation.problems);
    const nonceProblem = saturation.problems.length === 0 ? await verifyNonces(client, saturationLoad) : null;
    if (nonceProblem) problems.push(nonceProblem);
    let fixedRate: LoadRunResult | null = null;
    if (fixed && problems.length === 0) {
      fixedRate = await runLoad(fixed.load, { connections: fixed.connections, ratePerConnection: fixed.ratePerConnection, pollMs: shape.pollMs, timeoutMs: shape.timeoutMs, urls: [node.url] });
      problems.push(...fixedRate.problems.map((p) => `fixed rate: ${p}`));
      const fixedNonces = fixedRate.problems.length === 0 ? await verifyNonces(client, fixed.load) : null;
      if (fixedNonces) problems.push(`fixed rate: ${fixedNonces}`);
    }
    const cpu = cpuSecondsBetween(before, after);
    session = {
      target,
      version: node.version,
      repetition,
      startSeconds,
      saturation,
      nodeCpuSeconds: cpu,
      nodeCpuMsPerTx: saturation.confirmed > 0 ? (cpu * 1000) / saturation.confirmed : Number.NaN,
      nodePeakRssMiB: after.peakRssMiB,
      nodeProcesses: after.processes.map((p) => p.command),
      fixedRate,
      problems,
    };
  } catch (e) {
    throw new Error(`${target.label}: ${(e as Error).message}\n--- node log tail ---\n${node.service.logTail(1_500)}`, { cause: e });
  } finally {
    client.close();
    await node.service.stop();
    if (!profile) rmSync(workDir, { recursive: true, force: true });
  }
  try {
    return { ...session, profile: profile ? profileOf(profileDir, window) : null };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The saturation window of the profile Node wrote when the node exited, summarized by package. */
function profileOf(dir: string, window: [number, number]): ProfileSummary | string {
  const whole = readCpuProfile(dir);
  if (whole === null) return "the node wrote no CPU profile (it did not exit normally)";
  const sliced = sliceProfile(whole, window[0], window[1]);
  return sliced === null ? "the load window is outside the profile's time range (clocks differ)" : summarizeProfile(sliced, 20);
}
