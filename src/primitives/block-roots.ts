// The header's Merkle roots over a block's transactions and receipts (Ethereum's ordered tries).
import { encodeConsensusReceipt, serializeTransaction } from "./encoding.js";
import { orderedTrieRoot } from "./trie.js";
import type { Block, Hash32, TxReceipt } from "./types.js";

export function transactionsRoot(block: Pick<Block, "transactions">): Hash32 {
  return orderedTrieRoot(block.transactions.map(serializeTransaction));
}

export function receiptsRoot(receipts: readonly TxReceipt[]): Hash32 {
  return orderedTrieRoot(receipts.map(encodeConsensusReceipt));
}
