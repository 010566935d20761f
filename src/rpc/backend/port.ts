// The narrow interface through which rpc/ reads the chain and submits work. rpc/ translates JSON to
// these calls and their results back to Ethereum's JSON shapes; it holds no chain logic of its own.
// The node (src/rpc/backend/node-backend.ts) implements it over chain/, evm/ and the tx pool.
//
// RpcBackend is the core every backend has. The optional capabilities at its end (events, proofs,
// tracing, pool inspection, block production, dev signing) each unlock a group of methods; a backend
// without one answers those methods as geth answers a disabled namespace (-32601), except dev signing,
// whose methods always exist and explain that the node holds no keys.
import type { TypedTransaction } from "@ethereumjs/tx";
import type { ScannedLog } from "../../chain/analytics/log-scan.js";
import type { AccessListResult, AccountProof, CallRequest, CallResult, TraceOptions } from "../../evm/types.js";
import type { Address20, Block, Hash32, TxLocation, TxReceipt } from "../../primitives/types.js";
import type { Json } from "../../util/json.js";

/** A block selector after tag resolution: rpc/ maps "latest", "safe", "finalized", "pending",
 * "earliest", hex numbers and EIP-1898 objects onto one of these. */
export type BlockSelector = { number: bigint } | { hash: Hash32; requireCanonical?: boolean } | "latest" | "pending" | "earliest";

/** A block with two values the node may precompute (rpc/ computes them itself when absent). */
export type BlockWithExtras = Block & {
  /** Length in bytes of the block's canonical encoding (Ethereum's `size`). */
  size?: number;
  /** Senders of `transactions`, in order (else tx.getSenderAddress(): the key is cached per tx, the address hashed again). */
  senders?: Address20[];
};

export interface TransactionWithContext {
  tx: TypedTransaction;
  hash: Hash32;
  sender: Address20;
  /** null while the transaction waits in the pool. */
  location: TxLocation | null;
  /** Base fee of the including block (for effectiveGasPrice), null while pending. */
  blockBaseFee: bigint | null;
  /** Timestamp of the including block; rpc/ reads the block when a mined transaction lacks it. */
  blockTimestamp?: bigint;
}

export interface ReceiptWithContext {
  receipt: TxReceipt;
  tx: TypedTransaction;
  hash: Hash32;
  sender: Address20;
  location: TxLocation;
  /** Index in the block of this receipt's first log (Ethereum's logIndex is per block). */
  firstLogIndex: number;
  /** Timestamp of the including block; its logs omit blockTimestamp (optional there) when absent. */
  blockTimestamp?: bigint;
}

/** A log with where it stands: what chain/analytics' log scan returns, the timestamp optional
 * (filters and subscriptions built from a committed-block event may lack it). */
export interface LogWithContext extends Omit<ScannedLog, "blockTimestamp"> {
  blockTimestamp?: bigint;
}

export interface LogQuery {
  fromBlock: bigint;
  toBlock: bigint;
  /** Any of these addresses (empty: any). */
  addresses: Address20[];
  /** Per position: null matches anything, otherwise any of the listed topics. */
  topics: Array<Hash32[] | null>;
  /**
   * rpc/ caps results: the backend may stop after `limit` matches (returning limit + 1 when more
   * exist tells "exactly the cap" from "over it"). A backend that ignores it returns everything.
   */
  limit?: number;
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

// ---- optional capabilities -------------------------------------------------------------------

export interface CommittedBlockEvent {
  block: Block;
  receipts: TxReceipt[];
}

/** A transaction in the pool with its recovered sender. */
export interface PooledTransaction {
  tx: TypedTransaction;
  hash: Hash32;
  sender: Address20;
}

/** New blocks and newly executable pool transactions, for filters and subscriptions. */
export interface ChainEventSource {
  /** Calls `listener` after every committed block, in order; returns the function that stops it. */
  onBlock(listener: (event: CommittedBlockEvent) => void): () => void;
  /** Calls `listener` with transactions that became executable (pending) in the pool. */
  onPendingTransactions(listener: (txs: PooledTransaction[]) => void): () => void;
}

/** EIP-1186: an account and some of its storage slots, with Merkle proofs against the state root. */

export interface StateProofSource {
  /** Throws UserError("header not found") for an unknown block. */
  getProof(address: Address20, slots: Hash32[], at: BlockSelector): Promise<AccountProof>;
}

/**
 * Re-execution with tracers. A trace is the tracer's own JSON document (geth's shapes), built by the
 * tracer in evm/ and passed through unchanged.
 */
export interface TraceSource {
  /** null when the transaction is unknown or still pending. */
  traceTransaction(hash: Hash32, options: TraceOptions): Promise<Json | null>;
  /** Every transaction of a block, in order; null for an unknown block. */
  traceBlock(selector: BlockSelector, options: TraceOptions): Promise<Array<{ txHash: Hash32; result: Json }> | null>;
  /** A call on top of the selected block's state, as eth_call runs it. */
  traceCall(request: CallRequest, at: BlockSelector, options: TraceOptions): Promise<Json>;
  /** geth's eth_createAccessList: the addresses and slots the call touches, and its gas with them. */
  createAccessList(request: CallRequest, at: BlockSelector): Promise<AccessListResult>;
}

export interface TxPoolSource {
  status(): { pending: number; queued: number };
  /** Pending (executable) and queued transactions, per sender in nonce order; one sender's when given. */
  content(sender?: Address20): { pending: PooledTransaction[]; queued: PooledTransaction[] };
}

/** The block producer this node runs (eth_coinbase, eth_mining). */
export interface BlockProducerInfo {
  /** The address block rewards and tips go to (the proposer address). */
  coinbase: Address20;
  /** Whether this node currently produces blocks. */
  mining(): boolean;
}

/** A transaction to sign: a call request plus the envelope choices eth_sendTransaction allows. */
export interface TransactionRequest extends CallRequest {
  /** 0 legacy, 1 EIP-2930, 2 EIP-1559; chosen from the fee fields when absent. */
  type?: number;
  chainId?: bigint;
}

/** EIP-712 typed data as eth_signTypedData_v4 receives it (already parsed from JSON). */
export interface TypedData {
  types: Record<string, Array<{ name: string; type: string }>>;
  primaryType: string;
  domain: Record<string, unknown>;
  message: Record<string, unknown>;
}

/** Keys the node holds for its dev accounts (anvil's and hardhat's "unlocked accounts"). */
export interface DevSigner {
  /** The unlocked accounts; signing for any other address throws UserError("unknown account"). */
  accounts(): Address20[];
  /** Fills nonce, gas, fees and chain id as geth's eth_sendTransaction does, and signs. */
  signTransaction(request: TransactionRequest & { from: Address20 }): Promise<TypedTransaction>;
  /** EIP-191 personal message signature (r, s, v with v = 27/28). */
  signMessage(address: Address20, message: Uint8Array): Promise<Uint8Array>;
  /** EIP-712 signature (r, s, v with v = 27/28). */
  signTypedData(address: Address20, typedData: TypedData): Promise<Uint8Array>;
}

/** A member of an epoch's validator set and its standing in the staking ledger (wei amounts). */
export interface ValidatorStanding {
  address: Address20;
  /** Its stake in the snapshot that made it a member (what sortition counts, in whole coins). */
  snapshotStake: bigint;
  stake: bigint;
  selfStake: bigint;
  commissionBps: number;
  status: "active" | "jailed" | "tombstoned";
  /** The last height whose block carried a certificate with its precommit. */
  lastSignedHeight: bigint;
}

/** Where a block stands in the epoch schedule. */
export interface EpochStatus {
  /** The epoch of the block after this one (the ledger's current epoch in this block's state). */
  epoch: bigint;
  epochLength: bigint;
  firstHeight: bigint;
  lastHeight: bigint;
}

/** An account's staking positions (wei amounts). */
export interface StakingPositions {
  delegations: Array<{ validator: Address20; shares: bigint; amount: bigint }>;
  unbondings: Array<{ validator: Address20; amount: bigint; startHeight: bigint; completeEpoch: bigint }>;
  claimable: bigint;
}

/** The supply at a block: genesis + minted - burned = total, of which `staked` sits in the ledger. */
export interface SupplyStatus {
  genesis: bigint;
  minted: bigint;
  burnedFees: bigint;
  burnedByLedger: bigint;
  total: bigint;
  staked: bigint;
  /** Held by the vesting ledger for beneficiaries (allocated at genesis, not claimed yet). */
  vesting: bigint;
}

/** A beneficiary's genesis vesting schedule at a block (wei amounts, unix seconds). */
export interface VestingStatus {
  total: bigint;
  claimed: bigint;
  claimable: bigint;
  locked: bigint;
  start: bigint;
  cliff: bigint;
  duration: bigint;
  step: bigint;
  initialBps: number;
}

/** The staking layer over JSON-RPC (the verity_ namespace). */
export interface StakingSource {
  /**
   * Takes encoded equivocation evidence (consensus/evidence.ts) for inclusion in this node's next
   * proposals, as CometBFT's broadcast_evidence; throws UserError saying why it is refused.
   */
  submitEvidence(bytes: Uint8Array): Promise<{ offender: Address20; height: bigint }>;
  epoch(block: Block): Promise<EpochStatus>;
  /** The set of `epoch` (known up to two epochs past the block's) with each member's standing at `block`. */
  validators(block: Block, epoch: bigint): Promise<ValidatorStanding[]>;
  positions(block: Block, account: Address20): Promise<StakingPositions>;
  supply(block: Block): Promise<SupplyStatus>;
  /** `account`'s vesting schedule as of `block` (its timestamp decides what is unlocked); null without one. */
  vesting(block: Block, account: Address20): Promise<VestingStatus | null>;
}

/** How a committed block was agreed, as this node holds it (verity_getBlockConsensus). */
export interface BlockConsensus {
  /** The round its proposal was made in (0: the height's first round). */
  round: number;
  proposer: Address20;
  /** The block's commit certificate: its round and the precommitting validators (ascending by
   * address). `carried`: the one the next block carries (with the precommits that came after the
   * quorum, the same on every node); else (the head) the one this node stored with the block. null
   * where there is none (genesis). */
  commit: { round: number; signers: Address20[]; carried: boolean } | null;
  /** Step timeouts that fired at this height on this node, once per round and step; null when this
   * node did not take part in agreeing it (no validator keys, imported by sync, or long ago). */
  timeouts: { propose: number; prevote: number; precommit: number } | null;
}

/** The consensus layer's record of committed blocks, over JSON-RPC (verity_getBlockConsensus). */
export interface ConsensusInfoSource {
  blockConsensus(block: Block): Promise<BlockConsensus>;
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
  getBlock(selector: BlockSelector): Promise<BlockWithExtras | null>;
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
  /** Base fee of the block after the head (eth_baseFee). Optional: without it eth_baseFee is absent. */
  nextBaseFee?(): Promise<bigint>;
  feeHistory(blockCount: number, newest: BlockSelector, rewardPercentiles: number[] | null): Promise<FeeHistory>;

  readonly events?: ChainEventSource;
  readonly proofs?: StateProofSource;
  readonly tracing?: TraceSource;
  readonly txpool?: TxPoolSource;
  readonly producer?: BlockProducerInfo;
  readonly staking?: StakingSource;
  readonly consensus?: ConsensusInfoSource;
  /** Absent on a node without unlocked accounts: signing methods then explain that. */
  readonly signer?: DevSigner;
}
