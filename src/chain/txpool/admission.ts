// Admission's vocabulary: why a raw transaction was refused before or by the pool, as a code for the
// node's logic and a message in geth's words for clients, and what such a refusal means to gossip.
// decodeRawTx() does the stateless part of admission (size, type, RLP and signature fields) that
// happens before the pool sees a decoded transaction; ethereumjs refuses some transactions while
// decoding them, and those refusals are reworded as geth words them, since clients match on them.
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { decodeTransaction } from "../../primitives/encoding.js";
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
const rejection = (code: TxRejectionCode, message: string): Rejected => ({ ok: false, code, message });

/** ethereumjs's decoding refusals in the words geth uses for the same rejection. */
function gethWording(decodeError: string, chainId: bigint): Rejected {
  if (/maxFeePerGas cannot be less than maxPriorityFeePerGas/.test(decodeError))
    return rejection(C.TipAboveFeeCap, "max priority fee per gas higher than max fee per gas");
  const cap = /gas limit (\d+) exceeds the maximum allowed by EIP-7825 \((\d+)\)/.exec(decodeError);
  if (cap) return rejection(C.GasLimitTooHigh, `transaction gas limit too high (cap: ${cap[2]}, tx: ${cap[1]})`);
  const chain = /not matching the derived chain ID (\d+)/.exec(decodeError);
  if (chain) return rejection(C.InvalidChainId, `invalid chain id for signer: have ${chain[1]} want ${chainId}`);
  return rejection(C.InvalidTransaction, `invalid transaction: ${decodeError}`);
}

/** Decodes raw transaction bytes for the pool, or says why they cannot be admitted. */
export function decodeRawTx(raw: Uint8Array, common: Common, maxTxSize: number): { ok: true; tx: TypedTransaction } | Rejected {
  if (raw.length === 0) return rejection(C.EmptyData, "empty transaction data");
  if (raw.length > maxTxSize) return rejection(C.OversizedData, "oversized data");
  if (raw[0] === 3)
    return rejection(C.TxTypeNotSupported, "transaction type not supported: blob transactions (EIP-4844) are not accepted by this chain");
  if (raw[0] === 4)
    return rejection(C.TxTypeNotSupported, "transaction type not supported: set-code transactions (EIP-7702) are not accepted yet");
  try {
    return { ok: true, tx: decodeTransaction(raw, common) };
  } catch (e) {
    return gethWording((e as Error).message.replace(/ \(tx type=.*$/s, ""), common.chainId());
  }
}

/** The sender of a decoded transaction (recovered once; ethereumjs caches it on the frozen tx). */
export function recoverSender(tx: TypedTransaction): { ok: true; sender: Uint8Array } | Rejected {
  try {
    if (!tx.isSigned()) throw new Error("unsigned");
    return { ok: true, sender: tx.getSenderAddress().bytes };
  } catch {
    return rejection(C.InvalidSender, "invalid sender");
  }
}

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
