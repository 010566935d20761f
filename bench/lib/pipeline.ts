// The node's own block pipeline (src/node/block-pipeline.ts: the same LevelDB data dir, Chain,
// BlockExecutor + BlockBuilder, StateReader, TxPool, TxService (admission, candidates, upkeep)
// and BlockProducer that VerityNode runs), minus RPC, networking and consensus voting. sealBlock() takes the steps the
// consensus driver takes for a block this node proposes and commits, through the same
// BlockProducer: produce (select + build + encode the proposal once), commit (state reset, one LevelDB
// batch, pool upkeep as the chain's commit reaction). Votes, VRF proofs and the commit certificate
// (a fixed cost per block, not per transaction) are left out. Each stage's methods are wrapped with
// wall-clock timers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlockBuilder } from "../../src/chain/block-builder.js";
import type { BlockProducer } from "../../src/chain/block-producer.js";
import type { Chain } from "../../src/chain/chain.js";
import { keccak256, ZERO_HASH } from "../../src/primitives/hash.js";
import type { TxPool } from "../../src/chain/txpool/pool.js";
import { DEFAULT_TXPOOL_CONFIG } from "../../src/chain/txpool/types.js";
import type { Block, Genesis, TxReceipt } from "../../src/primitives/types.js";
import type { BlockExecutor } from "../../src/evm/executor.js";
import { openBlockPipeline } from "../../src/node/block-pipeline.js";
import type { TxService } from "../../src/chain/txpool/service.js";
import type { ChainStore } from "../../src/storage/chain-store.js";
import { silentLogger } from "../../src/util/logger.js";
import { StageTimer, timeMethod } from "./stage-timer.js";

/** Stage names, in pipeline order, as reported. */
export const STAGES = {
  admission: "admission (decode + sender recovery + checks)",
  admissionState: "  of which: sender account read",
  admissionPool: "  of which: TxPool.add",
  select: "build: pool selection",
  build: "build: execution (EVM + state root)",
  buildTxs: "  of which: running the txs (EVM)",
  buildSystemCalls: "    of which: system calls (rewards, staking, history)",
  buildStateRoot: "  of which: state root (trie writes + hashing)",
  roots: "build: tx/receipt roots + header",
  proposal: "proposal: encode block",
  commitEncode: "commit: encode block/receipts",
  commitDb: "commit: LevelDB batch (sync)",
  revalidate: "pool re-validation",
  revalidateState: "  of which: sender account reads",
} as const;

export interface Pipeline {
  dir: string;
  chain: Chain;
  store: ChainStore;
  txs: TxService;
  pool: TxPool;
  builder: BlockBuilder;
  producer: BlockProducer;
  executor: BlockExecutor;
  timer: StageTimer;
  close(): Promise<void>;
}

export interface SealedBlock {
  block: Block;
  receipts: TxReceipt[];
  skipped: number;
}

/** Opens a fresh chain from `genesis` in a temp dir, with a pool large enough for `poolCapacity` txs. */
export async function openPipeline(genesis: Genesis, poolCapacity: number): Promise<Pipeline> {
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-"));
  const { chain, store, executor, builder, state, pool, txs, producer, close } = await openBlockPipeline({
    datadir: dir,
    genesis,
    logger: silentLogger,
    // The stages time the pipeline's own work on one thread: admission one transaction at a time
    // through a recovery worker would time the worker's round trips instead (evm/sender-recovery.ts).
    recoveryThreads: 0,
    // The whole load waits in the pool before the first block (a saturated node); the default
    // capacity (65,536 pending) would refuse or cut back part of a larger run.
    txpool: {
      maxSlots: Math.max(DEFAULT_TXPOOL_CONFIG.maxSlots, poolCapacity),
      maxPending: Math.max(DEFAULT_TXPOOL_CONFIG.maxPending, poolCapacity),
    },
  });

  const timer = new StageTimer();
  // StateReader.account serves admission and re-validation: attribute each call to the stage running.
  let revalidating = false;
  timeMethod(state, "account", timer, () => (revalidating ? STAGES.revalidateState : STAGES.admissionState));
  timeMethod(pool, "add", timer, STAGES.admissionPool);
  timeMethod(txs, "select", timer, STAGES.select);
  timeMethod(executor, "build", timer, STAGES.build);
  timeMethod(builder, "propose", timer, "propose");
  // produce = pool selection + propose + the one encoding of the proposal (sent, then committed).
  timeMethod(producer, "produce", timer, "produce");
  timeMethod(chain, "commit", timer, "commit");
  timeMethod(store, "commitBlock", timer, STAGES.commitDb);
  timeMethod(txs, "onBlockCommitted", timer, STAGES.revalidate);
  const onBlockCommitted = txs.onBlockCommitted.bind(txs);
  txs.onBlockCommitted = async (...args) => {
    revalidating = true;
    try {
      return await onBlockCommitted(...args);
    } finally {
      revalidating = false;
    }
  };

  return {
    dir,
    chain,
    store,
    txs,
    pool,
    builder,
    producer,
    executor,
    timer,
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One block as the consensus driver proposes and commits it (proposer = the first genesis
 * validator, timestamps +1 s per block, the seed chained by hash as a single-validator chain would). */
export async function sealBlock(p: Pipeline): Promise<SealedBlock> {
  const { chain, timer } = p;
  const head = chain.head;
  const built = await p.producer.produce({
    proposer: chain.genesis.validators[0]!.address,
    round: 0,
    proposerVrfProof: new Uint8Array(0),
    seed: keccak256(new Uint8Array([...head.header.seed, ...head.hash])),
    lastCommit: new Uint8Array(0),
    lastCommitHash: ZERO_HASH,
    // One validator set throughout, as the genesis named it.
    nextValidatorsHash: head.header.nextValidatorsHash,
    now: head.header.timestamp + 1n,
  });
  const phases = p.executor.lastTimings;
  timer.add(STAGES.buildTxs, phases.txsMs);
  timer.add(STAGES.buildSystemCalls, phases.systemCallsMs);
  timer.add(STAGES.buildStateRoot, phases.stateRootMs);
  await p.producer.commit(built, undefined, "consensus");
  return { block: built.block, receipts: built.receipts, skipped: built.skipped.length };
}

/** Admits every raw transaction through the node's TxService (as its RPC does); any refusal is a bench bug. */
export async function admitAll(p: Pipeline, raws: readonly Uint8Array[]): Promise<void> {
  for (let i = 0; i < raws.length; i++) {
    const r = await p.txs.submit(raws[i]!, "rpc");
    if (!r.ok) throw new Error(`transaction ${i} was refused at admission: ${r.message}`, { cause: r });
  }
}

/** Seals blocks until the pool has no executable transaction left; returns the blocks. */
export async function sealUntilEmpty(p: Pipeline, maxBlocks: number): Promise<SealedBlock[]> {
  const blocks: SealedBlock[] = [];
  while (p.pool.stats().pending > 0) {
    if (blocks.length >= maxBlocks) throw new Error(`pool still has ${p.pool.stats().pending} pending transactions after ${maxBlocks} blocks`);
    const sealed = await sealBlock(p);
    if (sealed.block.transactions.length === 0) throw new Error(`block ${sealed.block.header.number} included nothing; pool stuck`);
    blocks.push(sealed);
  }
  return blocks;
}
