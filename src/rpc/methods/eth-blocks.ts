// eth_ methods that look up blocks, transactions, receipts and uncles. Unknown hashes, numbers and
// indexes give null (the rpc-compat fixtures' "not found" rule).
import type { BlockSelector, BlockWithExtras, RpcBackend, TransactionWithContext } from "../backend/port.js";
import { formatBlock, formatReceipt, formatTransaction, type InclusionContext } from "../format.js";
import { quantity } from "../hex.js";
import { optional, parseBlockNumberOrTag, parseBlockRef, parseBool, parseHash, parseUint64, required } from "../params.js";
import { defineMethod, type MethodTable } from "./types.js";

/**
 * Where a mined transaction sits, with the two values the backend may leave out: the block's
 * timestamp and base fee, read from the including block when missing.
 */
async function inclusionOf(found: TransactionWithContext, backend: RpcBackend): Promise<InclusionContext | null> {
  const location = found.location;
  if (location === null) return null;
  let timestamp = found.blockTimestamp;
  let baseFee = found.blockBaseFee;
  if (timestamp === undefined || baseFee === null) {
    const block = await backend.getBlock({ hash: location.blockHash });
    if (block === null) throw new Error(`block ${quantity(location.blockNumber)} of an indexed transaction is missing`);
    timestamp ??= block.header.timestamp;
    baseFee ??= block.header.baseFeePerGas;
  }
  return { blockHash: location.blockHash, blockNumber: location.blockNumber, blockTimestamp: timestamp, index: location.index, baseFeePerGas: baseFee };
}

/** The transaction at `index` of the selected block, formatted, or null. */
async function transactionAt(backend: RpcBackend, selector: BlockSelector, index: bigint) {
  const block: BlockWithExtras | null = await backend.getBlock(selector);
  if (block === null || index >= BigInt(block.transactions.length)) return null;
  const i = Number(index);
  const tx = block.transactions[i]!;
  const h = block.header;
  const inclusion = { blockHash: block.hash, blockNumber: h.number, blockTimestamp: h.timestamp, index: i, baseFeePerGas: h.baseFeePerGas };
  return formatTransaction(tx, tx.hash(), block.senders?.[i] ?? tx.getSenderAddress().bytes, inclusion);
}

/** All receipts of the selected block, in order, or null for an unknown block. */
async function blockReceipts(backend: RpcBackend, selector: BlockSelector) {
  const block: BlockWithExtras | null = await backend.getBlock(selector);
  if (block === null) return null;
  const receipts = await backend.getReceipts(block.hash);
  if (receipts === null) return null;
  let firstLogIndex = 0;
  return receipts.map((receipt, index) => {
    const tx = block.transactions[index];
    if (tx === undefined) throw new Error(`block ${quantity(block.header.number)} has more receipts than transactions`);
    const entry = {
      receipt,
      tx,
      hash: tx.hash(),
      sender: block.senders?.[index] ?? tx.getSenderAddress().bytes,
      location: { blockHash: block.hash, blockNumber: block.header.number, index },
      firstLogIndex,
      blockTimestamp: block.header.timestamp,
    };
    firstLogIndex += receipt.logs.length;
    return formatReceipt(entry);
  });
}

const index = required("index", parseUint64);

export const ethBlockMethods: MethodTable = {
  eth_getBlockByNumber: defineMethod(
    [required("block", parseBlockNumberOrTag), required("fullTransactions", parseBool)],
    async ([selector, full], { backend }) => {
      const block = await backend.getBlock(selector);
      return block === null ? null : formatBlock(block, full);
    },
  ),
  eth_getBlockByHash: defineMethod(
    [required("blockHash", parseHash), required("fullTransactions", parseBool)],
    async ([hash, full], { backend }) => {
      const block = await backend.getBlock({ hash });
      return block === null ? null : formatBlock(block, full);
    },
  ),
  eth_getBlockTransactionCountByNumber: defineMethod(
    [optional("block", parseBlockNumberOrTag, "latest")],
    async ([selector], { backend }) => {
      const block = await backend.getBlock(selector);
      return block === null ? null : quantity(block.transactions.length);
    },
  ),
  eth_getBlockTransactionCountByHash: defineMethod([required("blockHash", parseHash)], async ([hash], { backend }) => {
    const block = await backend.getBlock({ hash });
    return block === null ? null : quantity(block.transactions.length);
  }),
  eth_getBlockReceipts: defineMethod([required("block", parseBlockRef)], ([selector], { backend }) => blockReceipts(backend, selector)),

  eth_getTransactionByHash: defineMethod([required("transactionHash", parseHash)], async ([hash], { backend }) => {
    const found = await backend.getTransaction(hash);
    if (found === null) return null;
    return formatTransaction(found.tx, found.hash, found.sender, await inclusionOf(found, backend));
  }),
  eth_getTransactionByBlockHashAndIndex: defineMethod([required("blockHash", parseHash), index], ([hash, i], { backend }) =>
    transactionAt(backend, { hash }, i),
  ),
  eth_getTransactionByBlockNumberAndIndex: defineMethod([required("block", parseBlockNumberOrTag), index], ([selector, i], { backend }) =>
    transactionAt(backend, selector, i),
  ),
  eth_getTransactionReceipt: defineMethod([required("transactionHash", parseHash)], async ([hash], { backend }) => {
    const found = await backend.getReceipt(hash);
    return found === null ? null : formatReceipt(found);
  }),

  // Proof-of-stake blocks have no uncles: counts are 0 for known blocks, lookups always null.
  eth_getUncleCountByBlockHash: defineMethod([required("blockHash", parseHash)], async ([hash], { backend }) =>
    (await backend.getBlock({ hash })) === null ? null : "0x0",
  ),
  eth_getUncleCountByBlockNumber: defineMethod([optional("block", parseBlockNumberOrTag, "latest")], async ([selector], { backend }) =>
    (await backend.getBlock(selector)) === null ? null : "0x0",
  ),
  eth_getUncleByBlockHashAndIndex: defineMethod([required("blockHash", parseHash), index], () => null),
  eth_getUncleByBlockNumberAndIndex: defineMethod([required("block", parseBlockNumberOrTag), index], () => null),
};
