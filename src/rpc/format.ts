// Ethereum's JSON shapes for blocks, transactions, receipts and logs, as the execution-apis spec
// (../shared/conformance/execution-apis-openrpc.json) and geth give them. Quantities are minimal hex,
// addresses lowercase. Pure functions: whatever needs the chain was fetched by the caller.
import { isAccessList2930Tx, isFeeMarket1559Tx, isLegacyTx, type TypedTransaction } from "@ethereumjs/tx";
import { encodeBlock } from "../primitives/encoding.js";
import { effectiveGasPrice } from "../primitives/fees.js";
import type { Address20, Hash32, Log } from "../primitives/types.js";
import type { BlockWithExtras, FeeHistory, LogWithContext, ReceiptWithContext, SyncStatus } from "./backend/port.js";
import { data, paddedData, quantity } from "./hex.js";
import type { Json, JsonObject } from "../util/json.js";


/** keccak256(rlp([])): the ommers hash of a block without uncles. */
export const EMPTY_UNCLES_HASH = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";
/** Proof-of-stake blocks carry no proof-of-work nonce. */
export const ZERO_NONCE = "0x0000000000000000";

/** Where a mined transaction sits; absent for a transaction still in the pool. */
export interface InclusionContext {
  blockHash: Hash32;
  blockNumber: bigint;
  blockTimestamp: bigint;
  index: number;
  baseFeePerGas: bigint;
}

const address = (bytes: Address20): string => data(bytes);

function toOrNull(tx: TypedTransaction): string | null {
  return tx.to === undefined ? null : address(tx.to.bytes);
}

function accessListJson(tx: TypedTransaction): Json[] {
  if (!isAccessList2930Tx(tx) && !isFeeMarket1559Tx(tx)) return [];
  return tx.accessList.map(([entryAddress, keys]) => ({
    address: address(entryAddress),
    storageKeys: keys.map((key) => paddedData(key, 32)),
  }));
}

/** EIP-155 chain id of a legacy transaction from its v, or null for a pre-EIP-155 (v = 27/28) one. */
function legacyChainId(v: bigint): bigint | null {
  return v >= 35n ? (v - 35n) / 2n : null;
}

/**
 * A transaction as eth_getTransactionByHash returns it, per type: legacy (gasPrice, v/r/s, chainId
 * when EIP-155 protected), EIP-2930 (+ accessList, yParity) and EIP-1559 (+ maxFeePerGas,
 * maxPriorityFeePerGas; gasPrice is the effective price once mined, maxFeePerGas while pending).
 */
export function formatTransaction(tx: TypedTransaction, hash: Hash32, sender: Address20, inclusion: InclusionContext | null): JsonObject {
  if (tx.v === undefined || tx.r === undefined || tx.s === undefined) throw new Error("unsigned transaction");
  const out: JsonObject = {
    blockHash: inclusion ? data(inclusion.blockHash) : null,
    blockNumber: inclusion ? quantity(inclusion.blockNumber) : null,
  };
  if (inclusion) out.blockTimestamp = quantity(inclusion.blockTimestamp);
  out.from = address(sender);
  out.gas = quantity(tx.gasLimit);
  out.hash = data(hash);
  out.input = data(tx.data);
  out.nonce = quantity(tx.nonce);
  out.to = toOrNull(tx);
  out.transactionIndex = inclusion ? quantity(inclusion.index) : null;
  out.value = quantity(tx.value);
  out.type = quantity(tx.type);

  if (isLegacyTx(tx)) {
    out.gasPrice = quantity(tx.gasPrice);
    const chainId = legacyChainId(tx.v);
    if (chainId !== null) out.chainId = quantity(chainId);
  } else if (isAccessList2930Tx(tx)) {
    out.gasPrice = quantity(tx.gasPrice);
    out.chainId = quantity(tx.chainId);
    out.accessList = accessListJson(tx);
    out.yParity = quantity(tx.v);
  } else if (isFeeMarket1559Tx(tx)) {
    out.gasPrice = quantity(inclusion ? effectiveGasPrice(tx, inclusion.baseFeePerGas) : tx.maxFeePerGas);
    out.maxFeePerGas = quantity(tx.maxFeePerGas);
    out.maxPriorityFeePerGas = quantity(tx.maxPriorityFeePerGas);
    out.chainId = quantity(tx.chainId);
    out.accessList = accessListJson(tx);
    out.yParity = quantity(tx.v);
  } else {
    throw new Error(`transaction type ${tx.type} is not supported by this chain`);
  }
  out.v = quantity(tx.v);
  out.r = quantity(tx.r);
  out.s = quantity(tx.s);
  return out;
}

/** Ethereum's `size`: bytes of the block's encoding. Uses the node's figure when it gives one (backend.ts). */
export function blockSize(block: BlockWithExtras): number {
  return block.size ?? encodeBlock(block).length;
}

function senderOf(block: BlockWithExtras, index: number): Address20 {
  return block.senders?.[index] ?? block.transactions[index]!.getSenderAddress().bytes;
}

/**
 * A header as eth_subscribe("newHeads") sends it (geth's RPCMarshalHeader). Proof-of-work fields take
 * their post-merge values (difficulty 0, zero nonce, no uncles); mixHash carries the header's sortition
 * seed, as it carries prevrandao on Ethereum. Withdrawals and blob fields are omitted: this chain has
 * neither.
 */
export function formatHeader(block: BlockWithExtras): JsonObject {
  const h = block.header;
  return {
    baseFeePerGas: quantity(h.baseFeePerGas),
    difficulty: "0x0",
    extraData: data(h.extraData),
    gasLimit: quantity(h.gasLimit),
    gasUsed: quantity(h.gasUsed),
    hash: data(block.hash),
    logsBloom: data(h.logsBloom),
    miner: address(h.proposer),
    mixHash: data(h.seed),
    nonce: ZERO_NONCE,
    number: quantity(h.number),
    parentHash: data(h.parentHash),
    receiptsRoot: data(h.receiptsRoot),
    sha3Uncles: EMPTY_UNCLES_HASH,
    stateRoot: data(h.stateRoot),
    timestamp: quantity(h.timestamp),
    transactionsRoot: data(h.transactionsRoot),
  };
}

/** A block as eth_getBlockByNumber/ByHash return it: the header plus size, transactions and uncles. */
export function formatBlock(block: BlockWithExtras, fullTransactions: boolean): JsonObject {
  const h = block.header;
  const inclusion = (index: number): InclusionContext => ({
    blockHash: block.hash,
    blockNumber: h.number,
    blockTimestamp: h.timestamp,
    index,
    baseFeePerGas: h.baseFeePerGas,
  });
  const transactions: Json[] = block.transactions.map((tx, i) =>
    fullTransactions ? formatTransaction(tx, tx.hash(), senderOf(block, i), inclusion(i)) : data(tx.hash()),
  );
  return { ...formatHeader(block), size: quantity(blockSize(block)), transactions, uncles: [] };
}

/** Where a log sits, for the positional fields every log carries. */
export interface LogPosition {
  blockHash: Hash32;
  blockNumber: bigint;
  blockTimestamp?: bigint;
  transactionHash: Hash32;
  transactionIndex: number;
  logIndex: number;
}

export function formatLog(log: Log, at: LogPosition): JsonObject {
  const out: JsonObject = {
    address: address(log.address),
    topics: log.topics.map((topic) => data(topic)),
    data: data(log.data),
    blockNumber: quantity(at.blockNumber),
    blockHash: data(at.blockHash),
  };
  if (at.blockTimestamp !== undefined) out.blockTimestamp = quantity(at.blockTimestamp);
  out.transactionHash = data(at.transactionHash);
  out.transactionIndex = quantity(at.transactionIndex);
  out.logIndex = quantity(at.logIndex);
  out.removed = false; // commits are final: no log is ever reorganised away
  return out;
}

export function formatLogWithContext(entry: LogWithContext): JsonObject {
  return formatLog(entry.log, entry);
}

/** A receipt as eth_getTransactionReceipt returns it (post-Byzantium: status, no root). */
export function formatReceipt(entry: ReceiptWithContext): JsonObject {
  const { receipt, tx, location } = entry;
  const logs = receipt.logs.map((log, i) =>
    formatLog(log, {
      blockHash: location.blockHash,
      blockNumber: location.blockNumber,
      ...(entry.blockTimestamp !== undefined ? { blockTimestamp: entry.blockTimestamp } : {}),
      transactionHash: entry.hash,
      transactionIndex: location.index,
      logIndex: entry.firstLogIndex + i,
    }),
  );
  return {
    blockHash: data(location.blockHash),
    blockNumber: quantity(location.blockNumber),
    contractAddress: receipt.contractAddress === null ? null : address(receipt.contractAddress),
    cumulativeGasUsed: quantity(receipt.cumulativeGasUsed),
    effectiveGasPrice: quantity(receipt.effectiveGasPrice),
    from: address(entry.sender),
    gasUsed: quantity(receipt.gasUsed),
    logs,
    logsBloom: data(receipt.logsBloom),
    status: quantity(receipt.status),
    to: toOrNull(tx),
    transactionHash: data(entry.hash),
    transactionIndex: quantity(location.index),
    type: quantity(receipt.type),
  };
}

export function formatFeeHistory(history: FeeHistory): JsonObject {
  const out: JsonObject = {
    oldestBlock: quantity(history.oldestBlock),
    baseFeePerGas: history.baseFeePerGas.map((fee) => quantity(fee)),
    gasUsedRatio: [...history.gasUsedRatio],
  };
  if (history.reward !== undefined) out.reward = history.reward.map((row) => row.map((fee) => quantity(fee)));
  return out;
}

export function formatSyncStatus(status: SyncStatus | null): Json {
  if (status === null) return false;
  return {
    startingBlock: quantity(status.startingBlock),
    currentBlock: quantity(status.currentBlock),
    highestBlock: quantity(status.highestBlock),
  };
}
