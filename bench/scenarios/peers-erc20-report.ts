// The ERC-20 part of the `peers` report: per node, the ERC-20 load's saturation figures, and the
// verity / peer ratios with the target (ERC-20 at least 1.0x anvil), all from the same run.
import type { NodeTarget } from "../harness/nodes.js";
import type { Table } from "../harness/results.js";
import { fmt } from "../harness/stats.js";
import { type CompleteRun, figuresRow, type LoadFigures, loadFigures, ratioRows } from "./peers-figures.js";
import type { Erc20Run, NodeSession } from "./peers-run.js";

/** The target for ERC-20 transfers, as verity/peer TPS ratios. */
const ERC20_TARGETS: Partial<Record<NodeTarget["kind"], number>> = { anvil: 1.0 };

type CompleteErc20Run = Erc20Run & CompleteRun;
const complete = (e: Erc20Run): e is CompleteErc20Run => e.saturation !== null && e.problems.length === 0;

function howFar(e: Erc20Run): string {
  const s = e.saturation;
  if (s === null) return "setup failed";
  if (s.confirmed < s.txsPlanned) return `${fmt(s.confirmed)} of ${fmt(s.txsPlanned)} included`;
  return `all ${fmt(s.confirmed)} included, but ${e.problems[0] ?? "a problem"}`;
}

/** The ERC-20 load's figures over a target's sessions (those that ran one). */
export function summarizeErc20(target: NodeTarget, sessions: readonly NodeSession[]): LoadFigures {
  const runs = sessions.flatMap((s) => (s.erc20 ? [s.erc20] : []));
  return loadFigures(target, sessions[0]?.version ?? "-", runs.filter(complete), runs.length, runs.filter((e) => !complete(e)).map(howFar));
}

export function erc20Table(summaries: readonly LoadFigures[], txs: number, senders: number, connections: number, onEthNode = false): Table {
  const runs = Math.max(0, ...summaries.map((s) => s.attempted));
  return {
    title: `ERC-20 saturation: ${fmt(txs)} pre-signed transfer calls on the OpenZeppelin ERC-20, each to a fresh holder, ${senders} senders of their own, ${connections} connections, ${onEthNode ? "on the ETH session's node after its ETH loads" : "each run on a fresh node of its own"} (median of ${runs} runs, min–max)`,
    columns: ["node", "version", "mining", "TPS", "accepted tx/s", "latency p50 ms", "p95 ms", "p99 ms", "node CPU ms/tx", "load-gen CPU s", "runs ok"],
    rows: summaries.map((s) => figuresRow(s)),
  };
}

export const erc20RatioRows = (summaries: readonly LoadFigures[]): string[][] => ratioRows(summaries, ERC20_TARGETS);

export function erc20RatioTable(summaries: readonly LoadFigures[]): Table {
  return {
    title: "ERC-20: verity / peer, same run (medians): TPS above 1 is better for verity; latency and CPU below 1 are",
    columns: ["mining", "peer", "TPS", "latency p50", "latency p95", "CPU per tx", "target"],
    rows: erc20RatioRows(summaries),
  };
}
export const erc20Note = (onEthNode: boolean): string =>
  `ERC-20 load: ${onEthNode ? "after the ETH loads on the same node (quick runs save a node start so)" : "after each ETH session, a session of its own against a fresh node of the same target (so a peer the ETH load left stalled does not decide it)"}: a bench-owned deployer (funded from the dev accounts) deploys the OpenZeppelin ERC-20 over JSON-RPC (its nonce 0, so the token has the same address everywhere and the transfers are signed before any node starts) and gives each of the ERC-20 senders (accounts of their own, funded with ETH) its tokens; that setup is untimed. The timed part is the pre-signed EIP-1559 \`transfer\` calls (chain id 31337, gas limit 65,000, the ETH load's fee caps), measured like the ETH load; node CPU is the process tree's over the transfers only. After it every ERC-20 sender's nonce and token balance are checked, so a transfer that was lost or reverted leaves the run out of the figures.`;
