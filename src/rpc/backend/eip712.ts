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

function fail(message: string): never {
  throw new UserError(`invalid typed data: ${message}`, -32602);
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

/** The struct types `type` refers to, itself first, then the rest sorted by name (EIP-712's encodeType order). */
function dependencies(type: string, types: Types, found = new Set<string>()): Set<string> {
  const base = type.replace(/(\[[0-9]*\])+$/, "");
  if (found.has(base) || types[base] === undefined) return found;
  found.add(base);
  for (const field of types[base]!) dependencies(field.type, types, found);
  return found;
}

export function encodeType(primaryType: string, types: Types): string {
  const [primary, ...rest] = [...dependencies(primaryType, types)];
  if (primary === undefined) fail(`unknown type ${primaryType}`);
  return [primary, ...rest.sort()].map((name) => `${name}(${types[name]!.map((f) => `${f.type} ${f.name}`).join(",")})`).join("");
}

function encodeValue(type: string, value: unknown, types: Types, what: string): Uint8Array {
  const array = /^(.*)\[([0-9]*)\]$/.exec(type);
  if (array !== null) {
    if (!Array.isArray(value)) fail(`${what}: expected an array for ${type}`);
    if (array[2] !== "" && value.length !== Number(array[2])) fail(`${what}: expected ${array[2]} items, got ${value.length}`);
    return keccak256(concat(value.map((item, i) => encodeValue(array[1]!, item, types, `${what}[${i}]`))));
  }
  if (types[type] !== undefined) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${what}: expected an object for ${type}`);
    return hashStruct(type, value as Record<string, unknown>, types);
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

export function hashStruct(type: string, data: Record<string, unknown>, types: Types): Uint8Array {
  const fields = types[type];
  if (fields === undefined) fail(`unknown type ${type}`);
  const encoded = [keccak256(utf8ToBytes(encodeType(type, types)))];
  for (const field of fields) {
    const value = data[field.name];
    if (value === undefined || value === null) fail(`${type}.${field.name} is missing`);
    encoded.push(encodeValue(field.type, value, types, `${type}.${field.name}`));
  }
  return keccak256(concat(encoded));
}

/** The digest eth_signTypedData_v4 signs. */
export function hashTypedData(typedData: TypedData): Uint8Array {
  const types: Types = { ...typedData.types };
  types.EIP712Domain ??= DOMAIN_FIELDS.filter((f) => typedData.domain[f.name] !== undefined);
  const parts = [Uint8Array.of(0x19, 0x01), hashStruct("EIP712Domain", typedData.domain, types)];
  if (typedData.primaryType !== "EIP712Domain") parts.push(hashStruct(typedData.primaryType, typedData.message, types));
  return keccak256(concat(parts));
}
