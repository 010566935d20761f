// `verity status --rpc URL`: a running node's picture in a terminal, read over its JSON-RPC port
// (eth_blockNumber, eth_getBlockByNumber, net_peerCount, eth_syncing, txpool_status) and its /ready
// probe (readiness, the validator keys it runs). A part the node does not serve (a namespace left out
// of --http.api) is shown as unavailable rather than failing the whole command.
import type { ReadinessReport } from "../metrics/index.js";

export interface NodeStatus {
  url: string;
  clientVersion: string | null;
  chainId: bigint | null;
  head: { number: bigint; hash: string; timestamp: bigint };
  peers: bigint | null;
  syncing: false | { startingBlock: bigint; currentBlock: bigint; highestBlock: bigint } | null;
  pool: { pending: bigint; queued: bigint } | null;
  ready: ReadinessReport | null;
}

class RpcUnavailable extends Error {}

async function call<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new RpcUnavailable(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** The result, or null when the node answers that call with an error. */
async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof RpcUnavailable) return null;
    throw e;
  }
}

export async function fetchStatus(url: string): Promise<NodeStatus> {
  const base = url.replace(/\/+$/, "");
  const [block, clientVersion, chainId, peers, syncing, pool, ready] = await Promise.all([
    call<{ number: string; hash: string; timestamp: string }>(base, "eth_getBlockByNumber", ["latest", false]).catch((e: Error) => {
      throw new Error(`cannot read the head from ${base}: ${e.cause instanceof Error ? e.cause.message : e.message}`);
    }),
    optional(call<string>(base, "web3_clientVersion")),
    optional(call<string>(base, "eth_chainId")),
    optional(call<string>(base, "net_peerCount")),
    optional(call<false | { startingBlock: string; currentBlock: string; highestBlock: string }>(base, "eth_syncing")),
    optional(call<{ pending: string; queued: string }>(base, "txpool_status")),
    fetch(`${base}/ready`)
      .then(async (r) => (r.status === 200 || r.status === 503 ? ((await r.json()) as ReadinessReport) : null))
      .catch(() => null),
  ]);
  return {
    url: base,
    clientVersion,
    chainId: chainId === null ? null : BigInt(chainId),
    head: { number: BigInt(block.number), hash: block.hash, timestamp: BigInt(block.timestamp) },
    peers: peers === null ? null : BigInt(peers),
    syncing:
      syncing === null
        ? null
        : syncing === false
          ? false
          : { startingBlock: BigInt(syncing.startingBlock), currentBlock: BigInt(syncing.currentBlock), highestBlock: BigInt(syncing.highestBlock) },
    pool: pool === null ? null : { pending: BigInt(pool.pending), queued: BigInt(pool.queued) },
    ready,
  };
}

const UNAVAILABLE = "unavailable";

/** The picture as aligned lines, for a terminal. */
export function formatStatus(s: NodeStatus, nowSeconds = BigInt(Math.floor(Date.now() / 1000))): string {
  const age = nowSeconds - s.head.timestamp;
  const rows: [string, string][] = [
    ["Node", `${s.url}${s.clientVersion ? ` (${s.clientVersion})` : ""}`],
    ["Chain ID", s.chainId === null ? UNAVAILABLE : `${s.chainId}`],
    ["Head", `#${s.head.number} ${s.head.hash} (${age >= 0n ? `${age} s ago` : "in the future"})`],
    ["Peers", s.peers === null ? UNAVAILABLE : `${s.peers}`],
    [
      "Syncing",
      s.syncing === null
        ? UNAVAILABLE
        : s.syncing === false
          ? "no"
          : `yes: block ${s.syncing.currentBlock} of ${s.syncing.highestBlock} (from ${s.syncing.startingBlock})`,
    ],
    ["Pool", s.pool === null ? UNAVAILABLE : `${s.pool.pending} pending, ${s.pool.queued} queued`],
    [
      "Validators",
      s.ready === null
        ? UNAVAILABLE
        : `${s.ready.validators.setSize} in the set; this node runs ${s.ready.validators.held} key(s), ${s.ready.validators.active} in the set`,
    ],
    ["Ready", s.ready === null ? UNAVAILABLE : s.ready.status === "ready" ? "yes" : `no: ${s.ready.reasons.map((r) => r.message).join("; ")}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join("\n") + "\n";
}
