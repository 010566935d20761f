// SHA-512 and SHA-512/256 through node:crypto (OpenSSL): the same functions as @noble/hashes, an
// order of magnitude faster under load, and on the hot path of every VRF proof and priority.
import { createHash } from "node:crypto";

export function sha512(data: Uint8Array): Uint8Array {
  const d = createHash("sha512").update(data).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

export function sha512_256(data: Uint8Array): Uint8Array {
  const d = createHash("sha512-256").update(data).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}
