// The state-independent admission checks, in the order geth's txpool.ValidateTransaction runs
// them, and the fee view the pool keeps of a transaction (legacy and EIP-2930 gas prices act as
// both fee cap and tip, as in geth).
import type { TypedTransaction } from "@ethereumjs/tx";
import { getCalldataFloorGas, isAccessList2930Tx, isFeeMarket1559Tx, isLegacyTx } from "@ethereumjs/tx";
import { Address } from "@ethereumjs/util";
import * as E from "./errors.js";
import type { TxPoolError } from "./errors.js";
import { encodedTxSize } from "./size.js";
import type { TxPoolConfig } from "./types.js";

const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** What the checks learn about a transaction that the pool keeps. */
export interface TxFacts {
  size: number;
  maxFee: bigint;
  tip: bigint;
}

export function feesOf(tx: TypedTransaction): { maxFee: bigint; tip: bigint } | undefined {
  if (isFeeMarket1559Tx(tx)) return { maxFee: tx.maxFeePerGas, tip: tx.maxPriorityFeePerGas };
  if (isLegacyTx(tx) || isAccessList2930Tx(tx)) return { maxFee: tx.gasPrice, tip: tx.gasPrice };
  return undefined;
}

/**
 * The chain id a transaction is bound to: the field of a typed transaction, the one folded into v
 * (EIP-155) for a legacy one, null for an unprotected legacy transaction (v 27 or 28).
 */
function chainIdOf(tx: TypedTransaction): bigint | null {
  if (!isLegacyTx(tx)) return (tx as { chainId: bigint }).chainId;
  const v = tx.v ?? 0n;
  if (v === 27n || v === 28n) return null;
  return (v - 35n) >> 1n;
}

/** Everything that can be checked without the sender's state; an error, or the tx's fee facts. */
export function validateTxBasics(tx: TypedTransaction, sender: Uint8Array, cfg: TxPoolConfig): TxFacts | TxPoolError {
  const fees = feesOf(tx);
  const size = encodedTxSize(tx);
  if (fees === undefined || size === undefined) return E.txTypeNotSupported(tx.type);
  if (size > cfg.maxTxSize) return E.oversizedData(size, cfg.maxTxSize);
  if (tx.to === undefined && tx.common.isActivatedEIP(3860)) {
    const limit = tx.common.param("maxInitCodeSize");
    if (BigInt(tx.data.length) > limit) return E.maxInitCodeSizeExceeded(tx.data.length, limit);
  }
  if (cfg.maxTxGas !== null && tx.gasLimit > cfg.maxTxGas) return E.gasLimitTooHigh(cfg.maxTxGas, tx.gasLimit);
  if (tx.gasLimit > cfg.blockGasLimit) return E.blockGasLimitExceeded();
  // @ethereumjs refuses to build such transactions; the checks guard objects made otherwise.
  if (fees.maxFee > MAX_UINT256) return E.feeCapVeryHigh();
  if (fees.tip > MAX_UINT256) return E.tipVeryHigh();
  if (fees.tip > fees.maxFee) return E.tipAboveFeeCap();
  if (tx.v === undefined || tx.r === undefined || tx.s === undefined) return E.unsigned();
  const chainId = chainIdOf(tx);
  if (chainId === null) {
    if (!cfg.allowUnprotected) return E.unprotectedTx();
  } else if (chainId !== cfg.chainId) {
    return E.invalidChainId(chainId, cfg.chainId);
  }
  if (tx.nonce >= MAX_UINT64) return E.nonceMax();
  const intrinsic = tx.getIntrinsicGas();
  if (tx.gasLimit < intrinsic) return E.intrinsicGasTooLow(tx.gasLimit, intrinsic);
  // EIP-7623 (Prague): calldata-heavy transactions pay at least the floor price per token.
  // Passing the sender spares @ethereumjs a signature recovery where the floor depends on it.
  if (tx.common.isActivatedEIP(7623)) {
    const floor = getCalldataFloorGas(tx, new Address(sender));
    if (tx.gasLimit < floor) return E.floorDataGas(tx.gasLimit, floor);
  }
  if (fees.tip < cfg.minTip) return E.tipBelowMinimum(fees.tip, cfg.minTip);
  if (fees.maxFee < cfg.minBaseFee) return E.feeCapBelowMinBaseFee(sender, fees.maxFee, cfg.minBaseFee);
  return { size, maxFee: fees.maxFee, tip: fees.tip };
}
