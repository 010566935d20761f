// The two block paths the consensus engine drives: the proposer builds a block from the tx pool on
// top of the head and executes it; every other validator re-executes a received block and rejects it
// unless the header's roots, gas and bloom are exactly what execution produced.
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { BlockExecutor, ExecutionOutcome, SkippedTx, TxCandidates } from "../evm/executor.js";
import type { Chain } from "./chain.js";
import { transactionsRoot, receiptsRoot } from "../primitives/block-roots.js";
import { evidenceHashOf, hashHeader } from "../primitives/encoding.js";
import { nextBaseFee } from "../primitives/fees.js";
import { MAX_BLOCK_BYTES, MAX_EXTRA_DATA } from "../primitives/limits.js";
import type { Block, BlockHeader, Hash32, TxReceipt } from "../primitives/types.js";

/** Consensus fields of a proposal, filled by the engine (or the single-validator dev sealer). */
export interface ProposalFields {
  proposer: Uint8Array;
  round: number;
  proposerVrfProof: Uint8Array;
  seed: Hash32;
  /** The parent's commit certificate (encoded; empty at height 1) and its hash. */
  lastCommit: Uint8Array;
  lastCommitHash: Hash32;
  /** The hash of the next height's validator set (consensus/validator-set-hash.ts). */
  nextValidatorsHash: Hash32;
  /** Wall-clock seconds; the header gets max(this, parent timestamp). */
  now: bigint;
  /** Equivocation evidence to carry (encoded; checked by the consensus layer before it is offered). */
  evidence?: Uint8Array[];
  extraData?: Uint8Array;
}

export interface ExecutedBlock {
  block: Block;
  receipts: TxReceipt[];
}

export class BlockValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockValidationError";
  }
}

/** Header, lastCommit and RLP overhead are bounded well within this. */
const BLOCK_OVERHEAD_BYTES = 64 * 1024;

export class BlockBuilder {
  constructor(
    private readonly chain: Chain,
    private readonly executor: BlockExecutor,
  ) {}

  private envFor(parent: BlockHeader, proposer: Uint8Array, timestamp: bigint, seed: Hash32, lastCommit: Uint8Array, evidence: Uint8Array[]) {
    const params = this.chain.genesis.params;
    return {
      number: parent.number + 1n,
      timestamp,
      proposer,
      gasLimit: params.gasLimit,
      baseFeePerGas: nextBaseFee(parent, params),
      prevRandao: seed,
      lastCommit,
      evidence,
    };
  }

  /** Proposer path: a new block on the current head, filled from `candidates`. */
  /** `maxGas`: fill the block with at most this much gas (the header keeps the chain's gas limit). */
  async propose(fields: ProposalFields, candidates: TxCandidates, maxGas?: bigint): Promise<ExecutedBlock & { skipped: SkippedTx[] }> {
    const parent = this.chain.head;
    const timestamp = fields.now > parent.header.timestamp ? fields.now : parent.header.timestamp;
    const evidence = fields.evidence ?? [];
    const evidenceBytes = evidence.reduce((n, e) => n + e.length, 0);
    const env = this.envFor(parent.header, fields.proposer, timestamp, fields.seed, fields.lastCommit, evidence);
    const out = await this.executor.build(parent.header.stateRoot, env, candidates, MAX_BLOCK_BYTES - BLOCK_OVERHEAD_BYTES - fields.lastCommit.length - evidenceBytes, maxGas);
    const header: BlockHeader = {
      parentHash: parent.hash,
      number: env.number,
      timestamp,
      proposer: fields.proposer,
      stateRoot: out.stateRoot,
      transactionsRoot: transactionsRoot(out),
      receiptsRoot: receiptsRoot(out.receipts),
      logsBloom: out.logsBloom,
      gasLimit: env.gasLimit,
      gasUsed: out.gasUsed,
      baseFeePerGas: env.baseFeePerGas,
      extraData: fields.extraData ?? new Uint8Array(0),
      round: fields.round,
      proposerVrfProof: fields.proposerVrfProof,
      seed: fields.seed,
      lastCommitHash: fields.lastCommitHash,
      evidenceHash: evidenceHashOf(evidence),
      nextValidatorsHash: fields.nextValidatorsHash,
    };
    return {
      block: { header, hash: hashHeader(header), transactions: out.transactions, lastCommit: fields.lastCommit, evidence },
      receipts: out.receipts,
      skipped: out.skipped,
    };
  }

  /** The chain is about to commit `block` (built or validated earlier at this height): make sure the
   * live state sits on its post-state, since another proposal may have been executed since. */
  async prepareCommit(block: Block): Promise<void> {
    await this.executor.resetTo(block.header.stateRoot);
  }

  /**
   * Validator path: checks the header against the parent (the current head), re-executes the
   * transactions and compares every execution-derived field. Throws BlockValidationError naming the
   * first mismatch. `nowSeconds` bounds how far in the future a timestamp may be.
   */
  async validate(block: Block, nowSeconds: bigint, maxFutureSeconds = 15n): Promise<ExecutedBlock> {
    const parent = this.chain.head;
    const h = block.header;
    const fail = (what: string) => new BlockValidationError(`block ${h.number} ${bytesToHex(block.hash)}: ${what}`);
    if (!equalsBytes(block.hash, hashHeader(h))) throw fail("hash does not match the header");
    if (h.number !== parent.header.number + 1n) throw fail(`number is not head + 1 (head ${parent.header.number})`);
    if (!equalsBytes(h.parentHash, parent.hash)) throw fail("parent hash is not the head");
    if (h.timestamp < parent.header.timestamp) throw fail("timestamp is before the parent's");
    if (h.timestamp > nowSeconds + maxFutureSeconds) throw fail("timestamp is too far in the future");
    const params = this.chain.genesis.params;
    if (h.gasLimit !== params.gasLimit) throw fail(`gas limit ${h.gasLimit} is not the chain's ${params.gasLimit}`);
    const baseFee = nextBaseFee(parent.header, params);
    if (h.baseFeePerGas !== baseFee) throw fail(`base fee ${h.baseFeePerGas} is not ${baseFee}`);
    if (h.extraData.length > MAX_EXTRA_DATA) throw fail(`extra data longer than ${MAX_EXTRA_DATA} bytes`);
    if (!equalsBytes(h.transactionsRoot, transactionsRoot(block))) throw fail("transactionsRoot does not match the transactions");
    if (!equalsBytes(h.evidenceHash, evidenceHashOf(block.evidence))) throw fail("evidenceHash does not match the evidence");
    for (const tx of block.transactions) if (tx.type === 3 || tx.type === 4) throw fail(`transaction type ${tx.type} is not supported`);

    let out: ExecutionOutcome;
    try {
      out = await this.executor.execute(parent.header.stateRoot, this.envFor(parent.header, h.proposer, h.timestamp, h.seed, block.lastCommit, block.evidence), block.transactions);
    } catch (e) {
      throw fail((e as Error).message);
    }
    const mismatch =
      (!equalsBytes(out.stateRoot, h.stateRoot) && "stateRoot") ||
      (!equalsBytes(receiptsRoot(out.receipts), h.receiptsRoot) && "receiptsRoot") ||
      (out.gasUsed !== h.gasUsed && "gasUsed") ||
      (!equalsBytes(out.logsBloom, h.logsBloom) && "logsBloom");
    if (mismatch) {
      await this.executor.resetTo(parent.header.stateRoot);
      throw fail(`${mismatch} does not match the result of executing its transactions`);
    }
    return { block, receipts: out.receipts };
  }
}
