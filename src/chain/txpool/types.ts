// The transaction pool's public data shapes: its configuration, what it holds about a pooled
// transaction, and what admission and block re-validation report back to the node.
import type { TypedTransaction } from "@ethereumjs/tx";
import type { TxPoolError } from "./errors.js";
import type { AccountState } from "../../primitives/types.js";


export interface TxPoolConfig {
  chainId: bigint;
  /** The chain's block gas limit; a tx asking for more can never be included. */
  blockGasLimit: bigint;
  /** EIP-7825 (Osaka) per-transaction gas cap, 2^24; null disables the check. */
  maxTxGas: bigint | null;
  /**
   * Lowest priority fee (legacy/2930: gas price) admitted. Default 0: the base fee, which never
   * falls below the chain's minBaseFee, already prices spam, and wallets that follow a node
   * suggesting a zero tip must not be refused (anvil accepts any tip too; geth's own default is
   * 1 wei). A public validator may raise it, e.g. to 1 gwei.
   */
  minTip: bigint;
  /**
   * The chain's minimum base fee (ChainParams.minBaseFee): a tx whose max fee is below it can never
   * be included, so it is refused. A max fee below the *current* base fee is admitted: it waits.
   */
  minBaseFee: bigint;
  /** Percent by which both fee cap and tip must rise to replace a tx of the same sender and nonce. */
  priceBump: bigint;
  /**
   * Capacity of the whole pool (pending + queued) in 32 KiB slots, geth's unit: most txs take one.
   * geth's pool is full at GlobalSlots + GlobalQueue, which is what --txpool.globalslots and
   * --txpool.globalqueue set this to. A newcomer to a full pool must outbid its cheapest
   * transactions, else it is refused ("transaction underpriced", as geth words it).
   */
  maxSlots: number;
  /**
   * Executable (pending) transactions kept after a block (--txpool.globalslots). Past it, the
   * senders with the most pending transactions lose their highest nonces, down to
   * minPendingPerSender each (geth's truncatePending). It runs after each committed block; geth
   * also runs it after each batch of admissions, so between blocks pending may grow here up to
   * maxSlots, the whole pool's capacity, which bounds memory either way.
   */
  maxPending: number;
  /** Pending transactions a sender always keeps when pending is cut back (--txpool.accountslots). */
  minPendingPerSender: number;
  /** Most non-executable (queued) transactions held in total (--txpool.globalqueue), and per sender
   * (--txpool.accountqueue). */
  maxQueued: number;
  maxQueuedPerSender: number;
  /** Largest encoded transaction admitted (geth's txMaxSize, 128 KiB). */
  maxTxSize: number;
  /**
   * Whether legacy transactions without EIP-155 replay protection are admitted. geth's pool takes
   * them (its RPC layer refuses them unless --rpc.allow-unprotected-txs); pre-signed deployment
   * transactions (e.g. the CREATE2 factory) need them.
   */
  allowUnprotected: boolean;
}

/**
 * geth's limits where they do not refuse what a dev chain is sent (accountslots 16, globalqueue
 * 1,024, accountqueue 64, pricebump 10 %), and a larger pending budget: geth's 5,120 (and the 8,192
 * slots this pool had before) refused part of a 40,000-transfer burst from 32 senders at 1 s blocks,
 * which anvil and Hardhat take whole. 65,536 pending transfers hold ~45 s of the fastest block
 * production measured here and cost ~150 MB at most (a pooled transfer is ~2 KB of decoded objects).
 */
export const DEFAULT_TXPOOL_LIMITS = {
  globalSlots: 65_536,
  globalQueue: 1_024,
  accountSlots: 16,
  accountQueue: 64,
} as const;

export const DEFAULT_TXPOOL_CONFIG: Omit<TxPoolConfig, "chainId" | "blockGasLimit"> = {
  maxTxGas: 1n << 24n,
  minTip: 0n,
  minBaseFee: 0n,
  priceBump: 10n,
  maxSlots: DEFAULT_TXPOOL_LIMITS.globalSlots + DEFAULT_TXPOOL_LIMITS.globalQueue,
  maxPending: DEFAULT_TXPOOL_LIMITS.globalSlots,
  minPendingPerSender: DEFAULT_TXPOOL_LIMITS.accountSlots,
  maxQueued: DEFAULT_TXPOOL_LIMITS.globalQueue,
  maxQueuedPerSender: DEFAULT_TXPOOL_LIMITS.accountQueue,
  maxTxSize: 128 * 1024,
  allowUnprotected: true,
};

/** What the pool knows about one transaction it holds. */
export interface PooledTx {
  readonly tx: TypedTransaction;
  readonly hash: Uint8Array;
  /** 0x-prefixed lowercase hex of `hash` (the pool's lookup key). */
  readonly hashHex: string;
  readonly sender: Uint8Array;
  /** 0x-prefixed lowercase hex of `sender`. */
  readonly senderHex: string;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  /** EIP-1559 fee cap; the gas price for legacy and EIP-2930 transactions. */
  readonly maxFeePerGas: bigint;
  /** EIP-1559 tip cap; the gas price for legacy and EIP-2930 transactions. */
  readonly maxPriorityFeePerGas: bigint;
  /** value + gasLimit × maxFeePerGas: the most the transaction can take from its sender. */
  readonly cost: bigint;
  /** Encoded size in bytes. */
  readonly size: number;
  /** Arrival order in this pool, the tie-breaker wherever prices are equal. */
  readonly seq: number;
}

export type DropReason =
  /** Included in the committed block. */
  | "included"
  /** Nonce below the sender's account nonce (another tx with that nonce was mined). */
  | "stale"
  /** Costs more than the sender's balance. */
  | "insufficient-funds"
  /** Cheapest in a full pool, evicted for a better-paying transaction or by the global caps. */
  | "evicted"
  /** Highest nonce of a sender over its queued-transaction limit. */
  | "account-queue-limit"
  /** Highest pending nonce of one of the senders with the most pending transactions, while pending
   * is over maxPending (geth's truncatePending). */
  | "pending-limit";

export interface DroppedTx {
  tx: PooledTx;
  reason: DropReason;
}

export type AddResult =
  | {
      ok: true;
      tx: PooledTx;
      /** "pending": executable now (contiguous from the account nonce); "queued": behind a nonce gap. */
      status: "pending" | "queued";
      /** The transaction of the same sender and nonce this one replaced. */
      replaced: PooledTx | null;
      /** Transactions that became executable (this one if pending, plus queued ones it unblocked). */
      promoted: PooledTx[];
      /** Transactions removed to make room, or left stale by the newer account state passed in. */
      dropped: DroppedTx[];
    }
  | { ok: false; error: TxPoolError };

export interface BlockCommit {
  /** Hashes of the transactions in the committed block. */
  includedHashes: Iterable<Uint8Array>;
  /**
   * The new committed state of a sender (see TxPool.senders()); undefined means "unchanged"
   * (a sender with a transaction in the block then has its nonce advanced past it).
   */
  accountOf(sender: Uint8Array): AccountState | undefined;
  /** Base fee of the next block. */
  baseFee: bigint;
}

export interface BlockCommitResult {
  dropped: DroppedTx[];
  /** Queued transactions that became executable (for newPendingTransactions). */
  promoted: PooledTx[];
  /** Executable transactions that went back to queued (a tx before them was dropped). */
  demoted: PooledTx[];
}

/** Pool content for txpool_content: per sender (0x hex), transactions in nonce order. */
export interface PoolContent {
  pending: Map<string, PooledTx[]>;
  queued: Map<string, PooledTx[]>;
}
