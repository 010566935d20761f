// LOCAL EXTENSIONS of the backend interface (src/rpc/backend.ts, owned by the lead).
//
// backend.ts does not (yet) carry a few values Ethereum's JSON shapes want. Each extension below is an
// OPTIONAL field the node may add to the objects it already returns; rpc/ uses it when present and
// falls back to what it can do without it (documented per field). When the lead adds these to
// backend.ts itself, this file shrinks to re-exports.
import type { Address20, Block } from "../chain/types.js";
import type { LogQuery, LogWithContext, ReceiptWithContext, TransactionWithContext } from "./backend.js";

export interface BlockExtras {
  /**
   * Length in bytes of the block's canonical encoding (Ethereum's `size`). Fallback: rpc/ measures
   * the RLP of [header fields in BlockHeader's declared order, transactions] (format.ts).
   */
  size?: number;
  /** Senders of `transactions`, in order. Fallback: tx.getSenderAddress() (cached per tx by ethereumjs). */
  senders?: Address20[];
}
export type BlockWithExtras = Block & BlockExtras;

/** Timestamp of the including block. Fallback for transactions: one getBlock by hash (the spec requires
 * blockTimestamp on mined transactions); for logs and receipts: the field is omitted (optional there). */
export type TransactionWithExtras = TransactionWithContext & { blockTimestamp?: bigint };
export type ReceiptWithExtras = ReceiptWithContext & { blockTimestamp?: bigint };
export type LogWithExtras = LogWithContext & { blockTimestamp?: bigint };

/**
 * rpc/ caps eth_getLogs results; `limit` tells the backend it may stop after that many matches (it
 * should return limit + 1 when more exist, so rpc/ can tell "exactly the cap" from "over the cap").
 * Fallback: a backend that ignores it returns everything and rpc/ checks the count afterwards.
 */
export type LogQueryWithLimit = LogQuery & { limit?: number };
