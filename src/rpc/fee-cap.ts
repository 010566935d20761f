// geth's --rpc.txfeecap: a transaction whose most possible fee (gas limit x fee cap) exceeds the cap is
// refused before it reaches the pool, protecting users from a fat-fingered gas price. Read straight
// from the encoding (the pool decodes the transaction properly afterwards): the two fields are
// found by walking the RLP headers, without decoding the rest. A full RLP.decode here copied every
// field into an array of its own, ~5 % of all the bytes a node allocated per submitted transfer
// (1 s blocks at saturation, 2026-12-07), only to read two numbers.
import { serverError } from "./errors.js";

/** Where one RLP item's content lies, and where the next item starts; null when it would pass `end`. */
interface RlpSpan {
  list: boolean;
  start: number;
  length: number;
  next: number;
}

function rlpSpan(raw: Uint8Array, at: number, end: number): RlpSpan | null {
  if (at >= end) return null;
  const prefix = raw[at]!;
  if (prefix < 0x80) return { list: false, start: at, length: 1, next: at + 1 };
  const list = prefix >= 0xc0;
  const short = prefix - (list ? 0xc0 : 0x80);
  let start = at + 1;
  let length = short;
  if (short > 55) {
    // Long form: the next (short - 55) bytes are the big-endian length.
    const lengthOfLength = short - 55;
    if (start + lengthOfLength > end) return null;
    length = 0;
    for (let i = 0; i < lengthOfLength; i++) length = length * 256 + raw[start + i]!;
    start += lengthOfLength;
  }
  if (start + length > end) return null;
  return { list, start, length, next: start + length };
}

/** The big-endian unsigned integer of a byte string item. */
function readUint(raw: Uint8Array, span: RlpSpan): bigint {
  let value = 0n;
  for (let i = span.start; i < span.next; i++) value = (value << 8n) | BigInt(raw[i]!);
  return value;
}

/** Position of [price, gas] in each envelope's field list (EIP-1559-like types: the max fee). */
const PRICE_AND_GAS: Record<number, [number, number]> = { 0: [1, 2], 1: [2, 3], 2: [3, 4], 3: [3, 4], 4: [3, 4] };

/**
 * The most the transaction can pay in fees, or null when it cannot be read (the pool will say why):
 * the envelope must be one RLP list filling the input, with byte strings at the two positions.
 */
export function maxTxFee(raw: Uint8Array): bigint | null {
  if (raw.length === 0) return null;
  const type = raw[0]! >= 0xc0 ? 0 : raw[0]!;
  const positions = PRICE_AND_GAS[type];
  if (positions === undefined) return null;
  const envelope = rlpSpan(raw, type === 0 ? 0 : 1, raw.length);
  if (envelope === null || !envelope.list || envelope.next !== raw.length) return null;
  const [pricePosition, gasPosition] = positions;
  let price: bigint | null = null;
  let at = envelope.start;
  for (let index = 0; index <= gasPosition; index++) {
    const field = rlpSpan(raw, at, envelope.next);
    if (field === null) return null;
    if (index === pricePosition || index === gasPosition) {
      if (field.list) return null;
      if (index === pricePosition) price = readUint(raw, field);
      else return price === null ? null : price * readUint(raw, field);
    }
    at = field.next;
  }
  return null;
}

/** Ether with two decimals, as geth prints it in this message. */
function ether(wei: bigint): string {
  return (Number(wei) / 1e18).toFixed(2);
}

/** Throws geth's error when the fee exceeds `cap` (0 = no cap). */
export function checkTxFee(fee: bigint | null, cap: bigint): void {
  if (cap === 0n || fee === null || fee <= cap) return;
  throw serverError(`tx fee (${ether(fee)} ether) exceeds the configured cap (${ether(cap)} ether)`);
}
