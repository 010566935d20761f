// `verity staking ...`: the staking ledger's calls from a terminal, signed with an account key and
// sent over JSON-RPC to any node (they are plain contract calls; ethers or MetaMask send the same
// ones with the ABI in src/staking/stake-hub-artifact.ts). `keys` prepares a validator's key file and
// prints what `createValidator` needs; `status` reads the ledger's views.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { createPublicClient, createWalletClient, decodeErrorResult, encodeFunctionData, formatEther, getAddress, http, parseEther, type Abi, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { readAccountKeyFile, validatorKeyFiles } from "../keystore/key-files.js";
import { openValidatorKeyFiles, passwordToOpen } from "./password.js";
import { keysFromSeed, signingPublicKey, validatorKeysToJson, vrfPublicKeyOf, type ValidatorKeys } from "../chain/validator-keys.js";
import { createEd25519EcvrfCrypto } from "../consensus/ed25519-ecvrf-crypto.js";
import { STAKE_HUB_ADDRESS } from "../primitives/staking.js";
import { provePossession } from "../staking/proof-of-possession.js";
import { STAKE_HUB_ABI } from "../staking/stake-hub-artifact.js";
import { UsageError } from "./args.js";

export const STAKING_HELP = `verity staking <action> [options]

Actions (each prints JSON):
  keys              create (if absent) the validator key file of an operator in --datadir and print its
                    public keys and proof of possession: --datadir D --operator ADDRESS --chain-id N
  create-validator  register the operator as a validator with --stake coins of self-stake, keys from
                    --datadir: --rpc URL --private-key KEY --datadir D --stake COINS [--commission BPS] [--description TEXT]
  delegate          --rpc URL --private-key KEY --validator ADDRESS --amount COINS
  undelegate        --rpc URL --private-key KEY --validator ADDRESS --amount COINS|all
  redelegate        --rpc URL --private-key KEY --from ADDRESS --to ADDRESS --amount COINS
  withdraw          pay out matured unbondings and commission: --rpc URL --private-key KEY
  unjail            --rpc URL --private-key KEY
  status            the current epoch and its set, and an account's validator, delegations and
                    unbondings: --rpc URL [--address ADDRESS]

Amounts are in coins (decimals allowed). --private-key is an account's 0x-hex key (or --key-file FILE
holding one, or an account keystore from 'verity account new', opened with --password-file FILE,
VERITY_PASSWORD or a prompt). Encrypted validator key files open with --password-file FILE or VERITY_PASSWORD.
`;

const ACTIONS = ["keys", "create-validator", "delegate", "undelegate", "redelegate", "withdraw", "unjail", "status"];
const HUB = bytesToHex(STAKE_HUB_ADDRESS) as Address;
const abi = STAKE_HUB_ABI;

type Options = Partial<Record<"rpc" | "private-key" | "key-file" | "password-file" | "datadir" | "operator" | "chain-id" | "stake" | "commission" | "description" | "validator" | "amount" | "from" | "to" | "address", string>>;

function need(o: Options, name: keyof Options, action: string): string {
  const v = o[name];
  if (v === undefined || v === "") throw new UsageError(`staking ${action}: --${name} is required`);
  return v;
}

function address(v: string, flag: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new UsageError(`--${flag}: expected a 0x-prefixed 20-byte address, got "${v}"`);
  return getAddress(v);
}

function coins(v: string, flag: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(v)) throw new UsageError(`--${flag}: expected an amount in coins (e.g. 100 or 0.5), got "${v}"`);
  return parseEther(v);
}

/** The account key: --private-key, or --key-file holding either the 0x-hex key or an account
 * keystore (v3, as `verity account new` writes), opened with --password-file, VERITY_PASSWORD or a prompt. */
async function privateKey(o: Options, action: string): Promise<Hex> {
  const file = o["key-file"];
  const text = o["private-key"] ?? (file !== undefined ? readFileSync(file, "utf8").trim() : undefined);
  if (text === undefined) throw new UsageError(`staking ${action}: --private-key or --key-file is required`);
  if (file !== undefined && o["private-key"] === undefined && text.startsWith("{")) {
    const password = await passwordToOpen({ passwordFile: o["password-file"], env: process.env }, file);
    if (password === null) throw new UsageError(`${file} is an encrypted keystore: give --password-file FILE or set VERITY_PASSWORD`);
    return bytesToHex((await readAccountKeyFile(file, password)).privateKey) as Hex;
  }
  const raw = text;
  if (!/^0x[0-9a-fA-F]{64}$/.test(raw)) throw new UsageError("the account key must be 0x followed by 64 hex digits");
  return raw as Hex;
}

/** The validator key file of `operator` in `datadir` (validator-<operator>.json), if there is one;
 * encrypted files open with --password-file or VERITY_PASSWORD. */
async function findKeys(datadir: string, operator: string, o: Options): Promise<ValidatorKeys | undefined> {
  if (!existsSync(datadir)) return undefined;
  for (const { keys: k } of await openValidatorKeyFiles(validatorKeyFiles(datadir), { passwordFile: o["password-file"], env: process.env })) {
    if (bytesToHex(k.address).toLowerCase() === operator.toLowerCase()) return k;
  }
  return undefined;
}

/** What createValidator needs from a validator's keys: its public keys and proof of possession. */
export function registration(keys: ValidatorKeys, chainId: bigint) {
  const crypto = createEd25519EcvrfCrypto();
  return {
    address: getAddress(bytesToHex(keys.address)),
    signingKey: bytesToHex(signingPublicKey(keys.signingSecretKey)) as Hex,
    vrfKey: bytesToHex(vrfPublicKeyOf(keys.vrfSecretKey)) as Hex,
    proofOfPossession: bytesToHex(provePossession(crypto, chainId, keys.address, keys.signingSecretKey, keys.vrfSecretKey)) as Hex,
  };
}

/** The ledger's named error in a failed call (viem nests the revert data in its error's causes). */
function revertReason(e: unknown): string {
  for (let c: unknown = e; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) {
    const data = (c as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) {
      try {
        const d = decodeErrorResult({ abi: abi as Abi, data: data as Hex });
        return `${d.errorName}(${(d.args ?? []).map(String).join(", ")})`;
      } catch {
        return data;
      }
    }
  }
  return (e as Error).message.split("\n")[0] ?? String(e);
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x), 2) + "\n";

/** Runs `verity staking <argv...>`; returns what it prints. */
export async function runStaking(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: Object.fromEntries(
      ["rpc", "private-key", "key-file", "password-file", "datadir", "operator", "chain-id", "stake", "commission", "description", "validator", "amount", "from", "to", "address"].map((n) => [n, { type: "string" as const }]),
    ),
  });
  const o = values as Options;
  const action = positionals[0];
  if (action === undefined || action === "help") return STAKING_HELP;
  if (positionals.length > 1) throw new UsageError(`staking: unexpected argument "${positionals[1]}"`);
  if (!ACTIONS.includes(action)) throw new UsageError(`staking: unknown action "${action}" (run 'verity staking help')`);

  if (action === "keys") {
    const datadir = need(o, "datadir", action);
    const operator = address(need(o, "operator", action), "operator");
    const chainIdText = need(o, "chain-id", action);
    if (!/^\d+$/.test(chainIdText)) throw new UsageError(`--chain-id: expected a positive integer, got "${chainIdText}"`);
    let keys = await findKeys(datadir, operator, o);
    if (!keys) {
      keys = { ...keysFromSeed(randomBytes(32)), address: hexToBytes(operator) };
      mkdirSync(datadir, { recursive: true });
      writeFileSync(join(datadir, `validator-${operator.toLowerCase()}.json`), validatorKeysToJson(keys), { mode: 0o600 });
    }
    return json(registration(keys, BigInt(chainIdText)));
  }

  const transport = http(need(o, "rpc", action));
  const reader = createPublicClient({ transport });
  if (action === "status") {
    const epoch = await reader.readContract({ address: HUB, abi, functionName: "currentEpoch" });
    const set = await reader.readContract({ address: HUB, abi, functionName: "epochSet", args: [epoch] });
    const out: Record<string, unknown> = { epoch, set: set.map((m) => ({ validator: m.validator, stake: formatEther(m.stake) })) };
    if (o.address !== undefined) {
      const who = address(o.address, "address");
      const count = await reader.readContract({ address: HUB, abi, functionName: "validatorCount" });
      const delegations: Array<{ validator: Address; amount: string }> = [];
      for (let i = 0n; i < count; i++) {
        const v = await reader.readContract({ address: HUB, abi, functionName: "validatorAt", args: [i] });
        const [shares, amount] = await reader.readContract({ address: HUB, abi, functionName: "delegationOf", args: [v, who] });
        if (shares > 0n) delegations.push({ validator: v, amount: formatEther(amount) });
        if (v.toLowerCase() === who.toLowerCase()) {
          const info = await reader.readContract({ address: HUB, abi, functionName: "getValidator", args: [who] });
          out.validator = { ...info, stake: formatEther(info.stake), selfStake: formatEther(info.selfStake) };
        }
      }
      out.delegations = delegations;
      const unbondings = await reader.readContract({ address: HUB, abi, functionName: "unbondingsOf", args: [who] });
      out.unbondings = unbondings.map((u) => ({ validator: u.validator, amount: formatEther(u.amount), completeEpoch: u.completeEpoch }));
      out.claimable = formatEther(await reader.readContract({ address: HUB, abi, functionName: "claimable", args: [who] }));
    }
    return json(out);
  }

  const account = privateKeyToAccount(await privateKey(o, action));
  const chainId = await reader.getChainId();
  const wallet = createWalletClient({ account, transport, chain: { id: chainId, name: `verity-${chainId}`, nativeCurrency: { name: "coin", symbol: "COIN", decimals: 18 }, rpcUrls: { default: { http: [] } } } });
  const send = async (functionName: string, args: readonly unknown[], value = 0n): Promise<string> => {
    const data = encodeFunctionData({ abi: abi as Abi, functionName, args });
    // Simulated first: a call that would revert is refused with the ledger's reason, and nothing is sent.
    try {
      await reader.call({ account, to: HUB, data, value });
    } catch (e) {
      throw new UsageError(`staking ${action}: the ledger refuses it: ${revertReason(e)}`);
    }
    const hash = await wallet.sendTransaction({ to: HUB, data, value });
    const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 60_000 });
    return json({ action, from: account.address, transactionHash: hash, blockNumber: receipt.blockNumber, status: receipt.status });
  };
  switch (action) {
    case "create-validator": {
      const keys = await findKeys(need(o, "datadir", action), account.address, o);
      if (!keys) throw new UsageError(`no validator key file for ${account.address} in ${o.datadir} (run: verity staking keys --operator ${account.address} ...)`);
      const r = registration(keys, BigInt(chainId));
      const commission = Number(o.commission ?? "0");
      if (!Number.isInteger(commission) || commission < 0 || commission > 10_000) throw new UsageError("--commission: basis points, 0..10000");
      return send("createValidator", [r.signingKey, r.vrfKey, r.proofOfPossession, commission, o.description ?? ""], coins(need(o, "stake", action), "stake"));
    }
    case "delegate":
      return send("delegate", [address(need(o, "validator", action), "validator")], coins(need(o, "amount", action), "amount"));
    case "undelegate": {
      const validator = address(need(o, "validator", action), "validator");
      const amountText = need(o, "amount", action);
      return amountText === "all" ? send("undelegateAll", [validator]) : send("undelegate", [validator, coins(amountText, "amount")]);
    }
    case "redelegate":
      return send("redelegate", [address(need(o, "from", action), "from"), address(need(o, "to", action), "to"), coins(need(o, "amount", action), "amount")]);
    case "withdraw":
      return send("withdraw", []);
    default: // unjail
      return send("unjail", []);
  }
}
