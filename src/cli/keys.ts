// `verity account new|import|list` and `verity validator keys new|show|encrypt`: key files as Web3
// Secret Storage v3 (src/keystore/). Account keystores are the files geth and ethers read; validator
// key files sit in the data dir where `verity start` finds them. Passwords come from --password-file
// or VERITY_PASSWORD, never from a flag's value (which shell history and process lists would show).
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { getAddress } from "viem";
import { keysFromSeed } from "../chain/validator-keys.js";
import { accountFileName, encryptAccountKey, encryptValidatorKeys, isEncryptedKeyFile, readValidatorKeyFile, validatorKeyFiles, writeFileAtomic } from "../keystore/key-files.js";
import { openValidatorKeyFiles, passwordToEncrypt } from "./password.js";
import { SCRYPT_N_LIGHT } from "../keystore/v3.js";
import { UsageError } from "./args.js";
import { registration } from "./staking.js";

export const ACCOUNT_HELP = `verity account <action> [options]

  new      create an account key, encrypted:           [--keystore DIR] [--password-file FILE] [--lightkdf]
  import   encrypt a plaintext 0x-hex key file:        --key-file FILE [--keystore DIR] [--password-file FILE] [--lightkdf]
  list     the addresses of the keystore's files:      [--keystore DIR]

--keystore defaults to DATADIR/keystore (--datadir, default .verity/dev). The files are geth's
(UTC--<time>--<address>); ethers opens them with Wallet.fromEncryptedJson. The password is the first
line of --password-file, else VERITY_PASSWORD, else a prompt at a terminal.
`;

export const VALIDATOR_HELP = `verity validator keys <action> [options]

  new      create a validator's signing and VRF keys, encrypted, as DATADIR/validator-<address>.json,
           and print what createValidator needs: --datadir DIR --chain-id N [--operator ADDRESS]
           [--password-file FILE] [--lightkdf]
  show     print each key file's public keys and proof of possession: --datadir DIR --chain-id N [--password-file FILE]
  encrypt  encrypt every plaintext validator-*.json in DATADIR in place: --datadir DIR [--password-file FILE] [--lightkdf]

--operator is the account that registers the validator (its address is the validator's); without
it the keys get an address of their own. The password is the first line of --password-file, else
VERITY_PASSWORD, else a prompt at a terminal.
`;

type Options = { datadir?: string; keystore?: string; "password-file"?: string; "key-file"?: string; "chain-id"?: string; operator?: string; lightkdf?: boolean };

const json = (v: unknown): string => JSON.stringify(v, null, 2) + "\n";

const password = (o: Options, env: NodeJS.ProcessEnv, what: string): Promise<string> => passwordToEncrypt({ passwordFile: o["password-file"], env }, what);

function chainId(o: Options, what: string): bigint {
  const v = o["chain-id"];
  if (v === undefined || !/^[0-9]+$/.test(v) || BigInt(v) === 0n) throw new UsageError(`${what}: --chain-id N is required (the proof of possession is bound to the chain)`);
  return BigInt(v);
}

function datadir(o: Options, what: string): string {
  if (o.datadir === undefined) throw new UsageError(`${what}: --datadir is required`);
  return o.datadir;
}

async function account(action: string | undefined, o: Options, env: NodeJS.ProcessEnv): Promise<string> {
  const keystore = o.keystore ?? join(o.datadir ?? ".verity/dev", "keystore");
  const scryptN = o.lightkdf ? SCRYPT_N_LIGHT : undefined;
  const write = async (privateKey: Uint8Array) => {
    const text = await encryptAccountKey(privateKey, await password(o, env, "the account key"), scryptN);
    const address = (JSON.parse(text) as { address: string }).address;
    if (existsSync(keystore) && readdirSync(keystore).some((f) => f.toLowerCase().endsWith(`--${address}`))) throw new UsageError(`${keystore} already holds a key for 0x${address}`);
    mkdirSync(keystore, { recursive: true, mode: 0o700 });
    const file = join(keystore, accountFileName(hexToBytes(`0x${address}`)));
    writeFileAtomic(file, text);
    return json({ address: getAddress(`0x${address}`), file });
  };
  switch (action) {
    case "new":
      return write(randomBytes(32));
    case "import": {
      if (o["key-file"] === undefined) throw new UsageError("account import: --key-file FILE is required (a file holding a 0x-hex private key)");
      const raw = readFileSync(o["key-file"], "utf8").trim();
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(raw)) throw new UsageError(`${o["key-file"]}: expected a private key of 64 hex digits`);
      return write(hexToBytes(`0x${raw.replace(/^0x/, "")}`));
    }
    case "list": {
      if (!existsSync(keystore)) return json([]);
      const out: Array<{ address: string; file: string }> = [];
      for (const f of readdirSync(keystore).sort()) {
        let address: unknown;
        try {
          address = (JSON.parse(readFileSync(join(keystore, f), "utf8")) as { address?: unknown }).address;
        } catch {
          continue; // not a keystore file (geth's keystore dir holds only those, but an editor's backup may sit there)
        }
        if (typeof address === "string" && /^(0x)?[0-9a-fA-F]{40}$/.test(address)) out.push({ address: getAddress(`0x${address.replace(/^0x/, "")}`), file: join(keystore, f) });
      }
      return json(out);
    }
    default:
      throw new UsageError(`account: unknown action "${action ?? ""}" (run 'verity account help')`);
  }
}

async function validatorKeys(action: string | undefined, o: Options, env: NodeJS.ProcessEnv): Promise<string> {
  const scryptN = o.lightkdf ? SCRYPT_N_LIGHT : undefined;
  switch (action) {
    case "new": {
      const dir = datadir(o, "validator keys new");
      const id = chainId(o, "validator keys new");
      if (o.operator !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(o.operator)) throw new UsageError(`--operator: expected a 0x-prefixed 20-byte address, got "${o.operator}"`);
      const fresh = keysFromSeed(randomBytes(32));
      const keys = o.operator !== undefined ? { ...fresh, address: hexToBytes(o.operator as `0x${string}`) } : fresh;
      const file = join(dir, `validator-${bytesToHex(keys.address).toLowerCase()}.json`);
      if (existsSync(file)) throw new UsageError(`${file} exists: this address has validator keys already ('verity validator keys show')`);
      const text = await encryptValidatorKeys(keys, await password(o, env, "the validator keys"), scryptN);
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(file, text);
      return json({ file, ...registration(keys, id) });
    }
    case "show": {
      const dir = datadir(o, "validator keys show");
      const id = chainId(o, "validator keys show");
      const opened = await openValidatorKeyFiles(existsSync(dir) ? validatorKeyFiles(dir) : [], { passwordFile: o["password-file"], env });
      return json(opened.map(({ file, keys }) => ({ file, ...registration(keys, id) })));
    }
    case "encrypt": {
      const dir = datadir(o, "validator keys encrypt");
      const files = existsSync(dir) ? validatorKeyFiles(dir).filter((f) => !isEncryptedKeyFile(readFileSync(f, "utf8"), f)) : [];
      if (files.length === 0) return json({ encrypted: [] });
      const p = await password(o, env, "the validator keys");
      for (const f of files) writeFileAtomic(f, await encryptValidatorKeys(await readValidatorKeyFile(f, null), p, scryptN));
      return json({ encrypted: files });
    }
    default:
      throw new UsageError(`validator keys: unknown action "${action ?? ""}" (run 'verity validator help')`);
  }
}

/** Runs `verity account ...` or `verity validator keys ...`; returns what it prints. */
export async function runKeys(group: "account" | "validator", argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      datadir: { type: "string" },
      keystore: { type: "string" },
      "password-file": { type: "string" },
      "key-file": { type: "string" },
      "chain-id": { type: "string" },
      operator: { type: "string" },
      lightkdf: { type: "boolean" },
    },
  });
  if (group === "account") {
    if (positionals[0] === undefined || positionals[0] === "help") return ACCOUNT_HELP;
    if (positionals.length > 1) throw new UsageError(`account: unexpected argument "${positionals[1]}"`);
    return account(positionals[0], values, env);
  }
  if (positionals[0] === undefined || positionals[0] === "help" || (positionals[0] === "keys" && positionals[1] === undefined)) return VALIDATOR_HELP;
  if (positionals[0] !== "keys") throw new UsageError(`validator: unknown group "${positionals[0]}" (run 'verity validator help')`);
  if (positionals.length > 2) throw new UsageError(`validator keys: unexpected argument "${positionals[2]}"`);
  return validatorKeys(positionals[1], values, env);
}
