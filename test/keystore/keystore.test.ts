// Web3 Secret Storage v3 files as geth and ethers have them: ours open in ethers, ethers' open in
// verity, and every way a file can fail to open says which.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, encryptKeystoreJson } from "ethers";
import { bytesToHex } from "@ethereumjs/util";
import { keysFromSeed, validatorKeysToJson } from "../../src/chain/validator-keys.js";
import { encryptAccountKey, encryptValidatorKeys, readAccountKeyFile, readValidatorKeyFile, KeyFileError, passwordFrom } from "../../src/keystore/key-files.js";
import { SCRYPT_N_LIGHT, decryptV3, encryptV3 } from "../../src/keystore/v3.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "verity-keystore-"));
  dirs.push(dir);
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
async function failure(p: Promise<unknown>): Promise<KeyFileError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KeyFileError);
  return e as KeyFileError;
}

const PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // the first dev account
const ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("account keystores", () => {
  it("ethers opens the file verity writes, at geth's standard scrypt cost", async () => {
    const text = await encryptAccountKey(Buffer.from(PRIVATE_KEY.slice(2), "hex"), "hunter2 ünïcode");
    const json = JSON.parse(text) as { version: number; address: string; crypto: { kdf: string; kdfparams: { n: number } } };
    expect(json.version).toBe(3);
    expect(json.address).toBe(ADDRESS.slice(2).toLowerCase());
    expect(json.crypto.kdfparams.n).toBe(1 << 18);
    const wallet = await Wallet.fromEncryptedJson(text, "hunter2 ünïcode");
    expect(wallet.address).toBe(ADDRESS);
    expect(wallet.privateKey).toBe(PRIVATE_KEY);
  });

  it("verity opens the file ethers writes, and refuses a wrong password", async () => {
    const text = await encryptKeystoreJson({ address: ADDRESS, privateKey: PRIVATE_KEY }, "pw", { scrypt: { N: SCRYPT_N_LIGHT } });
    const f = file("UTC--x", text);
    const { address, privateKey } = await readAccountKeyFile(f, "pw");
    expect(bytesToHex(address)).toBe(ADDRESS.toLowerCase());
    expect(bytesToHex(privateKey)).toBe(PRIVATE_KEY);
    const wrong = await failure(readAccountKeyFile(f, "not pw"));
    expect(wrong.failure).toBe("wrong-password");
    expect(wrong.message).toBe(`${f}: wrong password (the MAC does not match)`);
  });

  it("names a file whose address is not its key's, and a validator file in an account's place", async () => {
    const json = JSON.parse(await encryptAccountKey(Buffer.from(PRIVATE_KEY.slice(2), "hex"), "pw", SCRYPT_N_LIGHT)) as Record<string, unknown>;
    const f = file("UTC--y", JSON.stringify({ ...json, address: "00".repeat(20) }));
    expect((await failure(readAccountKeyFile(f, "pw"))).message).toMatch(/not the one of the address the file names/);
    const v = file("validator-0.json", await encryptValidatorKeys(keysFromSeed(new Uint8Array(32)), "pw", SCRYPT_N_LIGHT));
    expect((await failure(readAccountKeyFile(v, "pw"))).failure).toBe("wrong-type");
  });
});

describe("validator key files", () => {
  const keys = keysFromSeed(new TextEncoder().encode("a validator"));

  it("round-trip encrypted, with the public keys readable without the password", async () => {
    const text = await encryptValidatorKeys(keys, "pw", SCRYPT_N_LIGHT);
    expect(text).not.toContain(bytesToHex(keys.signingSecretKey).slice(2));
    expect(text).not.toContain(bytesToHex(keys.vrfSecretKey).slice(2));
    const json = JSON.parse(text) as { verity: { kind: string; signingKey: string } };
    expect(json.verity.kind).toBe("verity-validator-keys");
    const f = file("validator-0.json", text);
    expect(await readValidatorKeyFile(f, "pw")).toEqual(keys);
  });

  it("plaintext dev files still open, with no password", async () => {
    const f = file("validator-0.json", validatorKeysToJson(keys));
    expect(await readValidatorKeyFile(f, null)).toEqual(keys);
  });

  it("a wrong password, no password, a corrupt file and an account file each say so", async () => {
    const text = await encryptValidatorKeys(keys, "pw", SCRYPT_N_LIGHT);
    const f = file("validator-0.json", text);
    expect((await failure(readValidatorKeyFile(f, "wrong"))).failure).toBe("wrong-password");
    const none = await failure(readValidatorKeyFile(f, null));
    expect(none.failure).toBe("no-password");
    expect(none.message).toMatch(/give --password-file FILE or set VERITY_PASSWORD/);
    // One flipped ciphertext byte: the MAC no longer matches (a password cannot be told from damage).
    const json = JSON.parse(text) as { crypto: { ciphertext: string } };
    const c = json.crypto.ciphertext;
    json.crypto.ciphertext = (c[0] === "0" ? "1" : "0") + c.slice(1);
    expect((await failure(readValidatorKeyFile(file("validator-1.json", JSON.stringify(json)), "pw"))).failure).toBe("wrong-password");
    expect((await failure(readValidatorKeyFile(file("validator-2.json", "{ not json"), "pw"))).failure).toBe("corrupt");
    expect((await failure(readValidatorKeyFile(file("validator-3.json", '{"version":3,"crypto":{"cipher":"aes-256-gcm"},"verity":{"kind":"verity-validator-keys"}}'), "pw"))).failure).toBe("unsupported");
    const account = file("validator-4.json", await encryptAccountKey(Buffer.from(PRIVATE_KEY.slice(2), "hex"), "pw", SCRYPT_N_LIGHT));
    const wrongType = await failure(readValidatorKeyFile(account, "pw"));
    expect(wrongType.failure).toBe("wrong-type");
    expect(wrongType.message).toMatch(/an account keystore, not a validator key file/);
    // Public keys that do not match what decrypts (the file was edited): corrupt.
    const edited = JSON.parse(text) as { verity: { signingKey: string } };
    edited.verity.signingKey = "0x" + "11".repeat(32);
    expect((await failure(readValidatorKeyFile(file("validator-5.json", JSON.stringify(edited)), "pw"))).message).toMatch(/do not match the public keys/);
  });
});

describe("v3 and passwords", () => {
  // The test vectors of the Web3 Secret Storage definition (ethereum.org), one per kdf.
  const VECTOR_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
  it("decrypts the standard's PBKDF2 and scrypt test vectors", async () => {
    const pbkdf2 = {
      version: 3,
      id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
      address: "008aeeda4d805471df9b2a5b0f38a0c3bcba786b",
      crypto: {
        cipher: "aes-128-ctr",
        cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
        ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
        kdf: "pbkdf2",
        kdfparams: { c: 262144, dklen: 32, prf: "hmac-sha256", salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd" },
        mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
      },
    };
    expect(bytesToHex(await decryptV3(pbkdf2, "testpassword"))).toBe(VECTOR_KEY);
    const scrypt = {
      ...pbkdf2,
      crypto: {
        cipher: "aes-128-ctr",
        cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
        ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
        kdf: "scrypt",
        kdfparams: { dklen: 32, n: 262144, r: 1, p: 8, salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19" },
        mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
      },
    };
    expect(bytesToHex(await decryptV3(scrypt, "testpassword"))).toBe(VECTOR_KEY);
    await expect(decryptV3(scrypt, "testpassworD")).rejects.toThrow(/wrong password/);
    const v3 = await encryptV3(new Uint8Array([1, 2, 3]), "pw", { address: "0x" + "ab".repeat(20), scryptN: SCRYPT_N_LIGHT });
    expect([...(await decryptV3(v3, "pw"))]).toEqual([1, 2, 3]);
  });

  it("reads the first line of --password-file, else VERITY_PASSWORD", () => {
    const f = file("password", "s3cret\nsecond line\n");
    expect(passwordFrom({ passwordFile: f, env: { VERITY_PASSWORD: "env" } })).toBe("s3cret");
    expect(passwordFrom({ env: { VERITY_PASSWORD: "env" } })).toBe("env");
    expect(passwordFrom({ env: {} })).toBeNull();
    expect(() => passwordFrom({ passwordFile: "/nonexistent/pw", env: {} })).toThrow(/cannot read the password file/);
    expect(readFileSync(f, "utf8")).toContain("s3cret");
  });
});
