// What the chain analytics read of the chain: the head, canonical blocks by number, a block's
// receipts and the genesis parameters (for the base fee rule). Chain (chain/chain.ts) satisfies it
// as it is; tests hand in a few blocks of their own.
import type { Block, ChainParams, Hash32, TxReceipt } from "../../primitives/types.js";

export interface ChainReader {
  readonly head: Block;
  readonly genesis: { readonly params: ChainParams };
  /** The canonical block at `number`, null past the head. */
  getBlockByNumber(number: bigint): Promise<Block | null>;
  /** A block's receipts in transaction order, null for an unknown block. */
  getReceipts(blockHash: Hash32): Promise<TxReceipt[] | null>;
}
