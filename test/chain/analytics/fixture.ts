// Hand-made chains for the analytics tests: blocks with real signed transactions and receipts whose
// gas use, logs and base fees a test chooses, behind the analytics' narrow ChainReader. It counts
// receipt reads, so a test can see which blocks the bloom prefilter skipped.
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import type { ChainReader } from "../../../src/chain/analytics/chain-reader.js";
import { logsBloom } from "../../../src/primitives/bloom.js";
import { EMPTY_EVIDENCE_HASH, hashHeader } from "../../../src/primitives/encoding.js";
import { EMPTY_TRIE_ROOT, ZERO_ADDRESS, ZERO_HASH } from "../../../src/primitives/hash.js";
import type { Block, ChainParams, Hash32, Log, TxReceipt } from "../../../src/primitives/types.js";

/** The dev chain's fee rules: 30M gas, target 15M, base fee moves by at most 1/8 per block. */
export const PARAMS: ChainParams = {
  chainId: 31337n,
  gasLimit: 30_000_000n,
  blockTimeSeconds: 1,
  initialBaseFee: 1_000_000_000n,
  minBaseFee: 0n,
  elasticityMultiplier: 2n,
  baseFeeChangeDenominator: 8n,
  committeeSize: 4000n,
  proposerTau: 26n,
};

export const GWEI = 1_000_000_000n;

export interface TxSpec {
  tx: TypedTransaction;
  /** The receipt's gas used (default 21000). */
  gasUsed?: bigint;
  logs?: Log[];
}

export interface BlockSpec {
  baseFee?: bigint;
  txs?: TxSpec[];
  /** The header's gas used (default: the receipts' sum). */
  gasUsed?: bigint;
}

export class TestChain implements ChainReader {
  readonly genesis = { params: PARAMS };
  readonly blocks: Block[] = [];
  private readonly receipts = new Map<string, TxReceipt[]>();
  /** Numbers of the blocks whose receipts were read, in order. */
  readonly receiptReads: bigint[] = [];

  /** Block i of the chain is specs[i] (specs[0] is the genesis). */
  constructor(specs: BlockSpec[]) {
    let parentHash: Hash32 = ZERO_HASH;
    for (const [i, spec] of specs.entries()) {
      const txs = spec.txs ?? [];
      let cumulative = 0n;
      const receipts: TxReceipt[] = txs.map(({ tx, gasUsed = 21_000n, logs = [] }) => {
        cumulative += gasUsed;
        return { status: 1, cumulativeGasUsed: cumulative, gasUsed, logsBloom: logsBloom(logs), logs, contractAddress: null, effectiveGasPrice: 0n, type: tx.type };
      });
      const header = {
        parentHash,
        number: BigInt(i),
        timestamp: 1_700_000_000n + BigInt(i),
        proposer: ZERO_ADDRESS,
        stateRoot: EMPTY_TRIE_ROOT,
        transactionsRoot: EMPTY_TRIE_ROOT,
        receiptsRoot: EMPTY_TRIE_ROOT,
        logsBloom: logsBloom(receipts.flatMap((r) => r.logs)),
        gasLimit: PARAMS.gasLimit,
        gasUsed: spec.gasUsed ?? cumulative,
        baseFeePerGas: spec.baseFee ?? PARAMS.initialBaseFee,
        extraData: new Uint8Array(0),
        round: 0,
        proposerVrfProof: new Uint8Array(0),
        seed: ZERO_HASH,
        lastCommitHash: ZERO_HASH,
        evidenceHash: EMPTY_EVIDENCE_HASH,
        nextValidatorsHash: ZERO_HASH,
      };
      const block: Block = { header, hash: hashHeader(header), transactions: txs.map((t) => t.tx), lastCommit: new Uint8Array(0), evidence: [] };
      this.blocks.push(block);
      this.receipts.set(bytesToHex(block.hash), receipts);
      parentHash = block.hash;
    }
  }

  get head(): Block {
    return this.blocks[this.blocks.length - 1]!;
  }

  async getBlockByNumber(number: bigint): Promise<Block | null> {
    return number < 0n ? null : (this.blocks[Number(number)] ?? null);
  }

  async getReceipts(blockHash: Hash32): Promise<TxReceipt[] | null> {
    const receipts = this.receipts.get(bytesToHex(blockHash));
    if (receipts === undefined) return null;
    this.receiptReads.push(this.blocks.find((b) => bytesToHex(b.hash) === bytesToHex(blockHash))!.header.number);
    return receipts;
  }
}
