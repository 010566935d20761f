// Key files on disk: a validator's (its ed25519 signing and ECVRF secrets) and an account's (a
// secp256k1 key, the file ethers and geth read), as Web3 Secret Storage v3. A validator file carries
// its public keys in the clear under "verity" so a key type mix-up is caught before any password is
// asked; the dev chain's plaintext validator JSON still loads, without a password.
import { readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { addressOfPrivateKey } from "../chain/dev-accounts.js";
import { signingPublicKey, validatorKeysFromJson, vrfPublicKeyOf, type ValidatorKeys } from "../chain/validator-keys.js";
import { decryptV3, encryptV3, isV3, KeystoreError } from "./v3.js";

/** What makes a v3 file a validator key file rather than an account's. */
const VALIDATOR_KIND = "verity-validator-keys";

export class KeyFileError extends Error {
  constructor(
    readonly file: string,
    readonly failure: "wrong-password" | "corrupt" | "unsupported" | "wrong-type" | "no-password",
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "KeyFileError";
  }
}

/** Where the password of encrypted key files comes from: --password-file (its first line, as geth
 * reads one), else VERITY_PASSWORD; null when neither is given. */
export function passwordFrom(o: { passwordFile?: string | undefined; env: NodeJS.ProcessEnv }): string | null {
  if (o.passwordFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.passwordFile, "utf8");
    } catch (e) {
      throw new KeyFileError(o.passwordFile, "no-password", `cannot read the password file: ${(e as Error).message}`);
    }
    return text.split(/\r?\n/)[0] ?? "";
  }
  return o.env.VERITY_PASSWORD ?? null;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KeyFileError(file, "corrupt", `not valid JSON: ${(e as Error).message}`);
  }
}

function rethrow(file: string, e: unknown): never {
  if (e instanceof KeystoreError) throw new KeyFileError(file, e.failure, e.message);
  throw e;
}

export async function encryptValidatorKeys(k: ValidatorKeys, password: string, scryptN?: number): Promise<string> {
  const secret = new Uint8Array([...k.signingSecretKey, ...k.vrfSecretKey]);
  const extra = { verity: { kind: VALIDATOR_KIND, signingKey: bytesToHex(signingPublicKey(k.signingSecretKey)), vrfKey: bytesToHex(vrfPublicKeyOf(k.vrfSecretKey)) } };
  return JSON.stringify(await encryptV3(secret, password, { address: bytesToHex(k.address), extra, ...(scryptN !== undefined ? { scryptN } : {}) }), null, 2) + "\n";
}

export function isEncryptedKeyFile(text: string, file: string): boolean {
  return isV3(parseJson(text, file));
}

/** A validator key file, plaintext (dev) or encrypted (password needed). */
export async function readValidatorKeyFile(file: string, password: string | null): Promise<ValidatorKeys> {
  const text = readFileSync(file, "utf8");
  const raw = parseJson(text, file) as Record<string, unknown>;
  if (!isV3(raw)) {
    try {
      return validatorKeysFromJson(text, file);
    } catch (e) {
      throw new KeyFileError(file, "corrupt", (e as Error).message.replace(`${file}: `, ""));
    }
  }
  const meta = raw.verity as { kind?: unknown; signingKey?: unknown; vrfKey?: unknown } | undefined;
  if (meta?.kind !== VALIDATOR_KIND) throw new KeyFileError(file, "wrong-type", "an account keystore, not a validator key file (it has no verity.kind of validator keys)");
  if (password === null) throw new KeyFileError(file, "no-password", "encrypted: give --password-file FILE or set VERITY_PASSWORD");
  const secret = await decryptV3(raw, password).catch((e: unknown) => rethrow(file, e));
  if (secret.length !== 64) throw new KeyFileError(file, "corrupt", `the secret has ${secret.length} bytes, a validator's has 64`);
  const address = typeof raw.address === "string" && /^(0x)?[0-9a-fA-F]{40}$/.test(raw.address) ? Buffer.from(raw.address.replace(/^0x/, ""), "hex") : null;
  if (!address) throw new KeyFileError(file, "corrupt", "address: expected 20 bytes of hex");
  const keys: ValidatorKeys = { address: new Uint8Array(address), signingSecretKey: secret.slice(0, 32), vrfSecretKey: secret.slice(32) };
  if (bytesToHex(signingPublicKey(keys.signingSecretKey)) !== meta.signingKey || bytesToHex(vrfPublicKeyOf(keys.vrfSecretKey)) !== meta.vrfKey)
    throw new KeyFileError(file, "corrupt", "the decrypted keys do not match the public keys the file names");
  return keys;
}

/** The validator key files (validator-*.json) in a directory, sorted. */
export function validatorKeyFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^validator-.*\.json$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Writes a file so that a crash leaves the old one or the new one, never half of either. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

export async function encryptAccountKey(privateKey: Uint8Array, password: string, scryptN?: number): Promise<string> {
  return JSON.stringify(await encryptV3(privateKey, password, { address: bytesToHex(addressOfPrivateKey(privateKey)), ...(scryptN !== undefined ? { scryptN } : {}) }), null, 2) + "\n";
}

/** An account keystore's private key; its address must be the key's. */
export async function readAccountKeyFile(file: string, password: string): Promise<{ address: Uint8Array; privateKey: Uint8Array }> {
  const raw = parseJson(readFileSync(file, "utf8"), file) as Record<string, unknown>;
  if (!isV3(raw)) throw new KeyFileError(file, "corrupt", "not a v3 keystore");
  if (raw.verity !== undefined) throw new KeyFileError(file, "wrong-type", "a validator key file, not an account keystore");
  const privateKey = await decryptV3(raw, password).catch((e: unknown) => rethrow(file, e));
  if (privateKey.length !== 32) throw new KeyFileError(file, "corrupt", `the secret has ${privateKey.length} bytes, an account key has 32`);
  const address = addressOfPrivateKey(privateKey);
  if (typeof raw.address === "string" && raw.address.replace(/^0x/, "").toLowerCase() !== Buffer.from(address).toString("hex"))
    throw new KeyFileError(file, "corrupt", "the decrypted key is not the one of the address the file names");
  return { address, privateKey };
}

/** geth's keystore file name: UTC--<time>--<address>. */
export function accountFileName(address: Uint8Array, now = new Date()): string {
  return `UTC--${now.toISOString().replace(/:/g, "-")}--${Buffer.from(address).toString("hex")}`;
}
