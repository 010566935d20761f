// The `verity` command: parses flags, prepares genesis and keys, starts the node and stops it
// cleanly on SIGINT/SIGTERM.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { HELP, parseCli, UsageError, type InitArgs, type StartArgs } from "./args.js";
import { devGenesis } from "../chain/dev-genesis.js";
import { genesisToJson, parseGenesis } from "../chain/genesis-json.js";
import { deriveDevAccounts, toChecksumAddress, DEV_MNEMONIC } from "../chain/dev-accounts.js";
import { devValidatorKeys, genesisValidatorOf, keysFromSeed, validatorKeysToJson, type ValidatorKeys } from "../chain/validator-keys.js";
import { bytesToHex as hex } from "@ethereumjs/util";
import type { Genesis } from "../primitives/types.js";
import { createLogger } from "../util/logger.js";
import { CLIENT_VERSION, VerityNode } from "../node/node.js";
import { randomBytes } from "node:crypto";
import { runLocalnet } from "./localnet.js";
import { runStaking } from "./staking.js";
import { fetchStatus, formatStatus } from "./status.js";
import { layerSettings } from "./config-layers.js";
import { startArgsToToml } from "./dump-config.js";
import { runKeys } from "./keys.js";
import { encryptValidatorKeys, validatorKeyFiles, writeFileAtomic } from "../keystore/key-files.js";
import { openValidatorKeyFiles, passwordToEncrypt } from "./password.js";
import { SCRYPT_N_LIGHT } from "../keystore/v3.js";
import { tuneHeapForNode } from "./heap-tuning.js";

function loadGenesis(a: StartArgs): { genesis: Genesis; source: string; dev: boolean } {
  const file = a.genesisFile ?? (existsSync(join(a.datadir, "genesis.json")) ? join(a.datadir, "genesis.json") : undefined);
  if (!file) {
    const genesis = devGenesis({ ...(a.chainId !== undefined ? { chainId: a.chainId } : {}), ...(a.devGasLimit !== undefined ? { gasLimit: a.devGasLimit } : {}) });
    return { genesis, source: "built-in dev genesis", dev: true };
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read genesis file ${file}: ${(e as Error).message}`);
  }
  const genesis = parseGenesis(text);
  if (a.chainId !== undefined && a.chainId !== genesis.params.chainId)
    throw new UsageError(`--chain-id ${a.chainId} contradicts the genesis file's chainId ${genesis.params.chainId}`);
  // The file's gasLimit is the chain's; a flag that says otherwise would be silently ignored.
  if (a.devGasLimit !== undefined && a.devGasLimit !== genesis.params.gasLimit)
    throw new UsageError(`--dev.gaslimit ${a.devGasLimit} contradicts the genesis file's gasLimit ${genesis.params.gasLimit} (the flag sets the built-in dev genesis only)`);
  return { genesis, source: file, dev: false };
}

function printBanner(genesis: Genesis, source: string, rpcUrl: string, dev: boolean, blockTime: number): void {
  const out: string[] = [];
  out.push("", `verity ${CLIENT_VERSION}`, "");
  if (dev) {
    out.push("Available Accounts", "==================");
    const accounts = deriveDevAccounts();
    accounts.forEach((a) => out.push(`(${a.index}) ${toChecksumAddress(a.address)} (10000 ETH)`));
    out.push("", "Private Keys", "==================");
    accounts.forEach((a) => out.push(`(${a.index}) ${bytesToHex(a.privateKey)}`));
    out.push("", "Wallet", "==================", `Mnemonic:          ${DEV_MNEMONIC}`, `Derivation path:   m/44'/60'/0'/0/`, "");
  }
  out.push(`Genesis:           ${source}`);
  out.push(`Chain ID:          ${genesis.params.chainId}`);
  out.push(`Gas limit:         ${genesis.params.gasLimit}`);
  out.push(`Block time:        ${blockTime === 0 ? "automine (a block as soon as transactions wait)" : `${blockTime} s`}`);
  out.push(`Validators:        ${genesis.validators.length}`);
  out.push("", `Listening on ${rpcUrl}`, "");
  process.stdout.write(out.join("\n") + "\n");
}

/** The validator keys this node runs: the dev chain's fixed ones, or validator-*.json in the data dir
 * (as `verity init`, `verity validator keys new` and `verity staking keys` write them), encrypted ones
 * unlocked with --password-file, VERITY_PASSWORD or a prompt. A key that is not a genesis validator's takes part
 * once the staking ledger elects its operator. Any file that does not open stops the node. */
async function loadValidatorKeys(a: StartArgs, genesis: Genesis, dev: boolean): Promise<ValidatorKeys[]> {
  if (dev) return genesis.validators.map((_, i) => devValidatorKeys(i));
  if (!existsSync(a.datadir)) return [];
  const keys: ValidatorKeys[] = [];
  const seen = new Set<string>();
  for (const { file: f, keys: k } of await openValidatorKeyFiles(validatorKeyFiles(a.datadir), { passwordFile: a.passwordFile, env: process.env })) {
    if (seen.has(hex(k.address))) throw new UsageError(`${f}: a second key file for ${hex(k.address)}`);
    seen.add(hex(k.address));
    keys.push(k);
  }
  return keys;
}

async function start(a: StartArgs, notices: string[]): Promise<void> {
  tuneHeapForNode();
  const logger = createLogger({ level: a.logLevel, format: a.logFormat });
  for (const n of notices) logger.info(n);
  const { genesis, source, dev } = loadGenesis(a);
  const blockTime = a.blockTime ?? genesis.params.blockTimeSeconds;
  const devAccounts = dev || a.devAccounts ? deriveDevAccounts().map((d) => d.address) : [];
  // Set once the node runs; the node may ask to be stopped (a full disk) through onFatal.
  const stopper: { shutdown?: (why: string) => void; fatal?: boolean } = {};
  const node = await VerityNode.start({
    datadir: resolve(a.datadir),
    genesis,
    http: { host: a.httpAddr, port: a.httpPort, corsDomains: a.corsDomains, vhosts: a.vhosts, ...(a.httpApis ? { apis: a.httpApis } : {}), statusPage: a.statusPage },
    ...(a.ws ? { ws: a.ws } : {}),
    rpc: { ...(a.rpcGasCap !== undefined ? { gasCap: a.rpcGasCap } : {}), ...(a.rpcTxFeeCap !== undefined ? { txFeeCap: a.rpcTxFeeCap } : {}) },
    blockTimeMs: Math.round(blockTime * 1000),
    ...(a.senderRecoveryThreads !== undefined ? { senderRecoveryThreads: a.senderRecoveryThreads } : {}),
    devAccounts,
    validators: await loadValidatorKeys(a, genesis, dev),
    keysFromDataDir: !dev,
    ...(a.p2p ? { p2p: a.p2p } : {}),
    ...(a.metrics ? { metrics: a.metrics } : {}),
    disk: { minFreeBytes: a.minFreeDiskMB * 1024 * 1024 },
    // The node logged what happened and what to do (one line); stop it and exit non-zero.
    onFatal: () => {
      process.exitCode = 1;
      stopper.fatal = true;
      stopper.shutdown?.("disk full");
    },
    txpool: a.txpool,
    logger,
  });
  printBanner(genesis, source, node.wsUrl ? `${node.rpcUrl} (WebSocket: ${node.wsUrl})` : node.rpcUrl, dev || a.devAccounts, blockTime);
  if (a.statusPage) process.stdout.write(`Status page on ${node.rpcUrl}/status\n\n`);
  if (node.metricsUrl) process.stdout.write(`Metrics on ${node.metricsUrl}/metrics (health: /health, /ready)\n\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    node
      .stop()
      .then(() => process.exit(process.exitCode ?? 0))
      .catch((e: Error) => {
        logger.error("shutdown failed", { error: e });
        process.exit(1);
      });
  };
  stopper.shutdown = shutdown;
  if (stopper.fatal) shutdown("disk full");
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  watchParent(shutdown);
}

/** A node started by `verity localnet` stops when the localnet process is gone, even if that one was
 * killed with SIGKILL and could not stop it: no orphans. */
function watchParent(shutdown: (why: string) => void): void {
  const parent = Number(process.env.VERITY_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const t = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(t);
      shutdown("parent exited");
    }
  }, 1000);
  t.unref();
}

async function init(a: InitArgs): Promise<void> {
  const password = a.plaintextKeys ? null : await passwordToEncrypt({ passwordFile: a.passwordFile, env: process.env }, "the validator keys").catch((e: Error) => {
    throw new UsageError(`init writes encrypted validator keys: ${e.message} (or --plaintext-keys for a throwaway network)`);
  });
  mkdirSync(a.datadir, { recursive: true });
  const genesisPath = join(a.datadir, "genesis.json");
  if (existsSync(genesisPath) && !a.force) throw new UsageError(`${genesisPath} exists (use --force to overwrite)`);
  // Fresh random keys for a real network; the dev genesis's fixed keys are public knowledge.
  const keys = Array.from({ length: a.validators }, () => keysFromSeed(randomBytes(32)));
  const base = devGenesis({ chainId: a.chainId, validators: 0 });
  const genesis: Genesis = {
    ...base,
    extraData: new TextEncoder().encode("verity"),
    validators: keys.map((k) => genesisValidatorOf(k, 1000n)),
    params: { ...base.params, committeeSize: 1000n * BigInt(a.validators) },
  };
  writeFileSync(genesisPath, genesisToJson(genesis));
  for (const [i, k] of keys.entries())
    writeFileAtomic(join(a.datadir, `validator-${i}.json`), password === null ? validatorKeysToJson(k) : await encryptValidatorKeys(k, password, a.lightKdf ? SCRYPT_N_LIGHT : undefined));
  process.stdout.write(
    `wrote ${genesisPath} (chain id ${a.chainId}, ${a.validators} validators, dev accounts funded) and validator-0..${a.validators - 1}.json (${password === null ? "plaintext" : "encrypted"})\n`,
  );
}

export async function main(argv: string[]): Promise<void> {
  try {
    if (argv[0] === "staking") {
      process.stdout.write(await runStaking(argv.slice(1)));
      return;
    }
    if (argv[0] === "account" || argv[0] === "validator") {
      process.stdout.write(await runKeys(argv[0], argv.slice(1), process.env));
      return;
    }
    const layered = layerSettings(argv, process.env);
    const dump = layered.command === "dumpconfig";
    let a: ReturnType<typeof parseCli>;
    try {
      a = parseCli(layered.argv);
    } catch (e) {
      throw layered.explain(e);
    }
    if (dump && a.command === "start") {
      for (const n of layered.notices) process.stderr.write(`verity: ${n}\n`);
      process.stdout.write(startArgsToToml(a));
      return;
    }
    if (a.command === "help") process.stdout.write(HELP);
    else if (a.command === "version") process.stdout.write(`${CLIENT_VERSION}\n`);
    else if (a.command === "init") await init(a);
    else if (a.command === "status") process.stdout.write(formatStatus(await fetchStatus(a.rpc)));
    else if (a.command === "localnet") await runLocalnet({ dir: a.datadir, validators: a.validators, httpPort: a.httpPort, p2pPort: a.p2pPort, logLevel: a.logLevel, ...(a.blockTime !== undefined ? { blockTime: a.blockTime } : {}), ...(a.devGasLimit !== undefined ? { gasLimit: a.devGasLimit } : {}) });
    else await start(a, layered.notices);
  } catch (e) {
    const msg = (e as Error).message;
    process.stderr.write(`verity: ${msg}\n`);
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) process.stderr.write("run 'verity --help' for usage\n");
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}

await main(process.argv.slice(2));
