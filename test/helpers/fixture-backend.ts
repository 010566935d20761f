// TEST FIXTURE for the JSON-RPC protocol layer only: an in-memory RpcBackend holding two hand-made
// blocks (genesis and one block with a real signed legacy, EIP-2930 and EIP-1559 transaction), their
// receipts and logs, one pooled transaction, and a few programmed call outcomes (a revert with a
// reason, a custom error, an exceptional halt, an internal failure). It has no chain logic: it lets
// rpc/ tests check translation and protocol behaviour. The real node is tested end to end elsewhere.
import { Hardfork, Mainnet, createCustomCommon, type Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import {
  createAccessList2930Tx,
  createFeeMarket1559Tx,
  createLegacyTx,
  createTxFromRLP,
  type TypedTransaction,
} from "@ethereumjs/tx";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { Address20, Block, BlockHeader, Hash32, Log, TxReceipt } from "../../src/primitives/types.js";
import { EMPTY_EVIDENCE_HASH } from "../../src/primitives/encoding.js";
import { ZERO_HASH } from "../../src/primitives/hash.js";
import { UserError, type BlockSelector, type FeeHistory, type LogQuery, type LogWithContext, type ReceiptWithContext, type RpcBackend, type SyncStatus, type TransactionWithContext } from "../../src/rpc/backend/port.js";
import { type CallRequest, type CallResult } from "../../src/evm/types.js";

export const CHAIN_ID = 1337n;
/** anvil's and hardhat's first dev key (public test key). */
export const SENDER_KEY = hexToBytes("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcc7ae3d2e8a8cb2ff");
export const RECIPIENT = hexToBytes("70997970c51812dc3a010c7d01b50e0d17dc79c8");
export const TOKEN = hexToBytes("5fbdb2315678afecb367f032d93f642f64180aa3");
/** Call targets with programmed failures. */
export const REVERTER = hexToBytes("00000000000000000000000000000000000000aa");
export const CUSTOM_ERRORER = hexToBytes("00000000000000000000000000000000000000bb");
export const HALTER = hexToBytes("00000000000000000000000000000000000000cc");
export const BROKEN = hexToBytes("00000000000000000000000000000000000000dd");

const word = (n: bigint): string => n.toString(16).padStart(64, "0");
/** ABI encoding of Error("insufficient balance"). */
export const REVERT_REASON = "insufficient balance";
export const REVERT_DATA = hexToBytes(
  "08c379a0" + word(32n) + word(BigInt(REVERT_REASON.length)) + bytesToHex(new TextEncoder().encode(REVERT_REASON)).padEnd(64, "0"),
);
/** Custom error InsufficientBalance(uint256 have, uint256 want): selector = keccak("InsufficientBalance(uint256,uint256)")[0..4]. */
export const CUSTOM_ERROR_DATA = hexToBytes(bytesToHex(keccak_256(new TextEncoder().encode("InsufficientBalance(uint256,uint256)"))).slice(0, 8) + word(5n) + word(7n));
/** keccak("Transfer(address,address,uint256)"). */
export const TRANSFER_TOPIC = keccak_256(new TextEncoder().encode("Transfer(address,address,uint256)"));

const hex = (bytes: Uint8Array): string => bytesToHex(bytes);
const same = (a: Uint8Array, b: Uint8Array): boolean => hex(a) === hex(b);
const padAddress = (a: Address20): Hash32 => {
  const out = new Uint8Array(32);
  out.set(a, 12);
  return out;
};

function makeHeader(number: bigint, parentHash: Hash32, txs: TypedTransaction[], gasUsed: bigint): BlockHeader {
  return {
    parentHash,
    number,
    timestamp: 1_700_000_000n + number,
    proposer: hexToBytes("f39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
    stateRoot: keccak_256(new TextEncoder().encode(`state ${number}`)),
    transactionsRoot: keccak_256(RLP.encode(txs.map((tx) => tx.serialize()))),
    receiptsRoot: keccak_256(new TextEncoder().encode(`receipts ${number}`)),
    logsBloom: new Uint8Array(256),
    gasLimit: 30_000_000n,
    gasUsed,
    baseFeePerGas: 1_000_000_000n,
    extraData: new TextEncoder().encode("fixture"),
    round: 0,
    proposerVrfProof: new Uint8Array(80),
    seed: keccak_256(new TextEncoder().encode(`seed ${number}`)),
    lastCommitHash: new Uint8Array(32),
    evidenceHash: EMPTY_EVIDENCE_HASH,
    nextValidatorsHash: ZERO_HASH,
  };
}

function makeBlock(header: BlockHeader, transactions: TypedTransaction[]): Block {
  const fields = Object.values(header).map((v) => (typeof v === "number" ? BigInt(v) : v));
  return { header, hash: keccak_256(RLP.encode(fields)), transactions, lastCommit: new Uint8Array(0), evidence: [] };
}

export class FixtureBackend implements RpcBackend {
  readonly chainId = CHAIN_ID;
  readonly clientVersion = "verity/fixture";
  readonly common: Common = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, { hardfork: Hardfork.Prague });
  readonly blocks: Block[] = [];
  readonly receipts = new Map<string, TxReceipt[]>();
  readonly sender: Address20;
  readonly pooled: TypedTransaction;
  /** Raw transactions eth_sendRawTransaction admitted, in order. */
  readonly submitted: TypedTransaction[] = [];
  readonly txs: { legacy: TypedTransaction; accessList: TypedTransaction; feeMarket: TypedTransaction };

  constructor() {
    const common = this.common;
    const legacy = createLegacyTx({ nonce: 0n, to: RECIPIENT, value: 10n ** 18n, gasPrice: 2_000_000_000n, gasLimit: 21_000n }, { common }).sign(SENDER_KEY);
    const accessList = createAccessList2930Tx(
      {
        nonce: 1n, gasPrice: 2_000_000_000n, gasLimit: 200_000n, data: hexToBytes("6080604052"), chainId: CHAIN_ID,
        accessList: [{ address: `0x${hex(TOKEN)}` as const, storageKeys: [`0x${word(1n)}` as const] }],
      },
      { common },
    ).sign(SENDER_KEY);
    const feeMarket = createFeeMarket1559Tx(
      { nonce: 2n, to: TOKEN, maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 500_000_000n, gasLimit: 60_000n, data: hexToBytes("a9059cbb"), chainId: CHAIN_ID },
      { common },
    ).sign(SENDER_KEY);
    this.txs = { legacy, accessList, feeMarket };
    this.pooled = createFeeMarket1559Tx(
      { nonce: 3n, to: RECIPIENT, value: 1n, maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1n, gasLimit: 21_000n, chainId: CHAIN_ID },
      { common },
    ).sign(SENDER_KEY);
    this.sender = legacy.getSenderAddress().bytes;

    const genesis = makeBlock(makeHeader(0n, new Uint8Array(32), [], 0n), []);
    const body = [legacy, accessList, feeMarket];
    const block1 = makeBlock(makeHeader(1n, genesis.hash, body, 21_000n + 100_000n + 40_000n), body);
    this.blocks.push(genesis, block1);
    const transferLog = (amount: bigint): Log => ({
      address: TOKEN,
      topics: [TRANSFER_TOPIC, padAddress(this.sender), padAddress(RECIPIENT)],
      data: hexToBytes(word(amount)),
    });
    const receipt = (type: number, cumulative: bigint, gasUsed: bigint, logs: Log[], contractAddress: Address20 | null, price: bigint): TxReceipt => ({
      status: 1, cumulativeGasUsed: cumulative, gasUsed, logsBloom: new Uint8Array(256), logs, contractAddress, effectiveGasPrice: price, type,
    });
    this.receipts.set(hex(genesis.hash), []);
    this.receipts.set(hex(block1.hash), [
      receipt(0, 21_000n, 21_000n, [], null, 2_000_000_000n),
      receipt(1, 121_000n, 100_000n, [], TOKEN, 2_000_000_000n),
      receipt(2, 161_000n, 40_000n, [transferLog(5n), transferLog(6n)], null, 1_500_000_000n),
    ]);
  }

  peerCount(): number {
    return 3;
  }
  syncing(): SyncStatus | null {
    return null;
  }
  accounts(): Address20[] {
    return [this.sender];
  }
  headNumber(): bigint {
    return BigInt(this.blocks.length - 1);
  }

  async getBlock(selector: BlockSelector): Promise<Block | null> {
    if (selector === "latest" || selector === "pending") return this.blocks[this.blocks.length - 1]!;
    if (selector === "earliest") return this.blocks[0]!;
    if ("number" in selector) return this.blocks[Number(selector.number)] ?? null;
    return this.blocks.find((b) => same(b.hash, selector.hash)) ?? null;
  }
  async getReceipts(blockHash: Hash32): Promise<TxReceipt[] | null> {
    return this.receipts.get(hex(blockHash)) ?? null;
  }

  private locate(hash: Hash32): { block: Block; index: number } | null {
    for (const block of this.blocks) {
      const index = block.transactions.findIndex((tx) => same(tx.hash(), hash));
      if (index >= 0) return { block, index };
    }
    return null;
  }

  async getTransaction(hash: Hash32): Promise<TransactionWithContext | null> {
    const found = this.locate(hash);
    if (found === null) {
      if (!same(hash, this.pooled.hash())) return null;
      return { tx: this.pooled, hash, sender: this.sender, location: null, blockBaseFee: null };
    }
    const { block, index } = found;
    const location = { blockHash: block.hash, blockNumber: block.header.number, index };
    return { tx: block.transactions[index]!, hash, sender: this.sender, location, blockBaseFee: block.header.baseFeePerGas };
  }

  async getReceipt(hash: Hash32): Promise<ReceiptWithContext | null> {
    const found = this.locate(hash);
    if (found === null) return null;
    const { block, index } = found;
    const receipts = this.receipts.get(hex(block.hash))!;
    const firstLogIndex = receipts.slice(0, index).reduce((n, r) => n + r.logs.length, 0);
    const location = { blockHash: block.hash, blockNumber: block.header.number, index };
    return { receipt: receipts[index]!, tx: block.transactions[index]!, hash, sender: this.sender, location, firstLogIndex };
  }

  async getLogs(query: LogQuery & { limit?: number }): Promise<LogWithContext[]> {
    const out: LogWithContext[] = [];
    for (const block of this.blocks.slice(Number(query.fromBlock), Number(query.toBlock) + 1)) {
      let logIndex = 0;
      for (const [transactionIndex, receipt] of this.receipts.get(hex(block.hash))!.entries()) {
        for (const log of receipt.logs) {
          const addressOk = query.addresses.length === 0 || query.addresses.some((a) => same(a, log.address));
          const topicsOk = query.topics.every((alts, i) => alts === null || (log.topics[i] !== undefined && alts.some((t) => same(t, log.topics[i]!))));
          if (addressOk && topicsOk) {
            out.push({ log, blockHash: block.hash, blockNumber: block.header.number, transactionHash: block.transactions[transactionIndex]!.hash(), transactionIndex, logIndex });
          }
          logIndex++;
        }
      }
    }
    return query.limit === undefined ? out : out.slice(0, query.limit);
  }

  private async stateBlock(at: BlockSelector): Promise<Block> {
    const block = await this.getBlock(at);
    if (block === null) throw new UserError("header not found");
    return block;
  }

  async getBalance(address: Address20, at: BlockSelector): Promise<bigint> {
    const block = await this.stateBlock(at);
    return same(address, this.sender) ? 10n ** 22n - block.header.number : 0n;
  }
  async getNonce(address: Address20, at: BlockSelector): Promise<bigint> {
    const block = await this.stateBlock(at);
    if (!same(address, this.sender)) return 0n;
    return at === "pending" ? 4n : block.header.number === 0n ? 0n : 3n;
  }
  async getCode(address: Address20, at: BlockSelector): Promise<Uint8Array> {
    await this.stateBlock(at);
    if (same(address, BROKEN)) throw new Error("LevelDB read failed at /var/secret/path (fixture)");
    return same(address, TOKEN) ? hexToBytes("6080604052") : new Uint8Array();
  }
  async getStorageAt(address: Address20, slot: Hash32, at: BlockSelector): Promise<Uint8Array> {
    await this.stateBlock(at);
    return same(address, TOKEN) && slot[31] === 1 ? Uint8Array.of(0x2a) : new Uint8Array();
  }

  async call(request: CallRequest, at: BlockSelector): Promise<CallResult> {
    await this.stateBlock(at);
    const to = request.to ?? new Uint8Array(20);
    if (same(to, REVERTER)) return { failed: true, returnData: REVERT_DATA, gasUsed: 30_000n, error: "execution reverted" };
    if (same(to, CUSTOM_ERRORER)) return { failed: true, returnData: CUSTOM_ERROR_DATA, gasUsed: 30_000n, error: "execution reverted" };
    if (same(to, HALTER)) return { failed: true, returnData: new Uint8Array(), gasUsed: 30_000n, error: "out of gas" };
    if (same(to, BROKEN)) throw new Error("state trie node missing (fixture)");
    return { failed: false, returnData: request.data ?? new Uint8Array(), gasUsed: 21_000n };
  }
  async estimateGas(request: CallRequest, at: BlockSelector): Promise<bigint> {
    const result = await this.call(request, at);
    if (result.failed && result.error === "execution reverted") throw new UserError("execution reverted", 3, result.returnData);
    if (result.failed) throw new UserError("gas required exceeds allowance (30000000)");
    return 21_000n + 16n * BigInt(request.data?.length ?? 0);
  }

  async sendRawTransaction(raw: Uint8Array): Promise<Hash32> {
    let tx: TypedTransaction;
    try {
      tx = createTxFromRLP(raw, { common: this.common });
    } catch {
      throw new UserError("rlp: invalid transaction encoding");
    }
    if (tx.nonce < 3n) throw new UserError("nonce too low");
    this.submitted.push(tx);
    return tx.hash();
  }

  async gasPrice(): Promise<bigint> {
    return 1_500_000_000n;
  }
  async maxPriorityFeePerGas(): Promise<bigint> {
    return 500_000_000n;
  }
  async feeHistory(blockCount: number, newest: BlockSelector, percentiles: number[] | null): Promise<FeeHistory> {
    const last = await this.stateBlock(newest);
    const count = Math.min(blockCount, Number(last.header.number) + 1);
    const blocks = this.blocks.slice(Number(last.header.number) + 1 - count, Number(last.header.number) + 1);
    const history: FeeHistory = {
      oldestBlock: blocks[0]!.header.number,
      baseFeePerGas: [...blocks.map((b) => b.header.baseFeePerGas), 1_000_000_000n],
      gasUsedRatio: blocks.map((b) => Number(b.header.gasUsed) / Number(b.header.gasLimit)),
    };
    if (percentiles !== null) history.reward = blocks.map(() => percentiles.map((p) => BigInt(Math.round(p)) * 1_000_000n));
    return history;
  }
}
