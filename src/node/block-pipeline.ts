// The node's block pipeline, assembled once: the data dir's LevelDB, the canonical chain, the
// executor and block builder, the state reader, the tx pool with its service (admission and the
// events after it, candidates for block production, upkeep after each commit), and the block
// producer over them. VerityNode.start builds the node around it; the execution benchmark
// (bench/lib/pipeline.ts) opens the same pipeline, so what it measures is what the node runs.
import type { Common } from "@ethereumjs/common";
import { BlockBuilder } from "../chain/block-builder.js";
import { BlockProducer } from "../chain/block-producer.js";
import { Chain } from "../chain/chain.js";
import { TxPool } from "../chain/txpool/pool.js";
import { TxService } from "../chain/txpool/service.js";
import { DEFAULT_TXPOOL_CONFIG, type TxPoolConfig } from "../chain/txpool/types.js";
import { createChainCommon } from "../evm/common.js";
import { BlockExecutor } from "../evm/executor.js";
import { StateReader } from "../evm/state-reader.js";
import type { StateCacheLimits } from "../evm/state.js";
import type { Genesis } from "../primitives/types.js";
import { ChainStore } from "../storage/chain-store.js";
import type { Logger } from "../util/logger.js";
import { createEd25519EcvrfCrypto } from "../consensus/ed25519-ecvrf-crypto.js";
import { stakingEndOfBlock } from "../staking/system-hooks.js";
import { EpochValidatorSets } from "../staking/validator-sets.js";
import { SystemViews } from "../evm/system-call.js";
import { genesisBootstrap } from "./genesis.js";
import type { Metrics } from "../metrics/index.js";
import { defaultRecoveryThreads, SenderRecoveryPool } from "../evm/sender-recovery.js";

export interface BlockPipeline {
  common: Common;
  store: ChainStore;
  chain: Chain;
  executor: BlockExecutor;
  builder: BlockBuilder;
  state: StateReader;
  pool: TxPool;
  /** The one entry for transactions (RPC, gossip), the events that follow admissions, the block
   * producer's candidates, and pool upkeep after each commit (registered as a commit reaction). */
  txs: TxService;
  producer: BlockProducer;
  /** The validator set of each height, from the staking ledger's epoch snapshots. */
  sets: EpochValidatorSets;
  /** The sender-recovery workers admission uses for RPC transactions (null: none). */
  recovery: SenderRecoveryPool | null;
  /** Closes the database (after everything that uses it has stopped). */
  close(): Promise<void>;
}

export async function openBlockPipeline(o: {
  datadir: string;
  genesis: Genesis;
  logger: Logger;
  txpool?: Partial<TxPoolConfig>;
  /** Bounds of the executor's state caches (default DEFAULT_STATE_CACHE_LIMITS). */
  stateCache?: StateCacheLimits;
  /** Where the tx service and the block producer report (null or absent: nowhere). */
  metrics?: Metrics | null;
  /** Worker threads that recover the senders of transactions being admitted (default: defaultRecoveryThreads(); 0: none). */
  recoveryThreads?: number;
}): Promise<BlockPipeline> {
  const metrics = o.metrics ?? null;
  const common = createChainCommon(o.genesis.params.chainId);
  const store = await ChainStore.open(o.datadir);
  let recovery: SenderRecoveryPool | null = null;
  try {
    const chain = await Chain.open(store, common, o.genesis, genesisBootstrap(store.stateDb, common, o.genesis));
    // Every block ends with the staking ledger's system calls (rewards, signers, epoch changes).
    const endOfBlock = stakingEndOfBlock(o.genesis, createEd25519EcvrfCrypto());
    const executor = await BlockExecutor.create(common, store.stateDb, chain.head.header.stateRoot, (n) => chain.getCanonicalHash(n), endOfBlock, o.stateCache);
    const builder = new BlockBuilder(chain, executor);
    const state = new StateReader(store.stateDb, common);
    const poolConfig: TxPoolConfig = {
      ...DEFAULT_TXPOOL_CONFIG,
      chainId: o.genesis.params.chainId,
      blockGasLimit: o.genesis.params.gasLimit,
      minBaseFee: o.genesis.params.minBaseFee,
      ...o.txpool,
    };
    const pool = new TxPool(poolConfig);
    const poolLog = o.logger.child("txpool");
    recovery = SenderRecoveryPool.start(o.recoveryThreads ?? defaultRecoveryThreads());
    const txs = new TxService(common, chain, state, pool, poolLog, metrics, recovery);
    const producer = new BlockProducer(chain, builder, txs, metrics);
    const sets = new EpochValidatorSets(o.genesis, new SystemViews(store.stateDb, common), async (height) =>
      height <= chain.head.header.number ? (await chain.getBlockByNumber(height))?.header.stateRoot : undefined,
    );
    // What reacts to a commit listens to the chain; pool upkeep must finish before the next build.
    chain.onReactionError = (error, c) => o.logger.error("commit reaction failed", { number: c.block.header.number, error: error as Error });
    chain.onCommitted((c) => txs.onBlockCommitted(c));
    const close = async () => {
      await recovery?.close();
      await store.close();
    };
    return { common, store, chain, executor, builder, state, pool, txs, producer, sets, recovery, close };
  } catch (e) {
    await recovery?.close();
    await store.close();
    throw e;
  }
}
