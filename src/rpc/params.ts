// Parsing and validation of JSON-RPC parameters: hex quantities, data, addresses, hashes, block tags and
// EIP-1898 block references, plus the positional-arity check every method shares. A parser throws
// ParamError with what was wrong; the dispatcher prefixes "invalid argument N: " (geth's wording) and
// answers -32602. Object parameters (call requests, log filters) live in params-objects.ts.
import { hexToBytes } from "@noble/hashes/utils.js";
import type { BlockSelector } from "./backend/port.js";
import type { Address20, Hash32 } from "../primitives/types.js";
import { invalidParams, type RpcError } from "./errors.js";

/** What was wrong with one parameter value; the position is added by the caller. */
export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParamError";
  }
}

/** A positional parameter: its name (for documentation and error messages) and parser. */
export interface Param<T> {
  readonly name: string;
  /** Missing or null optional parameters take `fallback` without calling `parse`. */
  readonly required: boolean;
  readonly fallback?: T;
  parse(value: unknown): T;
}

export function required<T>(name: string, parse: (value: unknown) => T): Param<T> {
  return { name, required: true, parse };
}

export function optional<T>(name: string, parse: (value: unknown) => T, fallback: T): Param<T> {
  return { name, required: false, fallback, parse };
}

export type ParamValues<P extends readonly Param<unknown>[]> = { -readonly [K in keyof P]: P[K] extends Param<infer T> ? T : never };

/** Wraps a ParamError from argument `index` into the -32602 error the client sees. */
export function argumentError(index: number, err: ParamError): RpcError {
  return invalidParams(`invalid argument ${index}: ${err.message}`);
}

/**
 * Checks arity (geth's messages) and parses each positional argument. JSON-RPC allows named params
 * (an object), but no Ethereum method takes them, so they are rejected as geth rejects them.
 */
export function parseParams<P extends readonly Param<unknown>[]>(specs: P, raw: unknown): ParamValues<P> {
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) throw invalidParams("non-array args");
  const args: unknown[] = Array.isArray(raw) ? raw : [];
  if (args.length > specs.length) throw invalidParams(`too many arguments, want at most ${specs.length}`);
  const out: unknown[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const value = args[i];
    if (value === undefined || value === null) {
      if (spec.required) throw invalidParams(`missing value for required argument ${i}`);
      out.push(spec.fallback);
      continue;
    }
    try {
      out.push(spec.parse(value));
    } catch (err) {
      if (err instanceof ParamError) throw argumentError(i, err);
      throw err;
    }
  }
  return out as ParamValues<P>;
}

/** JSON's name for a value's type, for messages. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

const HEX_DIGITS = /^[0-9a-fA-F]*$/;

/** The digits after a required 0x (or 0X) prefix. */
function hexDigits(value: unknown, what: string): string {
  if (typeof value !== "string") throw new ParamError(`${what} must be a hex string, got ${jsonType(value)}`);
  if (!value.startsWith("0x") && !value.startsWith("0X")) throw new ParamError("hex string without 0x prefix");
  const digits = value.slice(2);
  if (!HEX_DIGITS.test(digits)) throw new ParamError("invalid hex string");
  return digits;
}

/** An unsigned hex quantity: no leading zeros ("0x0" allowed), at most `maxBits` bits. */
export function parseQuantity(value: unknown, maxBits = 256): bigint {
  const digits = hexDigits(value, "quantity");
  if (digits.length === 0) throw new ParamError('hex string "0x" has no digits');
  if (digits.length > 1 && digits[0] === "0") throw new ParamError("hex number with leading zero digits");
  const n = BigInt("0x" + digits);
  if (n >> BigInt(maxBits) !== 0n) throw new ParamError(`hex number > ${maxBits} bits`);
  return n;
}

export const parseUint64 = (value: unknown): bigint => parseQuantity(value, 64);
export const parseUint256 = (value: unknown): bigint => parseQuantity(value, 256);

/** Arbitrary bytes: even number of hex digits, either case; "0x" is empty. */
export function parseData(value: unknown): Uint8Array {
  const digits = hexDigits(value, "data");
  if (digits.length % 2 !== 0) throw new ParamError("hex string of odd length");
  return hexToBytes(digits);
}

function parseFixedBytes(value: unknown, size: number, what: string): Uint8Array {
  const digits = hexDigits(value, what);
  if (digits.length !== size * 2) throw new ParamError(`hex string has length ${digits.length}, want ${size * 2} for ${what}`);
  return hexToBytes(digits);
}

/** A 20-byte address; any case is accepted (checksums are not enforced, as geth does not). */
export const parseAddress = (value: unknown): Address20 => parseFixedBytes(value, 20, "address");
export const parseHash = (value: unknown): Hash32 => parseFixedBytes(value, 32, "hash");

export function parseBool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new ParamError(`expected boolean, got ${jsonType(value)}`);
  return value;
}

/**
 * A storage slot as geth reads it: hex with or without 0x, at most 32 bytes, left-padded, so "0x0"
 * and "0x00...00" name the same slot.
 */
export function parseStorageSlot(value: unknown): Hash32 {
  if (typeof value !== "string") throw new ParamError(`storage slot must be a hex string, got ${jsonType(value)}`);
  const digits = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  if (!HEX_DIGITS.test(digits)) throw new ParamError("invalid hex string");
  if (digits.length > 64) throw new ParamError("hex string too long, want at most 32 bytes");
  return hexToBytes(digits.padStart(64, "0"));
}

/** Block selectors without hashes: what a block number-or-tag parameter can name. */
export type BlockNumberOrTag = Extract<BlockSelector, { number: bigint } | "latest" | "pending" | "earliest">;

const INT64_MAX = (1n << 63n) - 1n;

/**
 * "latest", "earliest", "pending", "safe", "finalized" or a hex number. Commits are final, so "safe"
 * and "finalized" are the latest committed block.
 */
export function parseBlockNumberOrTag(value: unknown): BlockNumberOrTag {
  if (typeof value !== "string") throw new ParamError(`block number must be a hex string or tag, got ${jsonType(value)}`);
  switch (value) {
    case "latest":
    case "safe":
    case "finalized":
      return "latest";
    case "pending":
      return "pending";
    case "earliest":
      return "earliest";
  }
  const number = parseQuantity(value, 64);
  if (number > INT64_MAX) throw new ParamError("block number larger than int64");
  return { number };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A block reference where a state-reading method takes one: a number or tag, a bare 32-byte block
 * hash (as geth and the spec accept), or an EIP-1898 object `{ blockHash, requireCanonical? }` /
 * `{ blockNumber }`.
 */
export function parseBlockRef(value: unknown): BlockSelector {
  if (typeof value === "string") {
    if (value.length === 66) return { hash: parseHash(value) };
    return parseBlockNumberOrTag(value);
  }
  if (!isPlainObject(value)) throw new ParamError(`block must be a hex string, tag or object, got ${jsonType(value)}`);
  const hasHash = value.blockHash !== undefined && value.blockHash !== null;
  const hasNumber = value.blockNumber !== undefined && value.blockNumber !== null;
  if (hasHash && hasNumber) throw new ParamError("cannot specify both BlockHash and BlockNumber, choose one or the other");
  if (hasNumber) return parseBlockNumberOrTag(value.blockNumber);
  if (!hasHash) throw new ParamError("either blockHash or blockNumber must be specified");
  const hash = parseHash(value.blockHash);
  const canonical = value.requireCanonical;
  if (canonical === undefined || canonical === null) return { hash };
  if (typeof canonical !== "boolean") throw new ParamError(`requireCanonical must be a boolean, got ${jsonType(canonical)}`);
  return { hash, requireCanonical: canonical };
}

/** Prefixes a nested field's name to its ParamError ("gas: hex string without 0x prefix"). */
export function field<T>(name: string, parse: (value: unknown) => T, value: unknown): T {
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof ParamError) throw new ParamError(`${name}: ${err.message}`);
    throw err;
  }
}
