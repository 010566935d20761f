// Command-line flags: geth's spelling where geth has one (--datadir, --http.addr, --http.port,
// --http.corsdomain, --http.vhosts, --txpool.*), parsed into the node's options. Unknown flags are errors.
import { parseArgs } from "node:util";
import { parseLogLevels } from "../util/logger.js";
import { DEFAULT_LIMITS, type TxPoolLimits } from "../chain/txpool/limits.js";
import { MIN_BLOCK_GAS_LIMIT } from "../chain/genesis-json.js";

export const HELP = `verity: a proof-of-stake blockchain node with an Ethereum JSON-RPC

Usage:
  verity start [flags]     start a node (default: a dev chain, JSON-RPC on http://127.0.0.1:8545)
  verity init  [flags]     write a genesis file and validator keys into --datadir, then exit
  verity localnet [flags]  N validator processes + 1 RPC node on loopback (see below)
  verity staking <action>  staking ledger calls: keys, create-validator, delegate, undelegate,
                           redelegate, withdraw, unjail, status ('verity staking help')
  verity status [flags]    print a running node's head, peers, sync, pool, validators and readiness
  verity dumpconfig [flags] print the effective settings of 'start' (file, environment, flags) as TOML
  verity account <action>  account keystores: new, import, list ('verity account help')
  verity validator keys <action>  validator key files: new, show, encrypt ('verity validator help')
  verity --help | --version

Flags for start (each is also a key of the --config file and a VERITY_* variable, see README):
  --config FILE            TOML file of settings; flags override it, VERITY_* variables override it too
  --datadir DIR            data directory (default: .verity/dev)
  --datadir.minfreedisk MB stop cleanly when the data dir's disk has less free (default 256, 0 = never);
                           a warning below 4 times that
  --genesis FILE           genesis JSON (default: DIR/genesis.json if present, else the built-in dev genesis)
  --chain-id N             chain id of the built-in dev genesis (default 31337)
  --dev.gaslimit N         block gas limit of the built-in dev genesis (default 30000000; geth's flag)
  --http.addr ADDR         JSON-RPC listen address (default 127.0.0.1)
  --http.port PORT         JSON-RPC port (default 8545)
  --http.corsdomain LIST   comma-separated origins allowed by CORS, or * (default *)
  --http.vhosts LIST       comma-separated Host names accepted, or * (default localhost,127.0.0.1)
  --http.api LIST          namespaces served over HTTP: eth,net,web3,debug,txpool,personal (default: all)
                           (the HTTP port also accepts WebSocket upgrades, as anvil does)
  --status                 serve the status page at /status on the JSON-RPC port even when --http.addr is
                           not loopback (on loopback it is always served: http://127.0.0.1:8545/status)
  --ws                     also serve JSON-RPC over WebSocket on a port of its own
  --ws.addr ADDR           WebSocket listen address (default 127.0.0.1)
  --ws.port PORT           WebSocket port (default 8546)
  --ws.api LIST            namespaces served over WebSocket (default: those of --http.api)
  --sender-recovery-threads N  worker threads that recover transaction senders off the event loop
                           (default 1 where the machine has a second core, else 0; localnet: 0 when its
                           nodes outnumber the cores)
  --rpc.gascap N           gas available to eth_call / eth_estimateGas (default and maximum 16777216)
  --rpc.txfeecap ETHER     largest fee a sent transaction may offer, in ether; 0 = no cap (default 1)
  --block-time SECONDS     seconds between blocks, empty ones included (default: the genesis's, 1);
                           0 seals a block as soon as transactions wait (automine)
  --log-level LEVEL        debug | info | warn | error, per module after a comma: info,consensus=debug (default info)
  --log.format FORMAT      text | json (JSON lines: level, time, module, msg and the fields) (default text)
  --password-file FILE     the password of encrypted validator key files (else VERITY_PASSWORD)
  --metrics                serve Prometheus metrics at /metrics, and /health and /ready, on a listener of its own
  --metrics.addr ADDR      metrics listen address (default 127.0.0.1)
  --metrics.port PORT      metrics port (default 6060)
  --p2p.port PORT          join a network: listen for peers on this TCP port (default: no networking)
  --p2p.addr ADDR          p2p listen address (default 127.0.0.1)
  --bootnodes LIST         comma-separated multiaddrs of peers to dial (/ip4/127.0.0.1/tcp/30303[/p2p/<id>])
  --maxpeers N             most peers to keep connected (default 25)
  --dev.accounts           unlock the dev mnemonic's accounts on a chain from a genesis file
  --txpool.globalslots N   executable transactions kept after each block (default ${DEFAULT_LIMITS.globalSlots})
  --txpool.globalqueue N   non-executable (nonce-gapped) transactions held in total (default ${DEFAULT_LIMITS.globalQueue});
                           the pool is full at globalslots + globalqueue and then takes only better-paying ones
  --txpool.accountslots N  executable transactions a sender keeps when pending is cut back (default ${DEFAULT_LIMITS.accountSlots})
  --txpool.accountqueue N  non-executable transactions held per sender (default ${DEFAULT_LIMITS.accountQueue})
  --txpool.pricelimit WEI  lowest priority fee (legacy: gas price) admitted (default ${DEFAULT_LIMITS.priceLimit})
  --txpool.pricebump PCT   percent a replacement must raise fee cap and tip by (default ${DEFAULT_LIMITS.priceBump})

Flags for localnet:
  --validators N           validator processes (default 4); validator i serves JSON-RPC on --http.port + i
  --datadir DIR            parent of the nodes' data dirs (default .verity/localnet)
  --http.port PORT         first JSON-RPC port (default 8545); the RPC node gets PORT + N
  --p2p.port PORT          first p2p port (default 30303)
  --block-time SECONDS     as for start
  --dev.gaslimit N         block gas limit of the localnet's genesis (default 30000000)
  --log-level LEVEL        the nodes' log level (default warn)

Flags for status:
  --rpc URL                the node's JSON-RPC HTTP URL (default http://127.0.0.1:8545)

Flags for init:
  --datadir DIR            where to write genesis.json and validator-<i>.json (required)
  --chain-id N             chain id (default 31337)
  --validators N           number of validators to create keys for (default 4)
  --force                  overwrite existing files
  --password-file FILE     encrypt the validator keys with this password (else VERITY_PASSWORD)
  --plaintext-keys         write the keys unencrypted (a throwaway network)
  --lightkdf               cheap scrypt (2^12 instead of 2^18): fast, and much weaker
`;

export interface StartArgs {
  command: "start";
  datadir: string;
  /** --datadir.minfreedisk: stop below this many MB free on the data dir's disk (0: never). */
  minFreeDiskMB: number;
  genesisFile?: string;
  chainId?: bigint;
  /** --dev.gaslimit: the built-in dev genesis's block gas limit (undefined: 30,000,000). */
  devGasLimit?: bigint;
  httpAddr: string;
  httpPort: number;
  corsDomains: string[];
  vhosts: string[];
  httpApis?: string[];
  /** The status page at /status on the HTTP port: --status, or --http.addr on loopback. */
  statusPage: boolean;
  ws?: { host: string; port: number; apis?: string[] };
  rpcGasCap?: bigint;
  rpcTxFeeCap?: bigint;
  /** --sender-recovery-threads (undefined: evm/sender-recovery.ts defaultRecoveryThreads). */
  senderRecoveryThreads?: number;
  blockTime?: number;
  /** A level, or per module: "info,consensus=debug". */
  logLevel: string;
  logFormat: "text" | "json";
  /** --password-file: the password of encrypted validator key files. */
  passwordFile?: string;
  p2p?: { host: string; port: number; bootnodes: string[]; maxPeers: number };
  /** --metrics (--metrics.addr, --metrics.port). */
  metrics?: { host: string; port: number };
  /** Unlock (and print) the dev mnemonic's accounts on a chain from a genesis file (localnet). */
  devAccounts: boolean;
  /** --txpool.* limits given (the others stay at their defaults). */
  txpool: Partial<TxPoolLimits>;
}

export interface InitArgs {
  command: "init";
  datadir: string;
  chainId: bigint;
  validators: number;
  force: boolean;
  passwordFile?: string;
  plaintextKeys: boolean;
  lightKdf: boolean;
}

export interface LocalnetArgs {
  command: "localnet";
  datadir: string;
  validators: number;
  httpPort: number;
  p2pPort: number;
  blockTime?: number;
  /** --dev.gaslimit: the localnet genesis's block gas limit (undefined: 30,000,000). */
  devGasLimit?: bigint;
  logLevel: string;
}

export interface StatusArgs {
  command: "status";
  rpc: string;
}

export type CliArgs = StartArgs | InitArgs | LocalnetArgs | StatusArgs | { command: "help" } | { command: "version" };

export class UsageError extends Error {}

function positiveInt(v: string, flag: string, max: number, allowZero = false): number {
  if (!/^[0-9]+$/.test(v)) throw new UsageError(`${flag}: expected a non-negative integer, got "${v}"`);
  const n = Number(v);
  if ((!allowZero && n === 0) || n > max) throw new UsageError(`${flag}: must be ${allowZero ? "0" : "1"}..${max}`);
  return n;
}

/** EIP-7825's per-transaction gas cap: no call can use more. */
const MAX_RPC_GAS_CAP = 1n << 24n;

/**
 * The dev genesis's block gas limit: at least what any chain needs (one plain transfer), at most
 * 1,000,000,000 (a block a validator still executes within a round; mainnet runs 60,000,000 since
 * late 2025).
 */
export const DEV_GAS_LIMIT_RANGE = [Number(MIN_BLOCK_GAS_LIMIT), 1_000_000_000] as const;

function devGasLimitOf(v: string): bigint {
  const [lo, hi] = DEV_GAS_LIMIT_RANGE;
  if (!/^[0-9]+$/.test(v) || Number(v) < lo || Number(v) > hi) throw new UsageError(`--dev.gaslimit: expected ${lo}..${hi} gas, got "${v}"`);
  return BigInt(v);
}

/** Decimal ether ("1", "0.5") in wei, exactly. */
function etherToWei(v: string, flag: string): bigint {
  const m = /^([0-9]+)(?:\.([0-9]{1,18}))?$/.exec(v);
  if (!m) throw new UsageError(`${flag}: expected an amount of ether such as 1 or 0.5, got "${v}"`);
  return BigInt(m[1]!) * 10n ** 18n + BigInt((m[2] ?? "").padEnd(18, "0"));
}

function p2pFlags(values: { "p2p.port"?: string; "p2p.addr"?: string; bootnodes?: string; maxpeers?: string }): { p2p?: StartArgs["p2p"] } {
  if (values["p2p.port"] === undefined) {
    if (values.bootnodes !== undefined || values["p2p.addr"] !== undefined || values.maxpeers !== undefined)
      throw new UsageError("--p2p.addr, --bootnodes and --maxpeers need --p2p.port");
    return {};
  }
  const bootnodes = list(values.bootnodes ?? "");
  for (const b of bootnodes) if (!/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/[0-9]+(\/p2p\/[A-Za-z0-9]+)?$/.test(b)) throw new UsageError(`--bootnodes: "${b}" is not a /ip4/<addr>/tcp/<port>[/p2p/<id>] multiaddr`);
  return {
    p2p: {
      host: values["p2p.addr"] ?? "127.0.0.1",
      port: positiveInt(values["p2p.port"], "--p2p.port", 65535, true),
      bootnodes,
      maxPeers: values.maxpeers !== undefined ? positiveInt(values.maxpeers, "--maxpeers", 1000) : 25,
    },
  };
}

/** Largest --txpool.* count accepted: far past what memory holds, so only typos are refused. */
const MAX_POOL_COUNT = 10_000_000;

function txpoolFlags(values: Partial<Record<`txpool.${string}`, string>>): Partial<TxPoolLimits> {
  const out: Partial<TxPoolLimits> = {};
  const count = (flag: string) => positiveInt(values[`txpool.${flag}`]!, `--txpool.${flag}`, MAX_POOL_COUNT);
  if (values["txpool.globalslots"] !== undefined) out.globalSlots = count("globalslots");
  if (values["txpool.globalqueue"] !== undefined) out.globalQueue = count("globalqueue");
  if (values["txpool.accountslots"] !== undefined) out.accountSlots = count("accountslots");
  if (values["txpool.accountqueue"] !== undefined) out.accountQueue = count("accountqueue");
  const priceLimit = values["txpool.pricelimit"];
  if (priceLimit !== undefined) {
    if (!/^[0-9]+$/.test(priceLimit)) throw new UsageError(`--txpool.pricelimit: expected wei as a non-negative integer, got "${priceLimit}"`);
    out.priceLimit = BigInt(priceLimit);
  }
  if (values["txpool.pricebump"] !== undefined) out.priceBump = BigInt(positiveInt(values["txpool.pricebump"], "--txpool.pricebump", 1000));
  return out;
}

/** Whether a listen address only accepts connections from this machine. */
export function isLoopback(addr: string): boolean {
  const a = addr.toLowerCase();
  return a === "localhost" || a === "::1" || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(a);
}

function list(v: string): string[] {
  return v.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

export function parseCli(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
      datadir: { type: "string" },
      genesis: { type: "string" },
      "chain-id": { type: "string" },
      "http.addr": { type: "string" },
      "http.port": { type: "string" },
      "http.corsdomain": { type: "string" },
      "http.vhosts": { type: "string" },
      "http.api": { type: "string" },
      ws: { type: "boolean" },
      status: { type: "boolean" },
      "ws.addr": { type: "string" },
      "ws.port": { type: "string" },
      "ws.api": { type: "string" },
      metrics: { type: "boolean" },
      "metrics.addr": { type: "string" },
      "metrics.port": { type: "string" },
      "rpc.gascap": { type: "string" },
      "sender-recovery-threads": { type: "string" },
      "rpc.txfeecap": { type: "string" },
      "block-time": { type: "string" },
      "p2p.port": { type: "string" },
      "p2p.addr": { type: "string" },
      bootnodes: { type: "string" },
      maxpeers: { type: "string" },
      "dev.accounts": { type: "boolean" },
      "dev.gaslimit": { type: "string" },
      "txpool.globalslots": { type: "string" },
      "txpool.globalqueue": { type: "string" },
      "txpool.accountslots": { type: "string" },
      "txpool.accountqueue": { type: "string" },
      "txpool.pricelimit": { type: "string" },
      "txpool.pricebump": { type: "string" },
      "log-level": { type: "string" },
      validators: { type: "string" },
      force: { type: "boolean" },
      rpc: { type: "string" },
      "log.format": { type: "string" },
      "datadir.minfreedisk": { type: "string" },
      "password-file": { type: "string" },
      "plaintext-keys": { type: "boolean" },
      lightkdf: { type: "boolean" },
    },
  });
  if (values.help) return { command: "help" };
  if (values.version) return { command: "version" };
  const command = positionals[0] ?? "start";
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const chainId = values["chain-id"] !== undefined ? BigInt(positiveInt(values["chain-id"], "--chain-id", Number.MAX_SAFE_INTEGER)) : undefined;
  if (command === "init") {
    if (!values.datadir) throw new UsageError("init: --datadir is required");
    return {
      command: "init",
      datadir: values.datadir,
      chainId: chainId ?? 31337n,
      validators: values.validators ? positiveInt(values.validators, "--validators", 1000) : 4,
      force: values.force ?? false,
      ...(values["password-file"] !== undefined ? { passwordFile: values["password-file"] } : {}),
      plaintextKeys: values["plaintext-keys"] ?? false,
      lightKdf: values.lightkdf ?? false,
    };
  }
  if (command === "status") {
    const rpc = values.rpc ?? "http://127.0.0.1:8545";
    if (!/^https?:\/\/[^/\s]+/.test(rpc)) throw new UsageError(`--rpc: expected an http:// or https:// URL, got "${rpc}"`);
    return { command: "status", rpc };
  }
  if (values.rpc !== undefined) throw new UsageError("--rpc is a flag of verity status");
  if (command === "localnet") {
    const validators = values.validators ? positiveInt(values.validators, "--validators", 64) : 4;
    const bt = values["block-time"];
    if (bt !== undefined && !/^[0-9]+(\.[0-9]+)?$/.test(bt)) throw new UsageError(`--block-time: expected seconds, got "${bt}"`);
    return {
      command: "localnet",
      datadir: values.datadir ?? ".verity/localnet",
      validators,
      httpPort: positiveInt(values["http.port"] ?? "8545", "--http.port", 65535 - validators),
      p2pPort: positiveInt(values["p2p.port"] ?? "30303", "--p2p.port", 65535 - validators),
      ...(bt !== undefined ? { blockTime: Number(bt) } : {}),
      ...(values["dev.gaslimit"] !== undefined ? { devGasLimit: devGasLimitOf(values["dev.gaslimit"]) } : {}),
      logLevel: values["log-level"] ?? "warn",
    };
  }
  if (command !== "start") throw new UsageError(`unknown command "${command}" (try --help)`);
  const logLevel = values["log-level"] ?? "info";
  try {
    parseLogLevels(logLevel);
  } catch (e) {
    throw new UsageError(`--log-level: ${(e as Error).message}`);
  }
  const logFormat = values["log.format"] ?? "text";
  if (logFormat !== "text" && logFormat !== "json") throw new UsageError(`--log.format: expected text or json, got "${logFormat}"`);
  const blockTime = values["block-time"];
  if (blockTime !== undefined && !/^[0-9]+(\.[0-9]+)?$/.test(blockTime)) throw new UsageError(`--block-time: expected seconds, got "${blockTime}"`);
  const gasCap = values["rpc.gascap"];
  if (gasCap !== undefined && (!/^[0-9]+$/.test(gasCap) || BigInt(gasCap) === 0n || BigInt(gasCap) > MAX_RPC_GAS_CAP))
    throw new UsageError(`--rpc.gascap: expected 1..${MAX_RPC_GAS_CAP} (the EIP-7825 transaction gas cap), got "${gasCap}"`);
  const wsFlags = ["ws.addr", "ws.port", "ws.api"] as const;
  if (!values.ws && wsFlags.some((f) => values[f] !== undefined)) throw new UsageError("--ws.addr, --ws.port and --ws.api need --ws");
  if (!values.metrics && (values["metrics.addr"] !== undefined || values["metrics.port"] !== undefined))
    throw new UsageError("--metrics.addr and --metrics.port need --metrics");
  const httpAddr = values["http.addr"] ?? "127.0.0.1";
  return {
    command: "start",
    datadir: values.datadir ?? ".verity/dev",
    minFreeDiskMB: positiveInt(values["datadir.minfreedisk"] ?? "256", "--datadir.minfreedisk", 1 << 30, true),
    ...(values.genesis ? { genesisFile: values.genesis } : {}),
    ...(chainId !== undefined ? { chainId } : {}),
    ...(values["dev.gaslimit"] !== undefined ? { devGasLimit: devGasLimitOf(values["dev.gaslimit"]) } : {}),
    httpAddr,
    httpPort: positiveInt(values["http.port"] ?? "8545", "--http.port", 65535, true),
    corsDomains: list(values["http.corsdomain"] ?? "*"),
    vhosts: list(values["http.vhosts"] ?? "localhost,127.0.0.1"),
    ...(values["http.api"] !== undefined ? { httpApis: list(values["http.api"]) } : {}),
    statusPage: values.status === true || isLoopback(httpAddr),
    ...(values.ws
      ? {
          ws: {
            host: values["ws.addr"] ?? "127.0.0.1",
            port: positiveInt(values["ws.port"] ?? "8546", "--ws.port", 65535, true),
            ...(values["ws.api"] !== undefined ? { apis: list(values["ws.api"]) } : {}),
          },
        }
      : {}),
    ...(gasCap !== undefined ? { rpcGasCap: BigInt(gasCap) } : {}),
    ...(values["sender-recovery-threads"] !== undefined
      ? { senderRecoveryThreads: positiveInt(values["sender-recovery-threads"], "--sender-recovery-threads", 16, true) }
      : {}),
    ...(values["rpc.txfeecap"] !== undefined ? { rpcTxFeeCap: etherToWei(values["rpc.txfeecap"], "--rpc.txfeecap") } : {}),
    ...(blockTime !== undefined ? { blockTime: Number(blockTime) } : {}),
    logLevel,
    logFormat,
    ...(values["password-file"] !== undefined ? { passwordFile: values["password-file"] } : {}),
    ...p2pFlags(values),
    ...(values.metrics
      ? { metrics: { host: values["metrics.addr"] ?? "127.0.0.1", port: positiveInt(values["metrics.port"] ?? "6060", "--metrics.port", 65535, true) } }
      : {}),
    devAccounts: values["dev.accounts"] ?? false,
    txpool: txpoolFlags(values),
  };
}
