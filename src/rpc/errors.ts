// JSON-RPC error objects: the standard codes, geth's wording where geth has one, and execution reverts
// as code 3 with the revert data, which is what ethers and viem look for to decode revert reasons and
// custom errors.
import { UserError } from "./backend.js";
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

/** Solidity's builtin error selectors: Error(string) and Panic(uint256). */
const ERROR_STRING_SELECTOR = "08c379a0";
const PANIC_SELECTOR = "4e487b71";

/** Solidity's panic codes, worded as geth words them. */
const PANIC_REASONS = new Map<bigint, string>([
  [0x00n, "generic panic"],
  [0x01n, "assert(false)"],
  [0x11n, "arithmetic underflow or overflow"],
  [0x12n, "division or modulo by zero"],
  [0x21n, "enum overflow"],
  [0x22n, "invalid encoded storage byte array accessed"],
  [0x31n, "out-of-bounds array access; popping on an empty array"],
  [0x32n, "out-of-bounds access of an array or bytesN"],
  [0x41n, "out of memory"],
  [0x51n, "uninitialized function"],
]);

function selectorOf(revert: Uint8Array): string {
  return Array.from(revert.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
}

function readWord(bytes: Uint8Array, offset: number): bigint | null {
  if (offset < 0 || offset + 32 > bytes.length) return null;
  let value = 0n;
  for (let i = offset; i < offset + 32; i++) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/**
 * The human-readable reason inside revert data: the string of Error(string), or the meaning of a
 * Panic(uint256) code. null for anything else (custom errors, empty or malformed data); clients
 * decode those themselves from the data.
 */
export function decodeRevertReason(revert: Uint8Array): string | null {
  if (revert.length < 4) return null;
  const selector = selectorOf(revert);
  const body = revert.subarray(4);
  if (selector === PANIC_SELECTOR) {
    const code = readWord(body, 0);
    if (code === null) return null;
    return PANIC_REASONS.get(code) ?? `unknown panic code: 0x${code.toString(16)}`;
  }
  if (selector !== ERROR_STRING_SELECTOR) return null;
  const offset = readWord(body, 0);
  if (offset === null || offset > BigInt(body.length)) return null;
  const length = readWord(body, Number(offset));
  if (length === null) return null;
  const start = Number(offset) + 32;
  if (BigInt(start) + length > BigInt(body.length)) return null;
  return new TextDecoder().decode(body.subarray(start, start + Number(length)));
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
