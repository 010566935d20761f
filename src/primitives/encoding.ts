// Binary encodings of chain data: the header RLP whose keccak256 is the block hash, the block body,
// Ethereum's consensus encoding of receipts (what receiptsRoot commits to) and the richer receipt
// record the node stores. Decoders validate shapes and throw ChainDecodeError on malformed input.
import { EthereumJSError, RLP } from "@ethereumjs/rlp";
import type { Common } from "@ethereumjs/common";
import { createTxFromRLP, paramsTx, type TypedTransaction } from "@ethereumjs/tx";
import { bigIntToUnpaddedBytes, bytesToBigInt, intToUnpaddedBytes } from "@ethereumjs/util";
import { EMPTY_UNCLES_HASH, keccak256 } from "./hash.js";
import { encodeRlp, rlpItemAt, type RlpItem } from "./rlp.js";
import type { Block, BlockHeader, Log, TxReceipt } from "./types.js";

export class ChainDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainDecodeError";
  }
}

const HEADER_FIELDS = 18;

/**
 * @ethereumjs gives every transaction it constructs its own copy of the Common passed in and merges
 * the transaction parameters into that copy (JSON round trips, then a rebuild of the parameter
 * cache over every hardfork): ~45 µs per transaction, more than the decoding itself. Transactions
 * decoded here share one Common per chain Common instead, which holds those parameters already and
 * hands out itself as its copy. Sharing is safe because nothing changes a decoded transaction's
 * Common afterwards: the chain has one hardfork, so execution never re-targets it
 * (runTx's hardfork alignment is skipped), and the parameters merged are always the same.
 */
const sharedTxCommons = new WeakMap<Common, Common>();

function sharedTxCommon(common: Common): Common {
  let shared = sharedTxCommons.get(common);
  if (shared === undefined) {
    const s = common.copy();
    s.updateParams(paramsTx);
    const updateParams = s.updateParams.bind(s);
    s.updateParams = (params) => {
      if (params !== paramsTx) updateParams(params);
    };
    s.copy = () => s;
    shared = s;
    sharedTxCommons.set(common, shared);
  }
  return shared;
}

/** Decodes a transaction in its network form (typed: type byte + payload; legacy: RLP list), frozen
 * so that its hash and recovered sender are computed once. Throws @ethereumjs's validation errors
 * (EthereumJSError), or ChainDecodeError where @ethereumjs trips over a shape it does not check: the
 * fuzzer found a type-1 transaction whose access list is a byte string, not a list, making it throw
 * a TypeError from deep inside. */
export function decodeTransaction(raw: Uint8Array, common: Common): TypedTransaction {
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common: sharedTxCommon(common), freeze: true });
  } catch (e) {
    if (e instanceof EthereumJSError) throw e;
    throw new ChainDecodeError(`malformed transaction encoding (${(e as Error).message})`);
  }
  rememberReceivedForm(tx, raw);
  return tx;
}

/**
 * The bytes a transaction arrived as are its network form whenever @ethereumjs would encode the
 * decoded transaction to the same bytes, so its hash (keccak of that form) and its form are taken
 * from them: otherwise the pool's hash() and the first block encoding each re-encode every field
 * (~10 µs a transfer each). The strict RLP decoder and @ethereumjs's checks (no leading zeros in
 * nonce, fees, gas, value and signature) make a decoded, signed legacy, EIP-2930 or EIP-1559
 * transaction round-trip byte for byte, except for one field they read without that check: the chain
 * id of the typed ones, so a chain id with a leading zero (which geth refuses) falls back to
 * re-encoding. Blob and set-code transactions always do.
 */
function rememberReceivedForm(tx: TypedTransaction, raw: Uint8Array): void {
  // An unsigned transaction re-encodes with empty signature fields: not the bytes it came as.
  if (!tx.isSigned() || !roundTrips(raw)) return;
  // A transaction cut from a larger message (a gossip batch, a block) must not keep it alive.
  const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice();
  networkForms.set(tx, own);
  // TransactionCache.hash is where a frozen transaction's hash() keeps the keccak of its form.
  tx.cache.hash = keccak256(own);
}

/** Whether `raw`, decoded without error, is exactly the form @ethereumjs re-encodes (see above). */
function roundTrips(raw: Uint8Array): boolean {
  const type = raw[0];
  if (type === undefined) return false;
  if (type >= 0xc0) return true; // legacy: every field is checked for leading zeros
  if (type !== 1 && type !== 2) return false;
  // The payload is a list; its first item is the chain id.
  const list = rlpItemAt(raw, 1);
  if (list === null || !list.list) return false;
  const at = list.start;
  const first = raw[at];
  if (first === undefined) return false;
  if (first < 0x80) return first !== 0; // a single byte: 0x00 would be a non-minimal zero
  if (first === 0x80) return true; // the empty string: chain id 0
  if (first > 0xb7) return false; // a chain id over 55 bytes: leave it to re-encoding
  return raw[at + 1] !== 0;
}

export function headerToFields(h: BlockHeader): Uint8Array[] {
  return [
    h.parentHash,
    bigIntToUnpaddedBytes(h.number),
    bigIntToUnpaddedBytes(h.timestamp),
    h.proposer,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    bigIntToUnpaddedBytes(h.gasLimit),
    bigIntToUnpaddedBytes(h.gasUsed),
    bigIntToUnpaddedBytes(h.baseFeePerGas),
    h.extraData,
    intToUnpaddedBytes(h.round),
    h.proposerVrfProof,
    h.seed,
    h.lastCommitHash,
    h.evidenceHash,
    h.nextValidatorsHash,
  ];
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return encodeRlp(headerToFields(h));
}

export function hashHeader(h: BlockHeader): Uint8Array {
  return keccak256(encodeHeader(h));
}

function bytesField(v: RlpItem | undefined, name: string, length?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new ChainDecodeError(`header field ${name}: expected bytes`);
  if (length !== undefined && v.length !== length)
    throw new ChainDecodeError(`header field ${name}: expected ${length} bytes, got ${v.length}`);
  return v;
}

function uintField(v: RlpItem | undefined, name: string, maxBytes = 32): bigint {
  const b = bytesField(v, name);
  if (b.length > maxBytes) throw new ChainDecodeError(`header field ${name}: integer too large`);
  if (b.length > 0 && b[0] === 0) throw new ChainDecodeError(`header field ${name}: leading zero`);
  return bytesToBigInt(b);
}

export function headerFromFields(f: RlpItem): BlockHeader {
  if (!Array.isArray(f) || f.length !== HEADER_FIELDS)
    throw new ChainDecodeError(`header: expected a list of ${HEADER_FIELDS} fields`);
  return {
    parentHash: bytesField(f[0], "parentHash", 32),
    number: uintField(f[1], "number", 8),
    timestamp: uintField(f[2], "timestamp", 8),
    proposer: bytesField(f[3], "proposer", 20),
    stateRoot: bytesField(f[4], "stateRoot", 32),
    transactionsRoot: bytesField(f[5], "transactionsRoot", 32),
    receiptsRoot: bytesField(f[6], "receiptsRoot", 32),
    logsBloom: bytesField(f[7], "logsBloom", 256),
    gasLimit: uintField(f[8], "gasLimit", 8),
    gasUsed: uintField(f[9], "gasUsed", 8),
    baseFeePerGas: uintField(f[10], "baseFeePerGas"),
    extraData: bytesField(f[11], "extraData"),
    round: Number(uintField(f[12], "round", 4)),
    proposerVrfProof: bytesField(f[13], "proposerVrfProof"),
    seed: bytesField(f[14], "seed", 32),
    lastCommitHash: bytesField(f[15], "lastCommitHash", 32),
    evidenceHash: bytesField(f[16], "evidenceHash", 32),
    nextValidatorsHash: bytesField(f[17], "nextValidatorsHash", 32),
  };
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  return headerFromFields(decodeRlp(bytes, "header"));
}

function decodeRlp(bytes: Uint8Array, what: string): RlpItem {
  try {
    return RLP.decode(bytes) as RlpItem;
  } catch (e) {
    throw new ChainDecodeError(`${what}: invalid RLP (${(e as Error).message})`);
  }
}

/** Network forms of frozen transactions. A block is encoded when it is proposed and again when it
 * is committed, and serialize() re-encodes every field each time (~10 µs per transfer); a frozen
 * transaction cannot change, so its form is computed once. */
const networkForms = new WeakMap<TypedTransaction, Uint8Array>();

/** `tx.serialize()`, remembered for frozen transactions. */
export function serializeTransaction(tx: TypedTransaction): Uint8Array {
  let bytes = networkForms.get(tx);
  if (bytes === undefined) {
    bytes = tx.serialize();
    if (Object.isFrozen(tx)) networkForms.set(tx, bytes);
  }
  return bytes;
}

/** RLP list header for a payload of `length` bytes. */
function listHeader(length: number): Uint8Array {
  if (length < 56) return Uint8Array.of(0xc0 + length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0xf7 + bytes.length, ...bytes);
}

/**
 * What the sender of an EIP-2930 or EIP-1559 transaction signed (type byte + RLP of its fields but
 * the last three, the signature), cut from the transaction's remembered network form instead of
 * re-encoding its fields as getMessageToSign() does (~12 µs a transfer). Undefined for other types
 * and for transactions without a remembered form.
 */
export function signingMessageOf(tx: TypedTransaction): Uint8Array | undefined {
  const form = networkForms.get(tx);
  if (form === undefined || (form[0] !== 1 && form[0] !== 2)) return undefined;
  const list = rlpItemAt(form, 1);
  if (list === null || !list.list) return undefined;
  const start = list.start;
  const starts: number[] = [];
  for (let at = start; at < list.next; ) {
    const item = rlpItemAt(form, at, list.next);
    if (item === null) return undefined;
    starts.push(at);
    at = item.next;
  }
  if (starts.length < 4) return undefined;
  const fields = form.subarray(start, starts[starts.length - 3]);
  const header = listHeader(fields.length);
  const message = new Uint8Array(1 + header.length + fields.length);
  message[0] = form[0]!;
  message.set(header, 1);
  message.set(fields, 1 + header.length);
  return message;
}

/** A block as [headerFields, [tx bytes...], lastCommit, [evidence...]]; every transaction is kept in
 * its network form (`tx.serialize()`: typed ones as type byte + payload, legacy ones as their RLP list). */
export function encodeBlock(block: Block): Uint8Array {
  return encodeRlp([headerToFields(block.header), block.transactions.map(serializeTransaction), block.lastCommit, block.evidence]);
}

/** The evidenceHash of a block without evidence: keccak256(RLP([])), Ethereum's empty ommers hash. */
export const EMPTY_EVIDENCE_HASH = EMPTY_UNCLES_HASH;

/** The header's commitment to a block's evidence: keccak256(RLP([evidence...])). */
export function evidenceHashOf(evidence: readonly Uint8Array[]): Uint8Array {
  return keccak256(encodeRlp(evidence));
}

/**
 * The hash of an encoded block, read without decoding it: the keccak of the block list's first item,
 * which is the header's RLP exactly as hashHeader encodes it. Null when the bytes do not begin with a
 * list whose first item is a list (not a block); the caller decodes the block to know more.
 */
export function blockHashOfEncoding(bytes: Uint8Array): Uint8Array | null {
  const outer = rlpItemAt(bytes, 0);
  if (outer === null || !outer.list) return null;
  const header = rlpItemAt(bytes, outer.start, outer.next);
  if (header === null || !header.list) return null;
  return keccak256(bytes.subarray(outer.start, header.next));
}

/**
 * Decodes a block. `known` may return an already decoded transaction for raw bytes (e.g. from the
 * tx pool, whose transactions carry their recovered sender): identical bytes are the identical
 * transaction, and a validator then skips decoding and recovering again what gossip brought it.
 */
export function decodeBlock(bytes: Uint8Array, common: Common, known?: (raw: Uint8Array) => TypedTransaction | undefined): Block {
  const item = decodeRlp(bytes, "block");
  if (!Array.isArray(item) || item.length !== 4 || !Array.isArray(item[1]) || !(item[2] instanceof Uint8Array) || !Array.isArray(item[3]))
    throw new ChainDecodeError("block: expected [header, transactions, lastCommit, evidence]");
  const header = headerFromFields(item[0]!);
  const transactions = item[1].map((raw, i) => {
    if (!(raw instanceof Uint8Array)) throw new ChainDecodeError(`block: transaction ${i} is not bytes`);
    const decoded = known?.(raw);
    if (decoded !== undefined) return decoded;
    try {
      return decodeTransaction(raw, common);
    } catch (e) {
      throw new ChainDecodeError(`block: transaction ${i}: ${(e as Error).message}`);
    }
  });
  const evidence = item[3].map((e, i) => {
    if (!(e instanceof Uint8Array)) throw new ChainDecodeError(`block: evidence ${i} is not bytes`);
    return e;
  });
  return { header, hash: hashHeader(header), transactions, lastCommit: item[2], evidence };
}

function logToFields(log: Log): RlpItem {
  return [log.address, log.topics, log.data];
}

function logFromFields(f: RlpItem): Log {
  if (!Array.isArray(f) || f.length !== 3 || !Array.isArray(f[1])) throw new ChainDecodeError("log: bad shape");
  return {
    address: bytesField(f[0], "log.address", 20),
    topics: f[1].map((t) => bytesField(t, "log.topic", 32)),
    data: bytesField(f[2], "log.data"),
  };
}

/** Ethereum's receipt encoding (EIP-2718): rlp([status, cumulativeGasUsed, bloom, logs]), prefixed by
 * the transaction type byte for typed transactions. This is what receiptsRoot commits to. */
export function encodeConsensusReceipt(r: TxReceipt): Uint8Array {
  const body = encodeRlp([
    r.status === 1 ? Uint8Array.of(1) : new Uint8Array(0),
    bigIntToUnpaddedBytes(r.cumulativeGasUsed),
    r.logsBloom,
    r.logs.map(logToFields),
  ]);
  if (r.type === 0) return body;
  const out = new Uint8Array(body.length + 1);
  out[0] = r.type;
  out.set(body, 1);
  return out;
}

/** The node's stored receipt list for one block: consensus fields plus gasUsed, contract address,
 * effective gas price and type, so RPC never re-executes to answer. */
export function encodeStoredReceipts(receipts: readonly TxReceipt[]): Uint8Array {
  return encodeRlp(
    receipts.map((r) => [
      intToUnpaddedBytes(r.status),
      bigIntToUnpaddedBytes(r.cumulativeGasUsed),
      bigIntToUnpaddedBytes(r.gasUsed),
      r.logsBloom,
      r.logs.map(logToFields),
      r.contractAddress ?? new Uint8Array(0),
      bigIntToUnpaddedBytes(r.effectiveGasPrice),
      intToUnpaddedBytes(r.type),
    ]),
  );
}

export function decodeStoredReceipts(bytes: Uint8Array): TxReceipt[] {
  const item = decodeRlp(bytes, "receipts");
  if (!Array.isArray(item)) throw new ChainDecodeError("receipts: expected a list");
  return item.map((f) => {
    if (!Array.isArray(f) || f.length !== 8 || !Array.isArray(f[4])) throw new ChainDecodeError("receipt: bad shape");
    const contract = bytesField(f[5], "receipt.contractAddress");
    const status = Number(uintField(f[0], "receipt.status", 1));
    return {
      status: status === 1 ? 1 : 0,
      cumulativeGasUsed: uintField(f[1], "receipt.cumulativeGasUsed", 8),
      gasUsed: uintField(f[2], "receipt.gasUsed", 8),
      logsBloom: bytesField(f[3], "receipt.logsBloom", 256),
      logs: f[4].map(logFromFields),
      contractAddress: contract.length === 0 ? null : contract,
      effectiveGasPrice: uintField(f[6], "receipt.effectiveGasPrice"),
      type: Number(uintField(f[7], "receipt.type", 1)),
    } satisfies TxReceipt;
  });
}
