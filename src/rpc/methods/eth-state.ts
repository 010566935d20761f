// eth_ methods that read account state at a block, execute calls, and submit transactions.
import type { BlockSelector } from "../backend/port.js";
import type { CallResult } from "../../evm/types.js";
import { revertError, serverError, type RpcError } from "../errors.js";
import { checkTxFee, maxTxFee } from "../fee-cap.js";
import { data, paddedData, quantity } from "../hex.js";
import {
  ParamError,
  isPlainObject,
  jsonType,
  optional,
  parseAddress,
  parseBlockRef,
  parseData,
  parseStorageSlot,
  required,
} from "../params.js";
import { parseCallRequest, type ParsedCallRequest } from "../params-objects.js";
import { defineMethod, type MethodContext, type MethodTable } from "./types.js";

const LATEST: BlockSelector = "latest";

/** State and block overrides (eth_call's 3rd and 4th arguments) are not supported; an empty object is. */
function parseUnsupportedOverrides(what: string) {
  return (value: unknown): null => {
    if (!isPlainObject(value)) throw new ParamError(`${what} must be an object, got ${jsonType(value)}`);
    if (Object.keys(value).length > 0) throw new ParamError(`${what} are not supported`);
    return null;
  };
}

export function checkCallChainId(parsed: ParsedCallRequest, { backend }: MethodContext): void {
  if (parsed.chainId !== undefined && parsed.chainId !== backend.chainId) {
    throw serverError(`chainId does not match node's (have=${parsed.chainId}, want=${backend.chainId})`);
  }
}

/**
 * The error a failed call becomes: a REVERT is code 3 with its data (ethers and viem decode reasons
 * and custom errors from it); an exceptional halt (out of gas, invalid opcode) is -32000 with its cause.
 */
export function callFailure(result: CallResult): RpcError {
  const reverted = result.returnData.length > 0 || result.error === undefined || /revert/i.test(result.error);
  return reverted ? revertError(result.returnData) : serverError(result.error ?? "execution failed");
}

const transaction = required("transaction", parseCallRequest);
const block = optional("block", parseBlockRef, LATEST);

export const ethStateMethods: MethodTable = {
  eth_getBalance: defineMethod([required("address", parseAddress), block], async ([address, at], { backend }) =>
    quantity(await backend.getBalance(address, at)),
  ),
  eth_getTransactionCount: defineMethod([required("address", parseAddress), block], async ([address, at], { backend }) =>
    quantity(await backend.getNonce(address, at)),
  ),
  eth_getCode: defineMethod([required("address", parseAddress), block], async ([address, at], { backend }) =>
    data(await backend.getCode(address, at)),
  ),
  eth_getStorageAt: defineMethod(
    [required("address", parseAddress), required("slot", parseStorageSlot), block],
    async ([address, slot, at], { backend }) => paddedData(await backend.getStorageAt(address, slot, at), 32),
  ),

  eth_call: defineMethod(
    [
      transaction,
      block,
      optional("stateOverrides", parseUnsupportedOverrides("state overrides"), null),
      optional("blockOverrides", parseUnsupportedOverrides("block overrides"), null),
    ],
    async ([parsed, at], ctx) => {
      checkCallChainId(parsed, ctx);
      const result = await ctx.backend.call(parsed.request, at);
      if (result.failed) throw callFailure(result);
      return data(result.returnData);
    },
  ),

  /** Reverts come from the backend as UserError(code 3, revert data); errors.ts words them. */
  eth_estimateGas: defineMethod(
    [transaction, block, optional("stateOverrides", parseUnsupportedOverrides("state overrides"), null)],
    async ([parsed, at], ctx) => {
      checkCallChainId(parsed, ctx);
      return quantity(await ctx.backend.estimateGas(parsed.request, at));
    },
  ),

  eth_sendRawTransaction: defineMethod([required("transaction", parseData)], async ([raw], { backend, limits }) => {
    checkTxFee(maxTxFee(raw), limits.txFeeCap);
    return data(await backend.sendRawTransaction(raw));
  }),
};
