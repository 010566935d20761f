// Why the pool refused a transaction, worded exactly as geth words it (core/txpool/errors.go,
// core/error.go, core/txpool/validation.go, legacypool.go): wallets and libraries (ethers, viem)
// recognise failures by these phrases, so the text is part of the interface.
import { bytesToHex } from "@ethereumjs/util";

export const TxPoolErrorCode = {
  AlreadyKnown: "already-known",
  TxTypeNotSupported: "tx-type-not-supported",
  OversizedData: "oversized-data",
  MaxInitCodeSizeExceeded: "max-initcode-size-exceeded",
  GasLimitTooHigh: "gas-limit-too-high",
  BlockGasLimitExceeded: "block-gas-limit-exceeded",
  FeeCapVeryHigh: "fee-cap-very-high",
  TipVeryHigh: "tip-very-high",
  TipAboveFeeCap: "tip-above-fee-cap",
  InvalidSender: "invalid-sender",
  InvalidChainId: "invalid-chain-id",
  UnprotectedTx: "unprotected-tx",
  NonceMax: "nonce-max",
  IntrinsicGas: "intrinsic-gas",
  FloorDataGas: "floor-data-gas",
  TipBelowMinimum: "tip-below-minimum",
  FeeCapBelowMinBaseFee: "fee-cap-below-min-base-fee",
  NonceTooLow: "nonce-too-low",
  InsufficientFunds: "insufficient-funds",
  ReplaceUnderpriced: "replace-underpriced",
  AccountLimitExceeded: "account-limit-exceeded",
  Underpriced: "underpriced",
  PoolFull: "pool-full",
} as const;
export type TxPoolErrorCode = (typeof TxPoolErrorCode)[keyof typeof TxPoolErrorCode];

/** A rejection: `code` for the node's logic, `message` in geth's words for the RPC client. */
export class TxPoolError extends Error {
  constructor(
    readonly code: TxPoolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TxPoolError";
  }
}

const C = TxPoolErrorCode;
const err = (code: TxPoolErrorCode, message: string) => new TxPoolError(code, message);

export const alreadyKnown = () => err(C.AlreadyKnown, "already known");
export const txTypeNotSupported = (type: number) =>
  err(C.TxTypeNotSupported, `transaction type not supported: tx type ${type} not supported by this pool`);
export const oversizedData = (size: number, limit: number) =>
  err(C.OversizedData, `oversized data: transaction size ${size}, limit ${limit}`);
export const maxInitCodeSizeExceeded = (size: number, limit: bigint) =>
  err(C.MaxInitCodeSizeExceeded, `max initcode size exceeded: code size ${size}, limit ${limit}`);
export const gasLimitTooHigh = (cap: bigint, gas: bigint) =>
  err(C.GasLimitTooHigh, `transaction gas limit too high (cap: ${cap}, tx: ${gas})`);
export const blockGasLimitExceeded = () => err(C.BlockGasLimitExceeded, "exceeds block gas limit");
export const feeCapVeryHigh = () => err(C.FeeCapVeryHigh, "max fee per gas higher than 2^256-1");
export const tipVeryHigh = () => err(C.TipVeryHigh, "max priority fee per gas higher than 2^256-1");
export const tipAboveFeeCap = () => err(C.TipAboveFeeCap, "max priority fee per gas higher than max fee per gas");
export const unsigned = () => err(C.InvalidSender, "invalid sender: transaction is not signed");
export const invalidChainId = (have: bigint, want: bigint) =>
  err(C.InvalidChainId, `invalid sender: invalid chain id for signer: have ${have} want ${want}`);
export const unprotectedTx = () =>
  err(C.UnprotectedTx, "only replay-protected (EIP-155) transactions allowed over RPC");
export const nonceMax = () => err(C.NonceMax, "nonce has max value");
export const intrinsicGasTooLow = (gas: bigint, needed: bigint) =>
  err(C.IntrinsicGas, `intrinsic gas too low: gas ${gas}, minimum needed ${needed}`);
export const floorDataGas = (gas: bigint, needed: bigint) =>
  err(C.FloorDataGas, `insufficient gas for floor data gas cost: gas ${gas}, minimum needed ${needed}`);
export const tipBelowMinimum = (tip: bigint, min: bigint) =>
  err(C.TipBelowMinimum, `transaction gas price below minimum: gas tip cap ${tip}, minimum needed ${min}`);
export const feeCapBelowMinBaseFee = (sender: Uint8Array, maxFee: bigint, baseFee: bigint) =>
  err(
    C.FeeCapBelowMinBaseFee,
    `max fee per gas less than block base fee: address ${bytesToHex(sender)}, maxFeePerGas: ${maxFee}, baseFee: ${baseFee}`,
  );
export const nonceTooLow = (next: bigint, nonce: bigint) =>
  err(C.NonceTooLow, `nonce too low: next nonce ${next}, tx nonce ${nonce}`);

const FUNDS = "insufficient funds for gas * price + value";
export const insufficientFunds = (balance: bigint, cost: bigint) =>
  err(C.InsufficientFunds, `${FUNDS}: balance ${balance}, tx cost ${cost}, overshot ${cost - balance}`);
/** The tx alone is affordable, but not after the sender's pooled transactions before it. */
export const insufficientFundsQueued = (balance: bigint, queued: bigint, cost: bigint) =>
  err(
    C.InsufficientFunds,
    `${FUNDS}: balance ${balance}, queued cost ${queued}, tx cost ${cost}, overshot ${queued + cost - balance}`,
  );
export const replaceUnderpriced = () => err(C.ReplaceUnderpriced, "replacement transaction underpriced");
export const accountLimitExceeded = (queued: number) =>
  err(C.AccountLimitExceeded, `account limit exceeded: queued ${queued} txs`);
export const underpriced = () => err(C.Underpriced, "transaction underpriced");
export const poolFull = () => err(C.PoolFull, "txpool is full");
