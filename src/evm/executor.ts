// Block execution: runs a list of transactions on a parent state root through @ethereumjs/vm and
// returns the receipts, the new state root and the header fields they determine. Two paths share it:
//  - build (proposer): take candidate transactions in pool order, skip ones that cannot execute, stop
//    at the gas limit;
//  - execute (validator / sync): run exactly a received block's transactions; any invalid one fails
//    the whole block.
// One journal checkpoint wraps the whole block and the state manager keeps its caches across blocks;
// together they are the difference between ~800 and ~3,800 transfers/s (execution-performance.md).
// Inside it: the pre-block system calls (system-contracts.ts), each transaction isolated
// (isolation.ts: a transaction that throws leaves the state exactly as before it) or, for a plain
// value transfer, applied without the EVM (plain-transfer.ts: same state and receipt, a fraction of
// the CPU), then the end-of-block system calls; the same steps on both paths.
import type { Common } from "@ethereumjs/common";
import { createBlock, type Block as EthjsBlock } from "@ethereumjs/block";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Address, bytesToHex, createContractAddress, equalsBytes } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import type { EVMMockBlockchainInterface } from "@ethereumjs/evm";
import { effectiveGasPrice } from "../primitives/fees.js";
import { bloomUnion } from "../primitives/bloom.js";
import { serializeTransaction } from "../primitives/encoding.js";
import type { Address20, Hash32, Log, TxReceipt } from "../primitives/types.js";
import { createStateManager, DEFAULT_STATE_CACHE_LIMITS, type BatchFlushStateManager, type StateCacheLimits, type StateDB } from "./state.js";
import { ExecutionStateError, isolated, unwindTo } from "./isolation.js";
import { systemCallsOn, type SystemCalls } from "./system-call.js";
import { afterTransactions, beforeTransactions } from "./system-contracts.js";
import { applyPlainTransfer, plainTransfersApply } from "./plain-transfer.js";

/** The header fields execution depends on. */
export interface BlockEnv {
  number: bigint;
  timestamp: bigint;
  proposer: Address20;
  gasLimit: bigint;
  baseFeePerGas: bigint;
  /** PREVRANDAO: the height's sortition seed, unpredictable before the previous block commits. */
  prevRandao: Hash32;
  /** The commit certificate the block carries (its parent's; empty at height 1), for the
   * end-of-block system calls. Absent outside blocks (eth_call and tracing run no system calls). */
  lastCommit?: Uint8Array;
  /** The equivocation evidence the block carries (encoded), for the same system calls. */
  evidence?: readonly Uint8Array[];
}

/**
 * What the chain does at the end of every block, after its transactions and inside the block's
 * checkpoint (minting, the staking contract's system calls). Proposer and validator run the same
 * hook, so their roots match; a hook that throws fails the block.
 */
export type EndOfBlockHook = (env: BlockEnv, calls: SystemCalls) => Promise<void>;

export interface ExecutionOutcome {
  stateRoot: Hash32;
  transactions: TypedTransaction[];
  receipts: TxReceipt[];
  gasUsed: bigint;
  logsBloom: Uint8Array;
}

/** Where the last build or execute spent its wall time: running the transactions (the system
 * calls before and after them included), then writing the state changes to the trie and hashing
 * it. For logs and benchmarks. */
export interface ExecutionTimings {
  txsMs: number;
  /** Of txsMs: the system calls (history and request contracts, the staking ledger's end of block). */
  systemCallsMs: number;
  stateRootMs: number;
}

export interface SkippedTx {
  tx: TypedTransaction;
  reason: string;
}

/** Candidate transactions for a block, in the order the pool wants them included. */
export interface TxCandidates {
  next(): TypedTransaction | undefined;
  /** The last transaction returned could not be included; later ones of its sender must not be offered. */
  rejectLast(reason: string): void;
}

export class BlockExecutionError extends Error {
  constructor(
    message: string,
    readonly txIndex?: number,
  ) {
    super(message);
    this.name = "BlockExecutionError";
  }
}

export interface ExecutorOptions {
  /** Plain value transfers without the EVM (plain-transfer.ts; true unless the chain's rules are
   * ones it does not cover). false runs every transaction through runTx: the reference the fast
   * path is tested against. */
  plainTransfers?: boolean;
}

/** Looks up canonical block hashes for the BLOCKHASH opcode. */
export type BlockHashLookup = (number: bigint) => Promise<Hash32 | undefined>;

/** Intrinsic gas of the cheapest transaction: below this no further transaction can fit. */
const MIN_TX_GAS = 21_000n;

function toReceipt(tx: TypedTransaction, r: Awaited<ReturnType<typeof runTx>>, baseFee: bigint): TxReceipt {
  const logs: Log[] = (r.receipt.logs ?? []).map(([address, topics, data]) => ({ address, topics, data }));
  const status = "status" in r.receipt ? r.receipt.status : 1;
  return {
    status,
    cumulativeGasUsed: r.receipt.cumulativeBlockGasUsed,
    gasUsed: r.totalGasSpent,
    logsBloom: r.receipt.bitvector,
    logs,
    // A creation's receipt names the address it was to create whether or not the creation succeeded
    // (geth: CreateAddress(sender, nonce) whenever the tx has no recipient; anvil does the same).
    contractAddress: tx.to === undefined ? (r.createdAddress ?? createContractAddress(tx.getSenderAddress(), tx.nonce)).bytes : null,
    effectiveGasPrice: effectiveGasPrice(tx, baseFee),
    type: tx.type,
  };
}

export class BlockExecutor {
  private timings: ExecutionTimings = { txsMs: 0, systemCallsMs: 0, stateRootMs: 0 };
  private startedAt = 0;
  private transfersApplied = 0;

  private constructor(
    private readonly common: Common,
    private readonly vm: VM,
    private readonly stateManager: BatchFlushStateManager,
    private root: Hash32,
    private readonly blockHashes: BlockHashLookup,
    private readonly endOfBlock: EndOfBlockHook | undefined,
    /** Whether plain transfers skip the EVM (plain-transfer.ts). */
    private readonly plainTransfers: boolean,
  ) {}

  static async create(
    common: Common,
    db: StateDB,
    headStateRoot: Hash32,
    blockHashes: BlockHashLookup,
    endOfBlock?: EndOfBlockHook,
    cacheLimits: StateCacheLimits = DEFAULT_STATE_CACHE_LIMITS,
    options: ExecutorOptions = {},
  ): Promise<BlockExecutor> {
    const stateManager = createStateManager(db, headStateRoot, common, true, cacheLimits);
    const vm = await createVM({ common, stateManager, blockchain: blockchainAdapter(blockHashes) });
    const plainTransfers = options.plainTransfers !== false && plainTransfersApply(common);
    return new BlockExecutor(common, vm, stateManager, headStateRoot, blockHashes, endOfBlock, plainTransfers);
  }

  /** The end-of-block hook, timed with the transactions; its failure fails the block. */
  private async runEndOfBlock(env: BlockEnv, block: EthjsBlock): Promise<void> {
    if (this.endOfBlock === undefined) return;
    try {
      const hook = this.endOfBlock;
      await isolated(this.vm, this.stateManager, () => hook(env, systemCallsOn(this.vm, block)));
    } catch (e) {
      throw new BlockExecutionError(`end-of-block system calls failed: ${(e as Error).message}`);
    }
  }

  /** The state root the live state manager sits on. */
  get currentRoot(): Hash32 {
    return this.root;
  }

  /** Entries the live state manager caches now (bounded by its StateCacheLimits). */
  get cacheSizes(): ReturnType<BatchFlushStateManager["cacheSizes"]> {
    return this.stateManager.cacheSizes();
  }

  /** Transactions applied as plain transfers without the EVM since the executor was created
   * (failed blocks' included), for tests and diagnostics. */
  get plainTransfersApplied(): number {
    return this.transfersApplied;
  }

  /** Phases of the last build or execute. */
  get lastTimings(): ExecutionTimings {
    return { ...this.timings };
  }

  /** Moves the live state to `root` (after a block other than the last one executed committed). */
  async resetTo(root: Hash32): Promise<void> {
    if (equalsBytes(root, this.root)) return;
    await this.stateManager.setStateRoot(root);
    this.root = root;
  }

  private ethjsBlock(env: BlockEnv): EthjsBlock {
    return ethjsBlockFor(env, this.common);
  }

  /** The pre-block system calls; the parent is the block at number - 1 of the canonical chain (both
   * paths execute on the head), the same lookup BLOCKHASH reads. */
  private async startBlock(block: EthjsBlock): Promise<void> {
    const parentHash = await this.blockHashes(block.header.number - 1n);
    if (parentHash === undefined) throw new BlockExecutionError(`no canonical block ${block.header.number - 1n} (the parent)`);
    await isolated(this.vm, this.stateManager, () => beforeTransactions(this.vm, block, parentHash));
  }

  private async endBlock(block: EthjsBlock): Promise<void> {
    await isolated(this.vm, this.stateManager, () => afterTransactions(this.vm, block));
  }

  /** One transaction of the block: a plain transfer directly (plain-transfer.ts), anything else
   * through runTx, isolated. Throws what runTx throws for an invalid transaction. */
  private async runOne(tx: TypedTransaction, block: EthjsBlock, env: BlockEnv, blockGasUsed: bigint): Promise<TxReceipt> {
    const transferGas = this.plainTransfers ? await applyPlainTransfer(this.vm, this.stateManager, tx, { coinbase: block.header.coinbase, baseFeePerGas: env.baseFeePerGas, gasLimit: env.gasLimit }) : undefined;
    if (transferGas !== undefined) {
      this.transfersApplied++;
      return {
        status: 1,
        cumulativeGasUsed: blockGasUsed + transferGas,
        gasUsed: transferGas,
        logsBloom: new Uint8Array(256),
        logs: [],
        contractAddress: null,
        effectiveGasPrice: effectiveGasPrice(tx, env.baseFeePerGas),
        type: tx.type,
      };
    }
    const r = await isolated(this.vm, this.stateManager, () => runTx(this.vm, { tx, block, blockGasUsed, skipHardForkValidation: true }));
    return toReceipt(tx, r, env.baseFeePerGas);
  }

  /** Proposer path. Never throws for a bad candidate: it is skipped and reported. */
  /** `maxTxBytes` caps the encoded size of the included transactions (blocks must fit the network's
   * frames); `maxGas` (at most the block's gas limit) the gas they may use (a proposer's time bound). */
  async build(parentRoot: Hash32, env: BlockEnv, candidates: TxCandidates, maxTxBytes = Infinity, maxGas = env.gasLimit): Promise<ExecutionOutcome & { skipped: SkippedTx[] }> {
    const fill = maxGas < env.gasLimit ? maxGas : env.gasLimit;
    await this.resetTo(parentRoot);
    this.startedAt = performance.now();
    const block = this.ethjsBlock(env);
    const transactions: TypedTransaction[] = [];
    const receipts: TxReceipt[] = [];
    const skipped: SkippedTx[] = [];
    let gasUsed = 0n;
    let bytes = 0;
    await this.vm.evm.journal.checkpoint();
    try {
      const system0 = performance.now();
      await this.startBlock(block);
      this.timings.systemCallsMs = performance.now() - system0;
      for (let tx = candidates.next(); tx !== undefined; tx = candidates.next()) {
        if (fill - gasUsed < MIN_TX_GAS) break;
        if (tx.gasLimit > fill - gasUsed) {
          // Does not fit now; a smaller one of another sender still may.
          candidates.rejectLast("exceeds remaining block gas");
          continue;
        }
        // Remembered: the proposal and the commit encode the same bytes again.
        const size = serializeTransaction(tx).length;
        if (bytes + size > maxTxBytes) {
          candidates.rejectLast("exceeds remaining block size");
          continue;
        }
        try {
          const receipt = await this.runOne(tx, block, env, gasUsed);
          gasUsed += receipt.gasUsed;
          bytes += size;
          transactions.push(tx);
          receipts.push(receipt);
        } catch (e) {
          if (e instanceof ExecutionStateError) throw e;
          const reason = (e as Error).message;
          skipped.push({ tx, reason });
          candidates.rejectLast(reason);
        }
      }
      const system1 = performance.now();
      await this.endBlock(block);
      await this.runEndOfBlock(env, block);
      this.timings.systemCallsMs += performance.now() - system1;
      this.timings.txsMs = performance.now() - this.startedAt;
      // Committing the outermost checkpoint flushes the block's changes to the trie.
      await this.vm.evm.journal.commit();
      this.assertFlushed();
    } catch (e) {
      await this.abort(parentRoot);
      throw e;
    }
    return this.finish(transactions, receipts, gasUsed, skipped);
  }

  /** Validator path: the block's transactions exactly; the first invalid one fails the block. */
  async execute(parentRoot: Hash32, env: BlockEnv, txs: readonly TypedTransaction[]): Promise<ExecutionOutcome> {
    await this.resetTo(parentRoot);
    this.startedAt = performance.now();
    const block = this.ethjsBlock(env);
    const receipts: TxReceipt[] = [];
    let gasUsed = 0n;
    await this.vm.evm.journal.checkpoint();
    try {
      const system0 = performance.now();
      await this.startBlock(block);
      this.timings.systemCallsMs = performance.now() - system0;
      for (let i = 0; i < txs.length; i++) {
        const tx = txs[i]!;
        if (tx.gasLimit > env.gasLimit - gasUsed)
          throw new BlockExecutionError(`transaction ${i} (${bytesToHex(tx.hash())}) exceeds the remaining block gas`, i);
        let receipt;
        try {
          receipt = await this.runOne(tx, block, env, gasUsed);
        } catch (e) {
          throw new BlockExecutionError(`transaction ${i} (${bytesToHex(tx.hash())}) is invalid: ${(e as Error).message}`, i);
        }
        gasUsed += receipt.gasUsed;
        receipts.push(receipt);
      }
      const system1 = performance.now();
      await this.endBlock(block);
      await this.runEndOfBlock(env, block);
      this.timings.systemCallsMs += performance.now() - system1;
      this.timings.txsMs = performance.now() - this.startedAt;
      // Committing the outermost checkpoint flushes the block's changes to the trie.
      await this.vm.evm.journal.commit();
      this.assertFlushed();
    } catch (e) {
      await this.abort(parentRoot);
      throw e;
    }
    return this.finish([...txs], receipts, gasUsed, []);
  }

  /** Only with no checkpoint left open are the block's writes in the trie's database (otherwise they
   * sit in its in-memory checkpoint layer, where no fresh view sees them). */
  private assertFlushed(): void {
    const open = this.stateManager.openCheckpoints;
    if (open !== 0) throw new ExecutionStateError(`${open} checkpoint(s) still open after the block's commit`);
  }

  private async abort(parentRoot: Hash32): Promise<void> {
    // Every checkpoint, the block's included, whatever a failed step left open.
    await unwindTo(this.vm, this.stateManager, 0);
    // The caches may hold writes of the failed block: drop them and sit on the parent again.
    await this.stateManager.setStateRoot(parentRoot);
    this.root = parentRoot;
  }

  private async finish(transactions: TypedTransaction[], receipts: TxReceipt[], gasUsed: bigint, skipped: SkippedTx[]) {
    const stateRoot = await this.stateManager.getStateRoot();
    this.root = stateRoot;
    // Between blocks every cached entry is in the trie: the one moment the caches can be cut back.
    await this.stateManager.boundCaches();
    this.timings.stateRootMs = performance.now() - this.startedAt - this.timings.txsMs;
    return { stateRoot, transactions, receipts, gasUsed, logsBloom: bloomUnion(receipts.map((r) => r.logsBloom)), skipped };
  }
}

/** The @ethereumjs block runTx reads its environment from (coinbase, number, time, base fee, PREVRANDAO). */
export function ethjsBlockFor(env: BlockEnv, common: Common): EthjsBlock {
  return createBlock(
    {
      header: {
        number: env.number,
        timestamp: env.timestamp,
        coinbase: new Address(env.proposer),
        gasLimit: env.gasLimit,
        baseFeePerGas: env.baseFeePerGas,
        mixHash: env.prevRandao,
        excessBlobGas: 0n,
        blobGasUsed: 0n,
      },
    },
    { common, skipConsensusFormatValidation: true },
  );
}

/** BLOCKHASH reads the canonical chain through this (EIP-7709's history contract is not active). */
export function blockchainAdapter(lookup: BlockHashLookup): EVMMockBlockchainInterface {
  const adapter: EVMMockBlockchainInterface = {
    async getBlock(n: number) {
      const hash = (await lookup(BigInt(n))) ?? new Uint8Array(32);
      return { hash: () => hash };
    },
    async putBlock() {},
    shallowCopy: () => adapter,
  };
  return adapter;
}
