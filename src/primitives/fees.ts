// EIP-1559 base fee: the base fee of a block follows from its parent's gas use against the target
// (gasLimit / elasticity), moving by at most 1/denominator per block, never below the chain's floor.
import type { TypedTransaction } from "@ethereumjs/tx";
import type { BlockHeader, ChainParams } from "./types.js";

export function nextBaseFee(parent: Pick<BlockHeader, "gasUsed" | "gasLimit" | "baseFeePerGas">, params: ChainParams): bigint {
  const target = parent.gasLimit / params.elasticityMultiplier;
  const base = parent.baseFeePerGas;
  let next: bigint;
  if (target === 0n || parent.gasUsed === target) next = base;
  else if (parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / params.baseFeeChangeDenominator;
    next = base + (delta > 1n ? delta : 1n);
  } else {
    const delta = (base * (target - parent.gasUsed)) / target / params.baseFeeChangeDenominator;
    next = base - delta;
  }
  return next < params.minBaseFee ? params.minBaseFee : next;
}

/** What a transaction pays per gas above the base fee: its tip, capped by what its fee cap leaves
 * (geth's EffectiveGasTip). Negative when the fee cap is below the base fee. */
export function effectiveTip(maxFeePerGas: bigint, maxPriorityFeePerGas: bigint, baseFee: bigint): bigint {
  const headroom = maxFeePerGas - baseFee;
  return headroom < maxPriorityFeePerGas ? headroom : maxPriorityFeePerGas;
}

/** What the sender pays per gas once included: the legacy gas price, or base fee + effective tip. */
export function effectiveGasPrice(tx: TypedTransaction, baseFee: bigint): bigint {
  if ("maxFeePerGas" in tx) return baseFee + effectiveTip(tx.maxFeePerGas, tx.maxPriorityFeePerGas, baseFee);
  return tx.gasPrice;
}
