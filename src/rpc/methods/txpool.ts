// txpool_ namespace (geth's): counts, content grouped by sender (checksummed) and nonce (decimal), and
// the one-line summaries of txpool_inspect.
import type { PooledTransaction, RpcBackend, TxPoolSource } from "../backend/port.js";
import { ErrorCode, RpcError } from "../errors.js";
import { formatTransaction } from "../format.js";
import { type Json, type JsonObject } from "../../util/json.js";
import { checksumAddress, quantity } from "../hex.js";
import { parseAddress, required } from "../params.js";
import { defineMethod, type MethodTable } from "./types.js";

function pool(backend: RpcBackend): TxPoolSource {
  if (backend.txpool === undefined) throw new RpcError(ErrorCode.methodNotFound, "the transaction pool is not available on this node");
  return backend.txpool;
}

/** What a pool transaction pays per gas at most: the gas price, or the EIP-1559 fee cap. */
function priceOf({ tx }: PooledTransaction): bigint {
  return "maxFeePerGas" in tx ? tx.maxFeePerGas : tx.gasPrice;
}

/** geth's txpool_inspect line: "0xTo: 1 wei + 21000 gas × 2000000000 wei". */
function summary(entry: PooledTransaction): string {
  const { tx } = entry;
  const to = tx.to === undefined ? "contract creation" : checksumAddress(tx.to.bytes);
  return `${to}: ${tx.value} wei + ${tx.gasLimit} gas × ${priceOf(entry)} wei`;
}

/** Transactions grouped by nonce (decimal keys, as geth), one sender's. */
function byNonce(txs: PooledTransaction[], show: (entry: PooledTransaction) => Json): JsonObject {
  const out: JsonObject = {};
  for (const entry of txs) out[entry.tx.nonce.toString(10)] = show(entry);
  return out;
}

/** Transactions grouped by sender, then nonce. */
function bySender(txs: PooledTransaction[], show: (entry: PooledTransaction) => Json): JsonObject {
  const groups = new Map<string, PooledTransaction[]>();
  for (const entry of txs) {
    const key = checksumAddress(entry.sender);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [entry]);
    else group.push(entry);
  }
  const out: JsonObject = {};
  for (const [sender, group] of groups) out[sender] = byNonce(group, show);
  return out;
}

const full = (entry: PooledTransaction): Json => formatTransaction(entry.tx, entry.hash, entry.sender, null);

export const txpoolMethods: MethodTable = {
  txpool_status: defineMethod([], (_args, { backend }) => {
    const { pending, queued } = pool(backend).status();
    return { pending: quantity(pending), queued: quantity(queued) };
  }),
  txpool_content: defineMethod([], (_args, { backend }) => {
    const { pending, queued } = pool(backend).content();
    return { pending: bySender(pending, full), queued: bySender(queued, full) };
  }),
  txpool_contentFrom: defineMethod([required("address", parseAddress)], ([address], { backend }) => {
    const { pending, queued } = pool(backend).content(address);
    return { pending: byNonce(pending, full), queued: byNonce(queued, full) };
  }),
  txpool_inspect: defineMethod([], (_args, { backend }) => {
    const { pending, queued } = pool(backend).content();
    return { pending: bySender(pending, summary), queued: bySender(queued, summary) };
  }),
};
