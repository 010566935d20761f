// The narrow interface through which rpc/ reads the chain and submits work. rpc/ translates JSON to
// these calls and their results back to Ethereum's JSON shapes; it holds no chain logic of its own.
// The node (src/node.ts) implements it over chain/, evm/ and the tx pool.
import type { TypedTransaction } from "@ethereumjs/tx";
import type { Address20, Block, Hash32, Log, TxLocation, TxReceipt } from "../chain/types.js";

/** A block selector after tag resolution: rpc/ maps "latest", "safe", "finalized", "pending",
 * "earliest", hex numbers and EIP-1898 objects onto one of these. */
export type BlockSelector = { number: bigint } | { hash: Hash32; requireCanonical?: boolean } | "latest" | "pending" | "earliest";

export interface TransactionWithContext {
  tx: TypedTransaction;
  hash: Hash32;
  sender: Address20;
  /** null while the transaction waits in the pool. */
  location: TxLocation | null;
  /** Base fee of the including block (for effectiveGasPrice), null while pending. */
  blockBaseFee: bigint | null;
}

export interface ReceiptWithContext {
  receipt: TxReceipt;
  tx: TypedTransaction;
  hash: Hash32;
  sender: Address20;
  location: TxLocation;
  /** Index in the block of this receipt's first log (Ethereum's logIndex is per block). */
  firstLogIndex: number;
}

export interface LogWithContext {
  log: Log;
  blockHash: Hash32;
  blockNumber: bigint;
  transactionHash: Hash32;
  transactionIndex: number;
  logIndex: number;
}

export interface LogQuery {
  fromBlock: bigint;
  toBlock: bigint;
  /** Any of these addresses (empty: any). */
  addresses: Address20[];
  /** Per position: null matches anything, otherwise any of the listed topics. */
  topics: Array<Hash32[] | null>;
}

/** The fields of an eth_call / eth_estimateGas request after parsing. */
export interface CallRequest {
  from?: Address20;
  to?: Address20;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  data?: Uint8Array;
  nonce?: bigint;
  accessList?: Array<{ address: Address20; storageKeys: Hash32[] }>;
}

export interface CallResult {
  /** true when execution reverted or halted exceptionally. */
  failed: boolean;
  /** Return data, or revert data when failed by REVERT. */
  returnData: Uint8Array;
  gasUsed: bigint;
  /** Human-readable cause when failed (e.g. "execution reverted", "out of gas"). */
  error?: string;
}

export interface FeeHistory {
  oldestBlock: bigint;
  baseFeePerGas: bigint[]; // blockCount + 1 entries (the next block's base fee last)
  gasUsedRatio: number[];
  reward?: bigint[][];
}

export interface SyncStatus {
  startingBlock: bigint;
  currentBlock: bigint;
  highestBlock: bigint;
}

/** An error whose message is meant for the client as is (geth's wording where geth has one). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: number = -32000,
    readonly data?: Uint8Array,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export interface RpcBackend {
  readonly chainId: bigint;
  readonly clientVersion: string;
  peerCount(): number;
  syncing(): SyncStatus | null;
  /** Accounts this node can sign for (dev mode), else empty. */
  accounts(): Address20[];

  headNumber(): bigint;
  /** null when the selector names no block (unknown hash, future number). */
  getBlock(selector: BlockSelector): Promise<Block | null>;
  getReceipts(blockHash: Hash32): Promise<TxReceipt[] | null>;
  getTransaction(hash: Hash32): Promise<TransactionWithContext | null>;
  getReceipt(hash: Hash32): Promise<ReceiptWithContext | null>;
  getLogs(query: LogQuery): Promise<LogWithContext[]>;

  getBalance(address: Address20, at: BlockSelector): Promise<bigint>;
  /** "pending" counts the pool's executable transactions of the sender. */
  getNonce(address: Address20, at: BlockSelector): Promise<bigint>;
  getCode(address: Address20, at: BlockSelector): Promise<Uint8Array>;
  getStorageAt(address: Address20, slot: Hash32, at: BlockSelector): Promise<Uint8Array>;

  call(request: CallRequest, at: BlockSelector): Promise<CallResult>;
  estimateGas(request: CallRequest, at: BlockSelector): Promise<bigint>;

  /** Admits a signed transaction to the pool; throws UserError with geth's message on rejection. */
  sendRawTransaction(raw: Uint8Array): Promise<Hash32>;

  gasPrice(): Promise<bigint>;
  maxPriorityFeePerGas(): Promise<bigint>;
  feeHistory(blockCount: number, newest: BlockSelector, rewardPercentiles: number[] | null): Promise<FeeHistory>;
}
