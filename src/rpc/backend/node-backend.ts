// The node's implementation of rpc/'s RpcBackend: answers from the chain, the state trie, the call
// executor and the tx pool; fee and log queries are chain analytics (chain/analytics/) it delegates to.
// Block tags were resolved by rpc/; here a selector becomes a block. The optional capabilities
// (chain events, proofs, tracing, dev signing) live beside this file: events.ts, proofs.ts,
// tracing.ts, dev-signer.ts (with eip712.ts).
import type { TypedTransaction } from "@ethereumjs/tx";
import { feeHistory } from "../../chain/analytics/fee-history.js";
import { suggestGasPrice, suggestTip } from "../../chain/analytics/gas-price-oracle.js";
import { scanLogs } from "../../chain/analytics/log-scan.js";
import type { Chain } from "../../chain/chain.js";
import type { TxPool } from "../../chain/txpool/pool.js";
import type { TxService } from "../../chain/txpool/service.js";
import { nextBaseFee } from "../../primitives/fees.js";
import type { Block, Hash32 } from "../../primitives/types.js";
import { CallExecutor, EstimateGasError } from "../../evm/call.js";
import { recoverSenderAddress } from "../../evm/crypto.js";
import type { BlockEnv } from "../../evm/executor.js";
import type { BlockProducerInfo, BlockSelector, ConsensusInfoSource, DevSigner, FeeHistory, LogQuery, LogWithContext, PooledTransaction, ReceiptWithContext, RpcBackend, StakingSource, SyncStatus, TransactionWithContext, TxPoolSource } from "./port.js";
import type { CallRequest, CallResult } from "../../evm/types.js";
import { UserError } from "./port.js";
import { silentLogger, type Logger } from "../../util/logger.js";
import { NodeDevSigner } from "./dev-signer.js";
import { NodeChainEvents } from "./events.js";
import { NodeStateProofs } from "./proofs.js";
import { NodeTracing } from "./tracing.js";
import type { StateReader } from "../../evm/state-reader.js";

/** What the backend needs of the tx pool. */
export interface PoolView {
  get(hash: Uint8Array): { tx: TypedTransaction; sender: Uint8Array } | undefined;
  pendingNonce(sender: Uint8Array, accountNonce: bigint): bigint;
}

export interface BackendDeps {
  chain: Chain;
  state: StateReader;
  calls: CallExecutor;
  pool: PoolView;
  /** Admits raw transactions (origin "rpc"); a refusal comes back as a code and geth's message.
   * Transactions that become executable reach `events` through the service's "executable" event. */
  txs: Pick<TxService, "submit">;
  clientVersion: string;
  devAccounts: Uint8Array[];
  peerCount(): number;
  syncing(): SyncStatus | null;
  /** Lowest tip the node suggests (and its pool accepts). */
  minSuggestedTip: bigint;
  /** The pool's content, for txpool_*; absent: those methods are not served. */
  txpool?: Pick<TxPool, "content" | "contentFrom" | "stats">;
  /** The block producer this node runs as, for eth_coinbase and eth_mining. */
  producer?: BlockProducerInfo;
  /** The staking layer, for verity_*; absent: those methods are not served. */
  staking?: StakingSource;
  /** Rounds, certificates and timeouts of committed blocks, for verity_getBlockConsensus. */
  consensus?: ConsensusInfoSource;
  logger?: Logger;
}

export class NodeRpcBackend implements RpcBackend {
  readonly chainId: bigint;
  readonly clientVersion: string;
  readonly events: NodeChainEvents;
  readonly proofs: NodeStateProofs;
  readonly tracing: NodeTracing;
  readonly txpool?: TxPoolSource;
  readonly producer?: BlockProducerInfo;
  readonly staking?: StakingSource;
  readonly consensus?: ConsensusInfoSource;
  readonly signer?: DevSigner;

  constructor(private readonly d: BackendDeps) {
    this.chainId = d.chain.genesis.params.chainId;
    this.clientVersion = d.clientVersion;
    const resolve = (sel: BlockSelector) => this.resolve(sel);
    this.events = new NodeChainEvents(d.chain, (d.logger ?? silentLogger).child("rpc-events"));
    this.proofs = new NodeStateProofs(d.chain.store.stateDb, d.chain.common, resolve);
    this.tracing = new NodeTracing({ chain: d.chain, calls: d.calls, resolve, envAfter: (block) => this.envAfter(block) });
    if (d.txpool) this.txpool = poolSource(d.txpool);
    if (d.producer) this.producer = d.producer;
    if (d.staking) this.staking = d.staking;
    if (d.consensus) this.consensus = d.consensus;
    if (d.devAccounts.length > 0) this.signer = new NodeDevSigner(d.devAccounts, d.chain.common, this);
  }

  peerCount(): number {
    return this.d.peerCount();
  }
  syncing(): SyncStatus | null {
    return this.d.syncing();
  }
  accounts(): Uint8Array[] {
    return this.d.devAccounts;
  }
  headNumber(): bigint {
    return this.d.chain.head.header.number;
  }

  async getBlock(sel: BlockSelector): Promise<(Block & { size: number; senders: Uint8Array[] }) | null> {
    const block = await this.resolve(sel);
    if (!block) return null;
    return { ...block, size: this.d.chain.blockSize(block), senders: block.transactions.map(recoverSenderAddress) };
  }

  private async resolve(sel: BlockSelector): Promise<Block | null> {
    const chain = this.d.chain;
    if (sel === "latest" || sel === "pending") return chain.head;
    if (sel === "earliest") return chain.getBlockByNumber(0n);
    if ("number" in sel) return chain.getBlockByNumber(sel.number);
    const block = await chain.getBlockByHash(sel.hash);
    return block;
  }

  private async resolveOrThrow(sel: BlockSelector): Promise<Block> {
    const b = await this.resolve(sel);
    if (!b) throw new UserError("header not found");
    return b;
  }

  async getReceipts(blockHash: Hash32) {
    return this.d.chain.getReceipts(blockHash);
  }

  async getTransaction(hash: Hash32): Promise<(TransactionWithContext & { blockTimestamp?: bigint }) | null> {
    const loc = await this.d.chain.getTxLocation(hash);
    if (loc) {
      const block = await this.d.chain.getBlockByHash(loc.blockHash);
      const tx = block?.transactions[loc.index];
      if (!block || !tx) return null;
      return { tx, hash, sender: recoverSenderAddress(tx), location: loc, blockBaseFee: block.header.baseFeePerGas, blockTimestamp: block.header.timestamp };
    }
    const pooled = this.d.pool.get(hash);
    if (!pooled) return null;
    return { tx: pooled.tx, hash, sender: pooled.sender, location: null, blockBaseFee: null };
  }

  async getReceipt(hash: Hash32): Promise<(ReceiptWithContext & { blockTimestamp?: bigint }) | null> {
    const loc = await this.d.chain.getTxLocation(hash);
    if (!loc) return null;
    const block = await this.d.chain.getBlockByHash(loc.blockHash);
    const receipts = await this.d.chain.getReceipts(loc.blockHash);
    const tx = block?.transactions[loc.index];
    const receipt = receipts?.[loc.index];
    if (!block || !tx || !receipt || !receipts) return null;
    let firstLogIndex = 0;
    for (let i = 0; i < loc.index; i++) firstLogIndex += receipts[i]!.logs.length;
    return { receipt, tx, hash, sender: recoverSenderAddress(tx), location: loc, firstLogIndex, blockTimestamp: block.header.timestamp };
  }

  async getLogs(q: LogQuery & { limit?: number }): Promise<Array<LogWithContext & { blockTimestamp?: bigint }>> {
    return scanLogs(this.d.chain, q);
  }

  private async stateRootAt(sel: BlockSelector): Promise<Hash32> {
    return (await this.resolveOrThrow(sel)).header.stateRoot;
  }

  async getBalance(address: Uint8Array, at: BlockSelector): Promise<bigint> {
    return (await this.d.state.account(await this.stateRootAt(at), address)).balance;
  }

  async getNonce(address: Uint8Array, at: BlockSelector): Promise<bigint> {
    const { nonce } = await this.d.state.account(await this.stateRootAt(at), address);
    return at === "pending" ? this.d.pool.pendingNonce(address, nonce) : nonce;
  }

  async getCode(address: Uint8Array, at: BlockSelector): Promise<Uint8Array> {
    return this.d.state.code(await this.stateRootAt(at), address);
  }

  async getStorageAt(address: Uint8Array, slot: Hash32, at: BlockSelector): Promise<Uint8Array> {
    return this.d.state.storage(await this.stateRootAt(at), address, slot);
  }

  /** Calls run on top of the selected block, as if in the block after it. */
  private envAfter(block: Block): BlockEnv {
    const h = block.header;
    return {
      number: h.number + 1n,
      timestamp: h.timestamp > BigInt(Math.floor(Date.now() / 1000)) ? h.timestamp : BigInt(Math.floor(Date.now() / 1000)),
      proposer: h.proposer,
      gasLimit: h.gasLimit,
      baseFeePerGas: nextBaseFee(h, this.d.chain.genesis.params),
      prevRandao: h.seed,
    };
  }

  async call(request: CallRequest, at: BlockSelector): Promise<CallResult> {
    const block = await this.resolveOrThrow(at);
    return this.d.calls.call(block.header.stateRoot, this.envAfter(block), request);
  }

  async estimateGas(request: CallRequest, at: BlockSelector): Promise<bigint> {
    const block = await this.resolveOrThrow(at);
    try {
      return await this.d.calls.estimateGas(block.header.stateRoot, this.envAfter(block), request);
    } catch (e) {
      if (e instanceof EstimateGasError && e.result?.error === "execution reverted")
        throw new UserError("execution reverted", 3, e.result.returnData);
      if (e instanceof EstimateGasError) throw new UserError(e.message);
      throw e;
    }
  }

  async sendRawTransaction(raw: Uint8Array): Promise<Hash32> {
    const r = await this.d.txs.submit(raw, "rpc");
    if (!r.ok) throw new UserError(r.message);
    return r.hash;
  }

  async nextBaseFee(): Promise<bigint> {
    return nextBaseFee(this.d.chain.head.header, this.d.chain.genesis.params);
  }

  async maxPriorityFeePerGas(): Promise<bigint> {
    return suggestTip(this.d.chain, this.d.minSuggestedTip);
  }

  async gasPrice(): Promise<bigint> {
    return suggestGasPrice(this.d.chain, this.d.minSuggestedTip);
  }

  async feeHistory(blockCount: number, newest: BlockSelector, percentiles: number[] | null): Promise<FeeHistory> {
    return feeHistory(this.d.chain, await this.resolveOrThrow(newest), blockCount, percentiles);
  }
}

function poolSource(pool: NonNullable<BackendDeps["txpool"]>): TxPoolSource {
  const view = (txs: Iterable<{ tx: TypedTransaction; hash: Uint8Array; sender: Uint8Array }>): PooledTransaction[] =>
    [...txs].map(({ tx, hash, sender }) => ({ tx, hash, sender }));
  return {
    status: () => {
      const { pending, queued } = pool.stats();
      return { pending, queued };
    },
    content: (sender) => {
      if (sender !== undefined) {
        const mine = pool.contentFrom(sender);
        return { pending: view(mine.pending), queued: view(mine.queued) };
      }
      const all = pool.content();
      return { pending: view([...all.pending.values()].flat()), queued: view([...all.queued.values()].flat()) };
    },
  };
}
