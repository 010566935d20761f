// Hex encodings of Ethereum's JSON-RPC: quantities are minimal hex ("0x0", "0x1a"), data and fixed-width
// values are lowercase hex with two digits per byte ("0x", "0x00ff").
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** Minimal hex of a non-negative integer: 0 -> "0x0", 255 -> "0xff". */
export function quantity(value: bigint | number): string {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative integer: ${value}`);
    return "0x" + value.toString(16);
  }
  if (value < 0n) throw new RangeError(`negative quantity: ${value}`);
  return "0x" + value.toString(16);
}

/** Lowercase hex of bytes, two digits per byte. */
export function data(bytes: Uint8Array): string {
  return "0x" + bytesToHex(bytes);
}

/** Hex of bytes left-padded with zeros to `width` bytes (storage words); longer input is kept whole. */
export function paddedData(bytes: Uint8Array, width: number): string {
  const hex = bytesToHex(bytes);
  return "0x" + hex.padStart(width * 2, "0");
}

/** EIP-55 mixed-case checksum form of an address (geth's Address.Hex(), used as txpool_ keys). */
export function checksumAddress(address: Uint8Array): string {
  const hex = bytesToHex(address);
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(hex)));
  let out = "0x";
  for (let i = 0; i < hex.length; i++) out += parseInt(hash[i]!, 16) >= 8 ? hex[i]!.toUpperCase() : hex[i];
  return out;
}
