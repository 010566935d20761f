// Scenario `peers`: the same load generator, in the same run, against verity and the local nodes
// people use instead (anvil, Hardhat 2's node, Ganache 7), each with instant mining and with 1 s
// blocks. Every session starts a fresh node; repetitions interleave the targets so drift in the
// machine's load hits all of them alike. Ratios are verity / peer, taken from this run's medians.
// Each ETH session is followed by an ERC-20 session against a fresh node of the same target (in
// quick runs, the ERC-20 load follows the ETH loads on the same node).
import { signErc20Load } from "../harness/erc20-load.js";
import { signLoad } from "../harness/load-txs.js";
import { type NodeKind, type NodeTarget, target } from "../harness/nodes.js";
import { Progress } from "../harness/progress.js";
import type { ScenarioOutput } from "../harness/results.js";
import { type BenchOptions, pick, type Scenario } from "../harness/scenario.js";
import { summarizeProblems } from "../harness/stats.js";
import { peersOutput, type ProfiledRun, type TargetRows } from "./peers-report.js";
import { type FixedRateLoad, measureErc20Session, measureNode, type NodeSession } from "./peers-run.js";

const KINDS: readonly NodeKind[] = ["verity", "anvil", "hardhat", "ganache"];

export function parseTargets(kinds: readonly string[], blockTimes: readonly number[], gasLimit?: bigint): NodeTarget[] {
  for (const k of kinds) if (!KINDS.includes(k as NodeKind)) throw new Error(`unknown peer "${k}"; one of ${KINDS.join(", ")}`);
  const ordered = ["verity", ...kinds.filter((k) => k !== "verity")] as NodeKind[];
  return ordered.flatMap((k) => blockTimes.map((bt) => target(k, bt, gasLimit)));
}

/** Rough seconds per session, for the ETA: node start plus the load at a guessed rate. */
function expectedSeconds(t: NodeTarget, txs: number, erc20Txs: number, erc20OnEthNode: boolean, fixedSeconds: number): number {
  const start: Record<NodeKind, number> = { verity: 5, anvil: 1, hardhat: 3, ganache: 2 };
  const tps: Record<NodeKind, number> = { verity: 300, anvil: 1000, hardhat: 700, ganache: 200 };
  const erc20 = erc20Txs > 0 ? (erc20OnEthNode ? 0 : start[t.kind]) + 2 + t.blockTime + (erc20Txs * 2) / tps[t.kind] : 0;
  return start[t.kind] + 2 + txs / tps[t.kind] + t.blockTime + fixedSeconds + erc20;
}

export const peersScenario: Scenario = {
  name: "peers",
  summary: "load generator over JSON-RPC against verity, anvil, Hardhat and Ganache (automine and 1 s blocks)",
  async run(o: BenchOptions): Promise<ScenarioOutput> {
    const kinds = pick(o.peers, o.quick, ["verity", "anvil"], [...KINDS]);
    const blockTimes = pick(o.blockTimes, o.quick, [0], [0, 1]);
    const senders = o.senders ?? 32;
    const connections = Math.min(o.connections ?? 32, senders);
    const requested = pick(o.txs, o.quick, 320, 5_000);
    const txs = Math.ceil(requested / senders) * senders; // whole rounds, so each sender's next nonce is known
    const erc20Txs = Math.ceil(pick(o.erc20Txs, o.quick, 64, 5_000) / senders) * senders;
    const runs = pick(o.runs, o.quick, 1, 3);
    const ratePerConnection = pick(o.rate, o.quick, 4, 8);
    const fixedSeconds = pick(o.duration, o.quick, 2, 10);
    const fixedTxs = Math.ceil((ratePerConnection * connections * fixedSeconds) / senders) * senders;
    const targets = parseTargets(kinds, blockTimes, o.gasLimit);

    const saturationLoad = signLoad(senders, txs);
    const fixed: FixedRateLoad = { load: signLoad(senders, fixedTxs, txs / senders), ratePerConnection, connections };
    const erc20 = erc20Txs > 0 ? signErc20Load(senders, erc20Txs) : null;
    // A fresh node per ERC-20 run, so a peer the ETH load left stalled does not decide it; quick runs
    // save that node's start and use the ETH session's node.
    const erc20OnEthNode = o.quick;
    const signSeconds = saturationLoad.signSeconds + fixed.load.signSeconds + (erc20?.load.signSeconds ?? 0);
    const shape = { connections, pollMs: 10, timeoutMs: Math.max(60_000, Math.max(txs, erc20Txs) * 40) };
    const perSession = (t: NodeTarget, rep: number) => expectedSeconds(t, txs, erc20Txs, erc20OnEthNode, rep === 0 ? fixedSeconds : 0);
    const progress = new Progress("peers", targets.reduce((s, t) => s + Array.from({ length: runs }, (_, r) => perSession(t, r)).reduce((a, b) => a + b, 0), 0));
    progress.log(`peers: signed ${txs + fixedTxs} ETH transfers${erc20 ? ` and ${erc20Txs} ERC-20 transfers` : ""} from ${senders} senders each in ${signSeconds.toFixed(1)} s (untimed)`);

    const sessions: NodeSession[] = [];
    let profile: ProfiledRun | null = null;
    const failures: { target: string; repetition: number; error: string }[] = [];
    try {
      for (let rep = 0; rep < runs; rep++) {
        for (const t of targets) {
          progress.begin(`${t.label} run ${rep + 1}/${runs}`);
          try {
            const s0 = await measureNode(t, rep, saturationLoad, shape, rep === 0 ? fixed : null, false, erc20OnEthNode ? erc20 : null);
            let s = s0;
            if (erc20 && !erc20OnEthNode) {
              // A session that cannot run is a failure of its own: the ETH figures above stand.
              try {
                s = { ...s0, erc20: await measureErc20Session(t, erc20, shape) };
              } catch (e) {
                failures.push({ target: `${t.id} ERC-20`, repetition: rep, error: (e as Error).message });
              }
            }
            sessions.push(s);
            const sat = s.saturation;
            const e = s.erc20;
            progress.log(
              `  ${t.label} run ${rep + 1}: ${sat.tps.toFixed(0)} tx/s, latency p50 ${sat.latencyMs.p50.toFixed(0)} ms p95 ${sat.latencyMs.p95.toFixed(0)} ms, node CPU ${s.nodeCpuMsPerTx.toFixed(2)} ms/tx, peak RSS ${s.nodePeakRssMiB.toFixed(0)} MiB` +
                (s.fixedRate ? `; fixed ${s.fixedRate.offeredTps} tx/s offered: ${s.fixedRate.tps.toFixed(0)} tx/s, p95 ${s.fixedRate.latencyMs.p95.toFixed(0)} ms` : "") +
                (s.problems.length > 0 ? `; LEFT OUT: ${summarizeProblems(s.problems)}` : "") +
                (e === null ? "" : e.saturation === null || e.problems.length > 0 ? `; ERC-20 LEFT OUT: ${summarizeProblems(e.problems)}` : `; ERC-20: ${e.saturation.tps.toFixed(0)} tx/s, p95 ${e.saturation.latencyMs.p95.toFixed(0)} ms, node CPU ${e.nodeCpuMsPerTx.toFixed(2)} ms/tx`),
            );
          } catch (e) {
            const error = (e as Error).message;
            failures.push({ target: t.id, repetition: rep, error });
            progress.log(`  ! ${t.label} run ${rep + 1} failed: ${error.split("\n")[0]}`);
          }
          progress.advance(perSession(t, rep));
        }
      }
      // What bounds verity: one extra session (not in the figures) with the node's CPU profile.
      const profiled = targets.find((t) => t.kind === "verity");
      if (profiled && (o.profile || !o.quick)) {
        progress.begin(`${profiled.label}: one profiled run (not in the figures)`);
        try {
          profile = { target: profiled, session: await measureNode(profiled, runs, saturationLoad, shape, null, true) };
        } catch (e) {
          failures.push({ target: profiled.id, repetition: runs, error: `profiled run: ${(e as Error).message}` });
        }
      }
    } finally {
      progress.stop();
    }
    const rows: TargetRows[] = targets.map((t) => ({ target: t, sessions: sessions.filter((s) => s.target.id === t.id) }));
    return peersOutput(
      { ...o, peers: kinds, blockTimes, senders, connections, txs, erc20Txs, erc20Node: erc20OnEthNode ? "the ETH session's" : "fresh", runs, ratePerConnection, fixedSeconds, fixedTxs, pollMs: shape.pollMs },
      rows,
      failures,
      signSeconds,
      profile,
    );
  },
};
