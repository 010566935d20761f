// `verity validator keys ...` and `verity account ...` (the CLI's own code, in-process) on real files:
// plaintext validator keys encrypted in place, their registration shown, account keystores that
// ethers opens.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { devValidatorKeys, validatorKeysToJson } from "../../src/chain/validator-keys.js";
import { runKeys } from "../../src/cli/keys.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const env = { VERITY_PASSWORD: "from the environment" };
const keys = async (argv: string[], e: NodeJS.ProcessEnv = env): Promise<unknown> => JSON.parse(await runKeys(argv[0] as "account" | "validator", argv.slice(1), e));

describe("verity validator keys", () => {
  it("new writes an encrypted file and prints its registration; encrypt does plaintext files in place; show decrypts", async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-keys-"));
    const data = join(dir, "keys");
    const registration = (await keys(["validator", "keys", "new", "--datadir", data, "--chain-id", "31337", "--lightkdf"])) as { file: string; address: string; signingKey: string; proofOfPossession: string };
    expect(registration.proofOfPossession).toMatch(/^0x[0-9a-f]{288}$/);
    expect(registration.file).toBe(join(data, `validator-${registration.address.toLowerCase()}.json`));
    const operator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const forOperator = (await keys(["validator", "keys", "new", "--datadir", data, "--chain-id", "31337", "--operator", operator, "--lightkdf"])) as { address: string };
    expect(forOperator.address).toBe(operator);
    await expect(keys(["validator", "keys", "new", "--datadir", data, "--chain-id", "31337", "--operator", operator, "--lightkdf"])).rejects.toThrow(/exists: this address has validator keys already/);

    writeFileSync(join(data, "validator-0.json"), validatorKeysToJson(devValidatorKeys(0)));
    expect(await keys(["validator", "keys", "encrypt", "--datadir", data, "--lightkdf"])).toEqual({ encrypted: [join(data, "validator-0.json")] });
    expect(readFileSync(join(data, "validator-0.json"), "utf8")).not.toContain(Buffer.from(devValidatorKeys(0).signingSecretKey).toString("hex"));
    expect(await keys(["validator", "keys", "encrypt", "--datadir", data])).toEqual({ encrypted: [] });

    const shown = (await keys(["validator", "keys", "show", "--datadir", data, "--chain-id", "31337"])) as Array<{ file: string; address: string; signingKey: string; proofOfPossession: string }>;
    expect(shown).toHaveLength(3);
    expect(shown.find((k) => k.file === registration.file)).toEqual(registration);
    expect(shown.find((k) => k.file === join(data, "validator-0.json"))?.address.toLowerCase()).toBe("0x" + Buffer.from(devValidatorKeys(0).address).toString("hex"));
    await expect(keys(["validator", "keys", "show", "--datadir", data, "--chain-id", "31337"], { VERITY_PASSWORD: "nope" })).rejects.toThrow(/wrong password/);
    await expect(keys(["validator", "keys", "new", "--datadir", data, "--chain-id", "31337"], {})).rejects.toThrow(/a password is needed: give --password-file FILE or set VERITY_PASSWORD/);
  });
});

describe("verity account", () => {
  it("import and new write geth's keystore files that ethers opens; list reads their addresses", async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-keys-"));
    const keystore = join(dir, "keystore");
    writeFileSync(join(dir, "dev-key"), "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n");
    expect(await keys(["account", "import", "--key-file", join(dir, "dev-key"), "--keystore", keystore, "--lightkdf"])).toMatchObject({ address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" });
    await expect(keys(["account", "import", "--key-file", join(dir, "dev-key"), "--keystore", keystore, "--lightkdf"])).rejects.toThrow(/already holds a key/);
    const fresh = (await keys(["account", "new", "--keystore", keystore, "--lightkdf"])) as { address: string };
    const listed = (await keys(["account", "list", "--keystore", keystore])) as Array<{ address: string; file: string }>;
    expect(listed.map((a) => a.address).sort()).toEqual(["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", fresh.address].sort());
    expect(readdirSync(keystore).every((f) => /^UTC--.+--[0-9a-f]{40}$/.test(f))).toBe(true);
    for (const a of listed) expect((await Wallet.fromEncryptedJson(readFileSync(a.file, "utf8"), "from the environment")).address).toBe(a.address);
  });
});
