// eth_ methods that look up blocks, transactions and receipts. Unknown hashes and numbers give null.
import type { RpcBackend } from "../backend.js";
import type { BlockWithExtras, ReceiptWithExtras, TransactionWithExtras } from "../backend-ext.js";
import { formatBlock, formatReceipt, formatTransaction, type InclusionContext } from "../format.js";
import { quantity } from "../hex.js";
import { optional, parseBlockNumberOrTag, parseBool, parseHash, required } from "../params.js";
import { defineMethod, type MethodTable } from "./types.js";

/**
 * Where a mined transaction sits, with the two values the backend may leave out (backend-ext.ts):
 * the block's timestamp and base fee, read from the including block when missing.
 */
async function inclusionOf(found: TransactionWithExtras, backend: RpcBackend): Promise<InclusionContext | null> {
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

export const ethBlockMethods: MethodTable = {
  eth_getBlockByNumber: defineMethod(
    [required("block", parseBlockNumberOrTag), required("fullTransactions", parseBool)],
    async ([selector, full], { backend }) => {
      const block: BlockWithExtras | null = await backend.getBlock(selector);
      return block === null ? null : formatBlock(block, full);
    },
  ),
  eth_getBlockByHash: defineMethod(
    [required("blockHash", parseHash), required("fullTransactions", parseBool)],
    async ([hash, full], { backend }) => {
      const block: BlockWithExtras | null = await backend.getBlock({ hash });
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

  eth_getTransactionByHash: defineMethod([required("transactionHash", parseHash)], async ([hash], { backend }) => {
    const found: TransactionWithExtras | null = await backend.getTransaction(hash);
    if (found === null) return null;
    return formatTransaction(found.tx, found.hash, found.sender, await inclusionOf(found, backend));
  }),
  eth_getTransactionReceipt: defineMethod([required("transactionHash", parseHash)], async ([hash], { backend }) => {
    const found: ReceiptWithExtras | null = await backend.getReceipt(hash);
    return found === null ? null : formatReceipt(found);
  }),
};
