// One measured session against one node: start it fresh, fund the load senders (untimed), run the
// saturation load and read the node's CPU time and peak RSS around it, optionally a fixed-rate load
// after it, check every sender's final nonce, stop the node. The ERC-20 load (token deployed and
// senders given tokens untimed, the transfers timed and the node's CPU read around them, nonces and
// token balances checked) runs in a session of its own on another fresh node, or, to keep quick
// runs short, on the same node after the ETH loads.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProfileSummary, summarizeProfile } from "../lib/cpu-profile.js";
import { type Erc20Load, setupToken, verifyTokenBalances } from "../harness/erc20-load.js";
import { fundSenders, type SignedLoad, verifyNonces } from "../harness/load-txs.js";
import { type LoadRunResult, runLoad } from "../harness/loadgen.js";
import { type NodeTarget, type RunningNode, startNode } from "../harness/nodes.js";
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

/** The ERC-20 load's saturation run on a session's node. */
export interface Erc20Run {
  /** Null when the setup (deployment, token funding) failed: the reason is in `problems`. */
  readonly saturation: LoadRunResult | null;
  /** Node process tree CPU seconds over the ERC-20 saturation run, and per transaction (ms). */
  readonly nodeCpuSeconds: number;
  readonly nodeCpuMsPerTx: number;
  /** Untimed setup: ETH for gas, the deployment, the senders' tokens. */
  readonly setupSeconds: number;
  /** Empty when every transfer was accepted, included and ran (nonces and token balances checked). */
  readonly problems: readonly string[];
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
  /** The ERC-20 load's session on a fresh node of the same target, when the scenario runs one. */
  readonly erc20: Erc20Run | null;
}

interface Measured {
  readonly result: LoadRunResult;
  readonly cpuSeconds: number;
  readonly cpuMsPerTx: number;
  readonly peakRssMiB: number;
  readonly processes: readonly string[];
  readonly window: [number, number];
}

/** A saturation run of `load` with the node's process tree CPU time read around it. */
async function saturate(node: RunningNode, load: SignedLoad, shape: LoadShape): Promise<Measured> {
  const before = treeUsage(node.service.pid);
  const from = monotonicMicros();
  const result = await runLoad(load, { connections: shape.connections, ratePerConnection: null, pollMs: shape.pollMs, timeoutMs: shape.timeoutMs, urls: [node.url] });
  const window: [number, number] = [from, monotonicMicros()];
  const after = treeUsage(node.service.pid);
  const cpuSeconds = cpuSecondsBetween(before, after);
  return {
    result,
    cpuSeconds,
    cpuMsPerTx: result.confirmed > 0 ? (cpuSeconds * 1000) / result.confirmed : Number.NaN,
    peakRssMiB: after.peakRssMiB,
    processes: after.processes.map((p) => p.command),
    window,
  };
}

/** The ERC-20 part of a session; a failed setup is a problem of this run, not of the session's ETH figures. */
async function measureErc20(node: RunningNode, client: RpcClient, e: Erc20Load, shape: LoadShape): Promise<Erc20Run> {
  const t0 = performance.now();
  try {
    await setupToken(client, e);
  } catch (err) {
    return { saturation: null, nodeCpuSeconds: Number.NaN, nodeCpuMsPerTx: Number.NaN, setupSeconds: (performance.now() - t0) / 1000, problems: [`ERC-20 setup: ${(err as Error).message}`] };
  }
  const setupSeconds = (performance.now() - t0) / 1000;
  const m = await saturate(node, e.load, shape);
  const problems = [...m.result.problems];
  if (problems.length === 0) {
    const lost = (await verifyNonces(client, e.load)) ?? (await verifyTokenBalances(client, e));
    if (lost) problems.push(lost);
  }
  return { saturation: m.result, nodeCpuSeconds: m.cpuSeconds, nodeCpuMsPerTx: m.cpuMsPerTx, setupSeconds, problems };
}

/** Starts `target` fresh in `workDir`, runs `body` against it and stops it; an error carries the node's log tail. */
async function onFreshNode<T>(target: NodeTarget, workDir: string, nodeFlags: readonly string[], body: (node: RunningNode, client: RpcClient, startSeconds: number) => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const node = await startNode(target, workDir, 90_000, nodeFlags);
  const startSeconds = (performance.now() - t0) / 1000;
  const client = new RpcClient(node.url, 4);
  try {
    return await body(node, client, startSeconds);
  } catch (e) {
    throw new Error(`${target.label}: ${(e as Error).message}\n--- node log tail ---\n${node.service.logTail(1_500)}`, { cause: e });
  } finally {
    client.close();
    await node.service.stop();
  }
}

export async function measureNode(
  target: NodeTarget,
  repetition: number,
  saturationLoad: SignedLoad,
  shape: LoadShape,
  fixed: FixedRateLoad | null,
  profile = false,
  erc20AfterEth: Erc20Load | null = null,
): Promise<NodeSession> {
  const workDir = mkdtempSync(join(tmpdir(), `verity-bench-${target.id}-`));
  const profileDir = join(workDir, "profile");
  if (profile) mkdirSync(profileDir);
  try {
    const { session, window } = await onFreshNode(target, workDir, profile ? cpuProfileFlags(profileDir) : [], async (node, client, startSeconds) => {
      const problems: string[] = [];
      await fundSenders(client, saturationLoad.senders);
      const m = await saturate(node, saturationLoad, shape);
      const saturation = m.result;
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
      const session = {
        target,
        version: node.version,
        repetition,
        startSeconds,
        saturation,
        nodeCpuSeconds: m.cpuSeconds,
        nodeCpuMsPerTx: m.cpuMsPerTx,
        nodePeakRssMiB: m.peakRssMiB,
        nodeProcesses: m.processes,
        fixedRate,
        problems,
        erc20: erc20AfterEth ? await measureErc20(node, client, erc20AfterEth, shape) : null,
      };
      return { session, window: m.window };
    });
    // Node writes the CPU profile when the node exits, so it is read after the stop.
    return { ...session, profile: profile ? profileOf(profileDir, window) : null };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The ERC-20 load's session: a fresh node of its own, so a peer the ETH load left stalled or full does not decide it. */
export async function measureErc20Session(target: NodeTarget, e: Erc20Load, shape: LoadShape): Promise<Erc20Run> {
  const workDir = mkdtempSync(join(tmpdir(), `verity-bench-${target.id}-erc20-`));
  try {
    return await onFreshNode(target, workDir, [], (node, client) => measureErc20(node, client, e, shape));
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
