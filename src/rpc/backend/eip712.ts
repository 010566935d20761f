// EIP-712 typed-data hashing for eth_signTypedData_v4: hashStruct of the domain and of the message,
// combined as keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)). Covers the v4 rules that
// wallets (MetaMask's eth-sig-util, viem, ethers) share: nested structs, arrays of any type (fixed
// or dynamic, nested), dynamic bytes and string hashed, atomic types padded to a word.
import { bytesToHex, hexToBytes, utf8ToBytes } from "@ethereumjs/util";
import { keccak256 } from "../../primitives/hash.js";
import type { TypedData } from "./port.js";
import { UserError } from "./port.js";

type Field = { name: string; type: string };
type Types = Record<string, Field[]>;

/** The domain fields EIP-712 defines, in its order: used when the caller's types omit EIP712Domain. */
const DOMAIN_FIELDS: Field[] = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
  { name: "salt", type: "bytes32" },
];

/** Most struct types one request may declare: each hashStruct walks its type's dependencies once. */
export const MAX_TYPED_DATA_TYPES = 1_024;
/** Deepest nesting of structs and arrays in a message (real ones nest a handful; recursion must stay on the stack). */
export const MAX_TYPED_DATA_DEPTH = 128;
/** Longest error message: a type name or value from the request may be megabytes long. */
const MAX_MESSAGE_CHARS = 300;

function fail(message: string): never {
  const clipped = message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  throw new UserError(`invalid typed data: ${clipped}`, -32602);
}

/**
 * The request's struct types, looked up as own properties only: a type named "__proto__",
 * "constructor" or "toString" is just an unknown name, never something of Object.prototype.
 */
class TypeTable {
  private readonly fields = new Map<string, Field[]>();
  /** encodeType per struct, computed once per request (a chain of N types would otherwise cost N^2). */
  private readonly encoded = new Map<string, string>();

  constructor(types: Types) {
    for (const name of Object.keys(types)) this.fields.set(name, types[name]!);
    if (this.fields.size > MAX_TYPED_DATA_TYPES) fail(`too many types: ${this.fields.size}, at most ${MAX_TYPED_DATA_TYPES}`);
  }

  get(name: string): Field[] | undefined {
    return this.fields.get(name);
  }

  encodeType(primaryType: string): string {
    let out = this.encoded.get(primaryType);
    if (out === undefined) {
      const [primary, ...rest] = [...this.dependencies(primaryType)];
      if (primary === undefined) fail(`unknown type ${primaryType}`);
      out = [primary, ...rest.sort()].map((name) => `${name}(${this.fields.get(name)!.map((f) => `${f.type} ${f.name}`).join(",")})`).join("");
      this.encoded.set(primaryType, out);
    }
    return out;
  }

  /** The struct types `type` refers to, itself first (EIP-712's encodeType order is applied by the caller). Iterative: a chain of types is no recursion. */
  private dependencies(type: string): Set<string> {
    const found = new Set<string>();
    const todo = [type];
    while (todo.length > 0) {
      const base = elementBase(todo.pop()!);
      const fields = this.fields.get(base);
      if (found.has(base) || fields === undefined) continue;
      found.add(base);
      // Depth-first in field order, as the recursive definition visits them.
      for (let i = fields.length - 1; i >= 0; i--) todo.push(fields[i]!.type);
    }
    return found;
  }
}

/**
 * "T[2][]" -> { element: "T[2]", length: "" }; null when `type` is not an array. A linear scan: the
 * regular expressions this replaced backtracked quadratically on names like "T[][][]…[]x".
 */
export function arraySuffix(type: string): { element: string; length: string } | null {
  if (!type.endsWith("]")) return null;
  const open = type.lastIndexOf("[");
  if (open === -1) return null;
  const length = type.slice(open + 1, -1);
  for (let i = 0; i < length.length; i++) {
    const c = length.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return { element: type.slice(0, open), length };
}

/** The type an array type holds at the bottom ("T[2][]" -> "T"). */
function elementBase(type: string): string {
  let base = type;
  for (let suffix = arraySuffix(base); suffix !== null; suffix = arraySuffix(base)) base = suffix.element;
  return base;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A 32-byte big-endian word of a value that fits (two's complement for negatives). */
function wordOf(value: bigint, bits: number, signed: boolean, what: string): Uint8Array {
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (value < min || value > max) fail(`${what}: ${value} does not fit in ${signed ? "int" : "uint"}${bits}`);
  const unsigned = value < 0n ? (1n << 256n) + value : value;
  return hexToBytes(`0x${unsigned.toString(16).padStart(64, "0")}`);
}

function integerOf(value: unknown, what: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) {
    return value.startsWith("-") ? -BigInt(value.slice(1)) : BigInt(value);
  }
  return fail(`${what}: expected an integer, got ${JSON.stringify(value)}`);
}

function bytesOf(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(value)) fail(`${what}: expected 0x-prefixed hex bytes`);
  return hexToBytes(value as `0x${string}`);
}

/** EIP-712's encodeType of `primaryType` ("Mail(Person from,…)Person(…)"). */
export function encodeType(primaryType: string, types: Types): string {
  return new TypeTable(types).encodeType(primaryType);
}

/** A value of the message, read as an own property (a field named "__proto__" is just missing). */
function own(data: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(data, name) ? data[name] : undefined;
}

function encodeValue(type: string, value: unknown, types: TypeTable, what: string, depth: number): Uint8Array {
  if (depth > MAX_TYPED_DATA_DEPTH) fail(`${what}: nested deeper than ${MAX_TYPED_DATA_DEPTH} levels`);
  const array = arraySuffix(type);
  if (array !== null) {
    if (!Array.isArray(value)) fail(`${what}: expected an array for ${type}`);
    if (array.length !== "" && value.length !== Number(array.length)) fail(`${what}: expected ${array.length} items, got ${value.length}`);
    return keccak256(concat(value.map((item, i) => encodeValue(array.element, item, types, `${what}[${i}]`, depth + 1))));
  }
  if (types.get(type) !== undefined) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${what}: expected an object for ${type}`);
    return structHash(type, value as Record<string, unknown>, types, depth + 1);
  }
  if (type === "string") {
    if (typeof value !== "string") fail(`${what}: expected a string`);
    return keccak256(utf8ToBytes(value));
  }
  if (type === "bytes") return keccak256(bytesOf(value, what));
  if (type === "bool") {
    if (typeof value !== "boolean") fail(`${what}: expected a boolean`);
    return wordOf(value ? 1n : 0n, 8, false, what);
  }
  if (type === "address") {
    const bytes = bytesOf(value, what);
    if (bytes.length !== 20) fail(`${what}: expected a 20-byte address`);
    return wordOf(BigInt(bytesToHex(bytes)), 160, false, what);
  }
  const integer = /^(u?)int([0-9]*)$/.exec(type);
  if (integer !== null) {
    const bits = integer[2] === "" ? 256 : Number(integer[2]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) fail(`${what}: invalid type ${type}`);
    return wordOf(integerOf(value, what), bits, integer[1] === "", what);
  }
  const fixed = /^bytes([0-9]+)$/.exec(type);
  if (fixed !== null) {
    const size = Number(fixed[1]);
    const bytes = bytesOf(value, what);
    if (size < 1 || size > 32 || bytes.length > size) fail(`${what}: expected at most ${size} bytes for ${type}`);
    const out = new Uint8Array(32);
    out.set(bytes);
    return out;
  }
  return fail(`${what}: unknown type ${type}`);
}

function structHash(type: string, data: Record<string, unknown>, types: TypeTable, depth: number): Uint8Array {
  const fields = types.get(type);
  if (fields === undefined) fail(`unknown type ${type}`);
  const encoded = [keccak256(utf8ToBytes(types.encodeType(type)))];
  for (const field of fields) {
    const value = own(data, field.name);
    if (value === undefined || value === null) fail(`${type}.${field.name} is missing`);
    encoded.push(encodeValue(field.type, value, types, `${type}.${field.name}`, depth));
  }
  return keccak256(concat(encoded));
}

/** EIP-712's hashStruct of `data` as a `type`. */
export function hashStruct(type: string, data: Record<string, unknown>, types: Types): Uint8Array {
  return structHash(type, data, new TypeTable(types), 0);
}

/** The digest eth_signTypedData_v4 signs. */
export function hashTypedData(typedData: TypedData): Uint8Array {
  const declared = typedData.types;
  const domainFields = Object.hasOwn(declared, "EIP712Domain") ? declared.EIP712Domain! : DOMAIN_FIELDS.filter((f) => own(typedData.domain, f.name) !== undefined);
  const types = new TypeTable({ ...declared, EIP712Domain: domainFields });
  const parts = [Uint8Array.of(0x19, 0x01), structHash("EIP712Domain", typedData.domain, types, 0)];
  if (typedData.primaryType !== "EIP712Domain") parts.push(structHash(typedData.primaryType, typedData.message, types, 0));
  return keccak256(concat(parts));
}
