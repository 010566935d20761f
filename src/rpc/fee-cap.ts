// geth's --rpc.txfeecap: a transaction whose most possible fee (gas limit x fee cap) exceeds the cap is
// refused before it reaches the pool, protecting users from a fat-fingered gas price. Read straight
// from the encoding (the pool decodes the transaction properly afterwards).
import { RLP } from "@ethereumjs/rlp";
import { serverError } from "./errors.js";

const toBigInt = (item: unknown): bigint | null => {
  if (!(item instanceof Uint8Array)) return null;
  let value = 0n;
  for (const byte of item) value = (value << 8n) | BigInt(byte);
  return value;
};

/** Position of [price, gas] in each envelope's field list (EIP-1559-like types: the max fee). */
const PRICE_AND_GAS: Record<number, [number, number]> = { 0: [1, 2], 1: [2, 3], 2: [3, 4], 3: [3, 4], 4: [3, 4] };

/** The most the transaction can pay in fees, or null when it cannot be read (the pool will say why). */
export function maxTxFee(raw: Uint8Array): bigint | null {
  if (raw.length === 0) return null;
  const type = raw[0]! >= 0xc0 ? 0 : raw[0]!;
  const positions = PRICE_AND_GAS[type];
  if (positions === undefined) return null;
  let fields: unknown;
  try {
    fields = RLP.decode(type === 0 ? raw : raw.subarray(1));
  } catch {
    return null;
  }
  if (!Array.isArray(fields)) return null;
  const price = toBigInt(fields[positions[0]]);
  const gas = toBigInt(fields[positions[1]]);
  return price === null || gas === null ? null : price * gas;
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
