// Web3 Secret Storage v3 (the keystore format of geth, ethers and Lodestar): a secret encrypted with
// AES-128-CTR under a key stretched from the password by scrypt, and a keccak-256 MAC over the second
// half of that key and the ciphertext, which tells a wrong password from a good one. node:crypto does
// the scrypt (@noble/hashes where OpenSSL refuses the parameters), PBKDF2 and AES natively; the MAC
// is the keccak the rest of the node uses.
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes, randomUUID, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { scryptAsync as nobleScrypt } from "@noble/hashes/scrypt.js";
import { keccak256 } from "../primitives/hash.js";

const nativeScrypt = promisify(scrypt) as (password: Uint8Array, salt: Uint8Array, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** OpenSSL's scrypt (native, fast) where it takes the parameters; it refuses N >= 2^(16 r), which
 * files with r = 1 have (the standard's own test vector), and @noble/hashes computes those. */
async function scryptAsync(password: Uint8Array, salt: Uint8Array, dkLen: number, o: { N: number; r: number; p: number }): Promise<Buffer> {
  if (o.N < 2 ** (16 * o.r)) return nativeScrypt(password, salt, dkLen, { ...o, maxmem: 256 * o.N * o.r + 1024 * o.r * o.p });
  return Buffer.from(await nobleScrypt(password, salt, { ...o, dkLen, maxmem: 2 ** 31 }));
}
const pbkdf2Async = promisify(pbkdf2);

/** geth's standard scrypt cost (2^18) and its --lightkdf one (2^12), for tests and throwaway keys. */
export const SCRYPT_N_STANDARD = 1 << 18;
export const SCRYPT_N_LIGHT = 1 << 12;

export type KeystoreFailure = "wrong-password" | "corrupt" | "unsupported";

export class KeystoreError extends Error {
  constructor(
    readonly failure: KeystoreFailure,
    message: string,
  ) {
    super(message);
    this.name = "KeystoreError";
  }
}

export interface V3Crypto {
  cipher: string;
  cipherparams: { iv: string };
  ciphertext: string;
  kdf: string;
  kdfparams: Record<string, unknown>;
  mac: string;
}

export interface V3File {
  version: 3;
  id: string;
  address: string;
  crypto: V3Crypto;
  [extra: string]: unknown;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** As ethers does, so a password typed in another normalisation of the same text still opens the file. */
const passwordBytes = (password: string) => new TextEncoder().encode(password.normalize("NFKC"));

export async function encryptV3(secret: Uint8Array, password: string, o: { address: string; scryptN?: number; extra?: Record<string, unknown> }): Promise<V3File> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const n = o.scryptN ?? SCRYPT_N_STANDARD;
  const dk = await scryptAsync(passwordBytes(password), salt, 32, { N: n, r: 8, p: 1 });
  const cipher = createCipheriv("aes-128-ctr", dk.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  const mac = keccak256(Buffer.concat([dk.subarray(16, 32), ciphertext]));
  return {
    ...o.extra,
    version: 3,
    id: randomUUID(),
    address: o.address.replace(/^0x/, "").toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: hex(iv) },
      ciphertext: hex(ciphertext),
      kdf: "scrypt",
      kdfparams: { dklen: 32, n, r: 8, p: 1, salt: hex(salt) },
      mac: hex(mac),
    },
  };
}

/** Whether a parsed JSON file is a v3 keystore at all (else it may be a plaintext key file). Its
 * "crypto" may be spelled "Crypto", as ethers and older geth write it. */
export function isV3(raw: unknown): raw is Record<string, unknown> & { version: unknown } {
  return typeof raw === "object" && raw !== null && ("crypto" in raw || "Crypto" in raw) && (raw as { version?: unknown }).version !== undefined;
}

function hexField(v: unknown, name: string, bytes?: number): Buffer {
  if (typeof v !== "string" || !/^(0x)?([0-9a-fA-F]{2})*$/.test(v)) throw new KeystoreError("corrupt", `${name}: expected hex`);
  const b = Buffer.from(v.replace(/^0x/, ""), "hex");
  if (bytes !== undefined && b.length !== bytes) throw new KeystoreError("corrupt", `${name}: expected ${bytes} bytes`);
  return b;
}

function intField(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new KeystoreError("corrupt", `${name}: expected a positive integer`);
  return v;
}

async function deriveKey(c: V3Crypto, password: string): Promise<Buffer> {
  const p = c.kdfparams ?? {};
  if (typeof p !== "object") throw new KeystoreError("corrupt", "crypto.kdfparams: expected an object");
  const dklen = intField(p.dklen, "kdfparams.dklen");
  if (dklen < 32) throw new KeystoreError("corrupt", "kdfparams.dklen: at least 32");
  const salt = hexField(p.salt, "kdfparams.salt");
  if (c.kdf === "scrypt") {
    const n = intField(p.n, "kdfparams.n");
    const r = intField(p.r, "kdfparams.r");
    if ((n & (n - 1)) !== 0 || n > 1 << 22) throw new KeystoreError("unsupported", `kdfparams.n: ${n} is not a power of two up to 2^22`);
    return scryptAsync(passwordBytes(password), salt, dklen, { N: n, r, p: intField(p.p, "kdfparams.p") });
  }
  if (c.kdf === "pbkdf2") {
    if (p.prf !== "hmac-sha256") throw new KeystoreError("unsupported", `kdfparams.prf: only hmac-sha256, not ${String(p.prf)}`);
    return pbkdf2Async(passwordBytes(password), salt, intField(p.c, "kdfparams.c"), dklen, "sha256");
  }
  throw new KeystoreError("unsupported", `crypto.kdf: ${String(c.kdf)} (scrypt and pbkdf2 are)`);
}

/** The secret in a v3 file; a MAC mismatch is a wrong password (or a file altered after writing). */
export async function decryptV3(raw: unknown, password: string): Promise<Uint8Array> {
  if (!isV3(raw)) throw new KeystoreError("corrupt", "not a v3 keystore (no version and crypto)");
  if (raw.version !== 3) throw new KeystoreError("unsupported", `version ${String(raw.version)} (only 3 is)`);
  const c = (raw.crypto ?? raw.Crypto) as V3Crypto;
  if (typeof c !== "object" || c === null) throw new KeystoreError("corrupt", "crypto: expected an object");
  if (c.cipher !== "aes-128-ctr") throw new KeystoreError("unsupported", `crypto.cipher: ${String(c.cipher)} (aes-128-ctr is)`);
  const iv = hexField(c.cipherparams?.iv, "cipherparams.iv", 16);
  const ciphertext = hexField(c.ciphertext, "crypto.ciphertext");
  const mac = hexField(c.mac, "crypto.mac", 32);
  const dk = await deriveKey(c, password);
  if (!timingSafeEqual(Buffer.from(keccak256(Buffer.concat([dk.subarray(16, 32), ciphertext]))), mac)) throw new KeystoreError("wrong-password", "wrong password (the MAC does not match)");
  const decipher = createDecipheriv("aes-128-ctr", dk.subarray(0, 16), iv);
  return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}
