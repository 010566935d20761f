// What a mined transaction paid its block's proposer per gas: its effective gas price less the
// block's base fee (for a legacy transaction, its gas price less the base fee).
import type { TypedTransaction } from "@ethereumjs/tx";
import { effectiveGasPrice } from "../../primitives/fees.js";

export function paidTip(tx: TypedTransaction, baseFee: bigint): bigint {
  return effectiveGasPrice(tx, baseFee) - baseFee;
}

/** Ascending order of bigints, for Array.prototype.sort. */
export function ascending(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
