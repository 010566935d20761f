// Admission's vocabulary: why a raw transaction was refused before or by the pool, as a code for the
// node's logic and a message in geth's words for clients, and what such a refusal means to gossip.
import { TxPoolErrorCode } from "./errors.js";

/** Refusals that happen before the pool: the raw bytes are not a transaction the chain takes. */
export const AdmissionErrorCode = {
  /** No bytes at all. */
  EmptyData: "empty-data",
  /** The bytes do not decode to a well-formed, signed-field-valid transaction. */
  InvalidTransaction: "invalid-transaction",
} as const;
export type AdmissionErrorCode = (typeof AdmissionErrorCode)[keyof typeof AdmissionErrorCode];

/** Every reason a transaction can be refused: the pool's codes and admission's own. */
export type TxRejectionCode = TxPoolErrorCode | AdmissionErrorCode;
export const TxRejectionCode = { ...TxPoolErrorCode, ...AdmissionErrorCode } as const;

/** A refusal: `code` for the node's logic, `message` in geth's words (byte-exact; clients match on it). */
export interface TxRejection {
  readonly code: TxRejectionCode;
  readonly message: string;
}

/** A step of admission that refused the transaction. */
export type Rejected = { readonly ok: false } & TxRejection;

const C = TxRejectionCode;
/** A refusal with this code and message. */
export const rejection = (code: TxRejectionCode, message: string): Rejected => ({ ok: false, code, message });

/**
 * What a gossiped transaction's refusal means to the gossip layer (as Lodestar's GossipActionError):
 * "reject" when no node would ever admit it, so the peer that relayed it is at fault (an honest node
 * gossips only what it admitted, and these checks do not depend on state); "ignore" when it is merely
 * stale, known, underpriced or unwanted here.
 */
export type TxGossipVerdict = "accept" | "reject" | "ignore";

const GOSSIP_VERDICTS: { readonly [K in TxRejectionCode]: "reject" | "ignore" } = {
  [C.InvalidTransaction]: "reject",
  [C.InvalidSender]: "reject",
  [C.InvalidChainId]: "reject",
  [C.TxTypeNotSupported]: "reject",
  [C.OversizedData]: "reject",
  [C.IntrinsicGas]: "reject",
  [C.GasLimitTooHigh]: "reject",
  [C.TipAboveFeeCap]: "reject",
  [C.TipVeryHigh]: "reject",
  [C.FeeCapVeryHigh]: "reject",
  [C.BlockGasLimitExceeded]: "reject",
  [C.FloorDataGas]: "reject",
  [C.EmptyData]: "ignore",
  [C.AlreadyKnown]: "ignore",
  [C.MaxInitCodeSizeExceeded]: "ignore",
  [C.UnprotectedTx]: "ignore",
  [C.NonceMax]: "ignore",
  [C.TipBelowMinimum]: "ignore",
  [C.FeeCapBelowMinBaseFee]: "ignore",
  [C.NonceTooLow]: "ignore",
  [C.InsufficientFunds]: "ignore",
  [C.ReplaceUnderpriced]: "ignore",
  [C.AccountLimitExceeded]: "ignore",
  [C.Underpriced]: "ignore",
  [C.PoolFull]: "ignore",
};

/** The gossip verdict for a refused transaction's code. */
export function gossipVerdict(code: TxRejectionCode): "reject" | "ignore" {
  return GOSSIP_VERDICTS[code];
}
