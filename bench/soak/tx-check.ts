// The end-of-run check of the load's transactions on the RPC node: each sender's accepted nonces are
// contiguous from 0; every accepted transaction below the sender's nonce has a receipt (included),
// every one at or above it is still in the pool (pending); anything else vanished.
import type { SignedLoad } from "../harness/load-txs.js";
import type { ChainWatch } from "./chain-watch.js";
import type { ClusterNode } from "./cluster.js";
import type { AcceptedTx } from "./steady-load.js";

export interface TxOutcome {
  readonly accepted: number;
  readonly included: number;
  readonly pending: number;
  readonly vanished: number;
  /** Accepted on a retry after the node had already taken it (a lost answer). */
  readonly acceptedOnRetry: number;
}

const CHUNK = 400;

export async function checkTransactions(watch: ChainWatch, rpc: ClusterNode, accepted: readonly AcceptedTx[], load: SignedLoad): Promise<TxOutcome> {
  const client = watch.patientClient(rpc.name);
  const counts = await client.batch<string>(load.senders.map((s) => ({ method: "eth_getTransactionCount", params: [s.address, "latest"] })));
  const bySender = load.senders.map(() => [] as AcceptedTx[]);
  for (const a of accepted) bySender[a.tx.sender]!.push(a);
  const toLookUp: { a: AcceptedTx; included: boolean }[] = [];
  bySender.forEach((list, s) => {
    list.sort((x, y) => x.tx.nonce - y.tx.nonce);
    list.forEach((a, k) => {
      if (a.tx.nonce !== k) watch.violate("nonces", `sender ${s}: accepted nonces are not contiguous (position ${k} holds nonce ${a.tx.nonce})`);
    });
    const count = Number(BigInt(counts[s]!));
    if (count > list.length) watch.violate("nonces", `sender ${s} has nonce ${count} on chain but only ${list.length} transactions were accepted`);
    for (const a of list) toLookUp.push({ a, included: a.tx.nonce < count });
  });
  let included = 0;
  let pending = 0;
  let vanished = 0;
  const vanish = (a: AcceptedTx, why: string) => {
    vanished++;
    watch.violate("no-vanished-tx", `sender ${a.tx.sender} nonce ${a.tx.nonce} (${a.tx.hash}): ${why}`);
  };
  for (let i = 0; i < toLookUp.length; i += CHUNK) {
    const chunk = toLookUp.slice(i, i + CHUNK);
    const got = await client.batch<{ blockHash: string | null; blockNumber: string | null } | null>(chunk.map((c) => ({ method: "eth_getTransactionByHash", params: [c.a.tx.hash] })));
    // In a block, but the watch kept no receipt for it (it fetched receipts while the node was
    // down, say): that is a gap of the watch, not a lost transaction. Ask for the receipt now.
    const unwatched: { a: AcceptedTx; blockHash: string }[] = [];
    chunk.forEach((c, k) => {
      const t = got[k];
      const inBlock = t != null && t.blockHash !== null;
      if (c.included && inBlock && watch.receipts.has(c.a.tx.hash)) included++;
      else if (c.included && inBlock) unwatched.push({ a: c.a, blockHash: t.blockHash! });
      else if (!c.included && t != null && !inBlock) pending++;
      else vanish(c.a, t == null ? "unknown to the RPC node" : inBlock ? "in a block though the sender's nonce is not past it" : "pending though the sender's nonce is past it");
    });
    if (unwatched.length === 0) continue;
    const receipts = await client.batch<{ blockHash: string } | null>(unwatched.map((u) => ({ method: "eth_getTransactionReceipt", params: [u.a.tx.hash] })));
    unwatched.forEach((u, k) => {
      const r = receipts[k];
      if (r != null && r.blockHash === u.blockHash) included++;
      else vanish(u.a, r == null ? "in a block that has no receipt for it" : `its receipt names block ${r.blockHash}, the transaction block ${u.blockHash}`);
    });
  }
  return { accepted: accepted.length, included, pending, vanished, acceptedOnRetry: accepted.filter((a) => a.how !== "hash").length };
}
