// EIP-1559 base fee: the base fee of a block follows from its parent's gas use against the target
// (gasLimit / elasticity), moving by at most 1/denominator per block, never below the chain's floor.
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
