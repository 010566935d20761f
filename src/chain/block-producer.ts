// The one path a block takes from the pool to the chain: select -> build -> execute -> commit. The
// consensus driver (for blocks it proposes, validates and commits), the import of blocks proven
// final elsewhere (sync, announcements) and the execution benchmark all go through it, so the code
// that is measured is the code that runs. What reacts to a commit (pool upkeep, RPC events, the
// block announcement) listens to the chain (Chain.onCommitted / "block"), not to the producer.
import type { TypedTransaction } from "@ethereumjs/tx";
import type { TxCandidates } from "../evm/executor.js";
import { encodeBlock } from "../primitives/encoding.js";
import { nextBaseFee } from "../primitives/fees.js";
import type { Block } from "../primitives/types.js";
import type { BlockBuilder, ExecutedBlock, ProposalFields } from "./block-builder.js";
import type { Chain, CommitOrigin } from "./chain.js";
import type { Metrics } from "../metrics/index.js";
import { ExecutionPace } from "./execution-pace.js";

/** Where proposals get their transactions (the tx pool, through its adapter). */
export interface CandidateSource {
  select(baseFee: bigint, gasLimit: bigint): TxCandidates;
  /** How many pooled transactions the next block could include (they pay its base fee). */
  includableCount(): number;
  /** The pooled transaction with this hash, if any (decoded, sender recovered). */
  known?(hash: Uint8Array): TypedTransaction | undefined;
}

/** A block executed on the head's state, ready to commit; `skipped` lists what its builder left out. */
export interface ProducedBlock extends ExecutedBlock {
  skipped: readonly TypedTransaction[];
  /** The block's encoding, when the producer made it (a proposal is encoded once: for the network
   * and for the commit batch). */
  bytes?: Uint8Array;
}

/** Bounds on one proposal beyond the chain's gas limit. */
export interface ProduceLimits {
  /** Fill the block with no more gas than this node executes in about this many milliseconds
   * (execution-pace.ts); absent: up to the gas limit. */
  readonly maxExecutionMs?: number;
}

export class BlockProducer {
  /** This node's measured execution speed, from every block it builds or validates. */
  readonly pace = new ExecutionPace();

  constructor(
    private readonly chain: Chain,
    private readonly builder: BlockBuilder,
    private readonly candidates: CandidateSource,
    private readonly metrics: Metrics | null = null,
  ) {}

  /** Proposer path: selects from the pool what pays the next base fee and builds a block on the head. */
  async produce(fields: ProposalFields, limits: ProduceLimits = {}): Promise<ProducedBlock> {
    const done = this.metrics?.block.buildSeconds.startTimer();
    const t0 = performance.now();
    const head = this.chain.head.header;
    const gas = limits.maxExecutionMs === undefined ? head.gasLimit : this.pace.budget(limits.maxExecutionMs, head.gasLimit);
    const selection = this.candidates.select(nextBaseFee(head, this.chain.genesis.params), gas);
    const built = await this.builder.propose(fields, selection, gas);
    this.pace.record(built.block.header.gasUsed, performance.now() - t0);
    const produced = { block: built.block, receipts: built.receipts, skipped: built.skipped.map((s) => s.tx), bytes: encodeBlock(built.block) };
    done?.();
    return produced;
  }

  /** Validator path: re-executes a received block on the head and checks every derived field. */
  async validate(block: Block, nowSeconds: bigint, maxFutureSeconds?: bigint): Promise<ProducedBlock> {
    const done = this.metrics?.block.executeSeconds.startTimer();
    const t0 = performance.now();
    const executed = await this.builder.validate(block, nowSeconds, maxFutureSeconds);
    this.pace.record(block.header.gasUsed, performance.now() - t0);
    done?.();
    return { ...executed, skipped: [] };
  }

  /**
   * Appends an executed block with its certificate: the live state moves to its post-state (another
   * proposal may have been executed since), then the chain writes it in one batch and runs its
   * commit reactions. The block must extend the head (Chain.commit throws otherwise).
   */
  async commit(produced: ProducedBlock, certificateBytes: Uint8Array | undefined, origin: CommitOrigin): Promise<void> {
    const done = this.metrics?.block.commitSeconds.startTimer();
    await this.builder.prepareCommit(produced.block);
    await this.chain.commit(produced.block, produced.receipts, {
      ...(certificateBytes ? { certificateBytes } : {}),
      ...(produced.bytes ? { blockBytes: produced.bytes } : {}),
      skipped: produced.skipped,
      origin,
    });
    done?.();
  }
}
