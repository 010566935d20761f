// Object and list parameters: the transaction object of eth_call/eth_estimateGas, the eth_getLogs
// filter, and eth_feeHistory's block count and percentiles. Field errors name the field; the caller
// adds the argument position.
import type { CallRequest } from "../evm/types.js";
import type { Address20, Hash32 } from "../primitives/types.js";
import {
  ParamError,
  field,
  isPlainObject,
  jsonType,
  parseAddress,
  parseBlockNumberOrTag,
  parseData,
  parseHash,
  parseQuantity,
  parseUint256,
  parseUint64,
  type BlockNumberOrTag,
} from "./params.js";

export interface ParsedCallRequest {
  request: CallRequest;
  /** The chainId field when the caller set one; the method checks it against the node's. */
  chainId?: bigint;
  /** The envelope type when the caller set one (eth_sendTransaction honours it; calls ignore it). */
  type?: number;
}

type AccessList = NonNullable<CallRequest["accessList"]>;

function parseAccessList(value: unknown): AccessList {
  if (!Array.isArray(value)) throw new ParamError(`expected array, got ${jsonType(value)}`);
  return value.map((entry: unknown, i) => {
    if (!isPlainObject(entry)) throw new ParamError(`entry ${i}: expected object, got ${jsonType(entry)}`);
    const address = field(`entry ${i}: address`, parseAddress, entry.address);
    const keys = entry.storageKeys ?? [];
    if (!Array.isArray(keys)) throw new ParamError(`entry ${i}: storageKeys: expected array, got ${jsonType(keys)}`);
    const storageKeys = keys.map((key: unknown, j) => field(`entry ${i}: storageKeys ${j}`, parseHash, key));
    return { address, storageKeys };
  });
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * The transaction object of eth_call and eth_estimateGas. Unknown fields are ignored (as geth does);
 * known ones must be well formed. Blob and EIP-7702 fields are refused: this chain has neither.
 */
export function parseCallRequest(value: unknown): ParsedCallRequest {
  if (!isPlainObject(value)) throw new ParamError(`transaction must be an object, got ${jsonType(value)}`);
  const tx = value;
  const request: CallRequest = {};
  if (present(tx.from)) request.from = field("from", parseAddress, tx.from);
  if (present(tx.to)) request.to = field("to", parseAddress, tx.to);
  if (present(tx.gas)) request.gas = field("gas", parseUint64, tx.gas);
  if (present(tx.gasPrice)) request.gasPrice = field("gasPrice", parseUint256, tx.gasPrice);
  if (present(tx.maxFeePerGas)) request.maxFeePerGas = field("maxFeePerGas", parseUint256, tx.maxFeePerGas);
  if (present(tx.maxPriorityFeePerGas)) {
    request.maxPriorityFeePerGas = field("maxPriorityFeePerGas", parseUint256, tx.maxPriorityFeePerGas);
  }
  if (present(tx.value)) request.value = field("value", parseUint256, tx.value);
  if (present(tx.nonce)) request.nonce = field("nonce", parseUint64, tx.nonce);
  if (present(tx.accessList)) request.accessList = field("accessList", parseAccessList, tx.accessList);
  const type = present(tx.type) ? field("type", parseUint64, tx.type) : undefined;

  const input = present(tx.input) ? field("input", parseData, tx.input) : undefined;
  const data = present(tx.data) ? field("data", parseData, tx.data) : undefined;
  if (input !== undefined && data !== undefined && !sameBytes(input, data)) {
    throw new ParamError('both "data" and "input" are set and not equal. Please use "input" to pass transaction call data');
  }
  const callData = input ?? data;
  if (callData !== undefined) request.data = callData;

  if (request.gasPrice !== undefined && (request.maxFeePerGas !== undefined || request.maxPriorityFeePerGas !== undefined)) {
    throw new ParamError("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
  }
  if (
    request.maxFeePerGas !== undefined &&
    request.maxPriorityFeePerGas !== undefined &&
    request.maxFeePerGas < request.maxPriorityFeePerGas
  ) {
    throw new ParamError(`maxFeePerGas (${request.maxFeePerGas}) < maxPriorityFeePerGas (${request.maxPriorityFeePerGas})`);
  }
  for (const unsupported of ["blobVersionedHashes", "blobs", "maxFeePerBlobGas"]) {
    if (present(tx[unsupported])) throw new ParamError(`${unsupported}: blob transactions are not supported`);
  }
  if (present(tx.authorizationList)) throw new ParamError("authorizationList: EIP-7702 transactions are not supported");

  const parsed: ParsedCallRequest = { request };
  if (present(tx.chainId)) parsed.chainId = field("chainId", parseUint256, tx.chainId);
  if (type !== undefined) {
    if (type > 4n) throw new ParamError(`type: unknown transaction type ${type}`);
    parsed.type = Number(type);
  }
  return parsed;
}

/** geth's caps on one filter: addresses, topic positions, and alternatives per position. */
export const MAX_FILTER_ADDRESSES = 1000;
export const MAX_FILTER_TOPICS = 4;
export const MAX_TOPIC_ALTERNATIVES = 1000;

interface FilterCriteria {
  addresses: Address20[];
  /** Per position: null matches anything, otherwise any of the listed topics. */
  topics: Array<Hash32[] | null>;
}

export type LogFilter =
  | (FilterCriteria & { kind: "hash"; blockHash: Hash32 })
  | (FilterCriteria & { kind: "range"; fromBlock: BlockNumberOrTag; toBlock: BlockNumberOrTag });

function parseFilterAddresses(value: unknown): Address20[] {
  if (!present(value)) return [];
  if (!Array.isArray(value)) return [field("address", parseAddress, value)];
  if (value.length > MAX_FILTER_ADDRESSES) throw new ParamError("exceed max addresses");
  return value.map((item: unknown, i) => field(`address ${i}`, parseAddress, item));
}

function parseTopicPosition(value: unknown, position: number): Hash32[] | null {
  if (!present(value)) return null;
  if (!Array.isArray(value)) return [field(`topics ${position}`, parseHash, value)];
  if (value.length > MAX_TOPIC_ALTERNATIVES) throw new ParamError(`topics ${position}: exceed max topics per position`);
  // A null alternative, or an empty list of alternatives, matches anything (geth's reading).
  if (value.length === 0 || value.some((item) => item === null)) return null;
  return value.map((item: unknown, i) => field(`topics ${position} ${i}`, parseHash, item));
}

function parseTopics(value: unknown): Array<Hash32[] | null> {
  if (!present(value)) return [];
  if (!Array.isArray(value)) throw new ParamError(`topics: expected array, got ${jsonType(value)}`);
  if (value.length > MAX_FILTER_TOPICS) throw new ParamError("exceed max topics");
  return value.map((position: unknown, i) => parseTopicPosition(position, i));
}

/** The eth_getLogs filter: a block range (default latest..latest) or one block hash, never both. */
export function parseLogFilter(value: unknown): LogFilter {
  if (!isPlainObject(value)) throw new ParamError(`filter must be an object, got ${jsonType(value)}`);
  const criteria: FilterCriteria = { addresses: parseFilterAddresses(value.address), topics: parseTopics(value.topics) };
  if (present(value.blockHash)) {
    if (present(value.fromBlock) || present(value.toBlock)) {
      throw new ParamError("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
    }
    return { kind: "hash", blockHash: field("blockHash", parseHash, value.blockHash), ...criteria };
  }
  const fromBlock = present(value.fromBlock) ? field("fromBlock", parseBlockNumberOrTag, value.fromBlock) : "latest";
  const toBlock = present(value.toBlock) ? field("toBlock", parseBlockNumberOrTag, value.toBlock) : "latest";
  return { kind: "range", fromBlock, toBlock, ...criteria };
}

/** eth_feeHistory's block count: a hex quantity, a decimal string or a JSON number (geth's HexOrDecimal64). */
export function parseBlockCount(value: unknown): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new ParamError(`block count must be a non-negative integer, got ${value}`);
    return BigInt(value);
  }
  if (typeof value === "string" && /^[0-9]+$/.test(value)) {
    const count = BigInt(value);
    if (count >> 64n !== 0n) throw new ParamError("block count > 64 bits");
    return count;
  }
  if (typeof value === "string" && !value.startsWith("0x") && !value.startsWith("0X")) {
    throw new ParamError(`invalid block count ${JSON.stringify(value.slice(0, 40))}`);
  }
  return parseQuantity(value, 64);
}

export const MAX_REWARD_PERCENTILES = 100;

/** Go's %f: six decimals. */
const goFloat = (n: number): string => n.toFixed(6);

/** Percentiles in [0, 100], strictly increasing (geth's rule and wording). */
export function parseRewardPercentiles(value: unknown): number[] {
  if (!Array.isArray(value)) throw new ParamError(`expected array of numbers, got ${jsonType(value)}`);
  if (value.length > MAX_REWARD_PERCENTILES) {
    throw new ParamError(`too many reward percentiles, want at most ${MAX_REWARD_PERCENTILES}`);
  }
  const percentiles: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const p: unknown = value[i];
    if (typeof p !== "number" || !Number.isFinite(p)) throw new ParamError(`reward percentile ${i}: expected number, got ${jsonType(p)}`);
    if (p < 0 || p > 100) throw new ParamError(`invalid reward percentile: ${goFloat(p)}`);
    const previous = percentiles[i - 1];
    if (previous !== undefined && p <= previous) {
      throw new ParamError(`invalid reward percentile: #${i - 1}:${goFloat(previous)} >= #${i}:${goFloat(p)}`);
    }
    percentiles.push(p);
  }
  return percentiles;
}
