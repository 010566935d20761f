// JSON-RPC error objects: the standard codes, geth's wording where geth has one, and execution reverts
// as code 3 with the revert data, which is what ethers and viem look for to decode revert reasons and
// custom errors.
import { UserError } from "./backend/port.js";
import { decodeRevertReason } from "../evm/revert.js";
import { data as hexData } from "./hex.js";

export const ErrorCode = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** geth's code for every "plain" error (nonce too low, header not found, ...). */
  server: -32000,
  executionReverted: 3,
} as const;

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  /** Hex revert data for code 3; absent otherwise. */
  data?: string;
}

/** An error that is already a JSON-RPC error object: its message goes to the client as is. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message);
    this.name = "RpcError";
  }

  toObject(): JsonRpcErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

export function invalidParams(message: string): RpcError {
  return new RpcError(ErrorCode.invalidParams, message);
}

export function invalidRequest(message: string): RpcError {
  return new RpcError(ErrorCode.invalidRequest, message);
}

export function methodNotFound(method: string): RpcError {
  return new RpcError(ErrorCode.methodNotFound, `the method ${method} does not exist/is not available`);
}

export function serverError(message: string): RpcError {
  return new RpcError(ErrorCode.server, message);
}

/** The code 3 error geth returns for a REVERT: reason in the message when decodable, raw data in data. */
export function revertError(revert: Uint8Array): RpcError {
  const reason = decodeRevertReason(revert);
  const message = reason === null ? "execution reverted" : `execution reverted: ${reason}`;
  return new RpcError(ErrorCode.executionReverted, message, hexData(revert));
}

/**
 * Maps anything a handler threw to the error object the client sees. Only RpcError and the backend's
 * UserError carry their message out; anything else is a bug or an I/O failure and becomes -32603 with
 * no detail (the caller logs the original).
 */
export function toErrorObject(err: unknown): { error: JsonRpcErrorObject; internal: boolean } {
  if (err instanceof RpcError) return { error: err.toObject(), internal: false };
  if (err instanceof UserError) {
    if (err.code === ErrorCode.executionReverted) {
      return { error: revertError(err.data ?? new Uint8Array()).toObject(), internal: false };
    }
    const error: JsonRpcErrorObject = { code: err.code, message: err.message };
    if (err.data !== undefined) error.data = hexData(err.data);
    return { error, internal: false };
  }
  return { error: { code: ErrorCode.internal, message: "internal error" }, internal: true };
}
