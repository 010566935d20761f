// Command-line flags: geth's spelling where geth has one (--datadir, --http.addr, --http.port,
// --http.corsdomain, --http.vhosts), parsed into the node's options. Unknown flags are errors.
import { parseArgs } from "node:util";

export const HELP = `verity: a proof-of-stake blockchain node with an Ethereum JSON-RPC

Usage:
  verity start [flags]     start a node (default: a dev chain, JSON-RPC on http://127.0.0.1:8545)
  verity init  [flags]     write a genesis file and validator keys into --datadir, then exit
  verity --help | --version

Flags for start:
  --datadir DIR            data directory (default: .verity/dev)
  --genesis FILE           genesis JSON (default: DIR/genesis.json if present, else the built-in dev genesis)
  --chain-id N             chain id of the built-in dev genesis (default 31337)
  --http.addr ADDR         JSON-RPC listen address (default 127.0.0.1)
  --http.port PORT         JSON-RPC port (default 8545)
  --http.corsdomain LIST   comma-separated origins allowed by CORS, or * (default *)
  --http.vhosts LIST       comma-separated Host names accepted, or * (default localhost,127.0.0.1)
  --block-time SECONDS     seconds between blocks, empty ones included (default: the genesis's, 1);
                           0 seals a block as soon as transactions wait (automine)
  --log-level LEVEL        debug | info | warn | error (default info)

Flags for init:
  --datadir DIR            where to write genesis.json and validator-<i>.json (required)
  --chain-id N             chain id (default 31337)
  --validators N           number of validators to create keys for (default 4)
  --force                  overwrite existing files
`;

export interface StartArgs {
  command: "start";
  datadir: string;
  genesisFile?: string;
  chainId?: bigint;
  httpAddr: string;
  httpPort: number;
  corsDomains: string[];
  vhosts: string[];
  blockTime?: number;
  logLevel: "debug" | "info" | "warn" | "error";
}

export interface InitArgs {
  command: "init";
  datadir: string;
  chainId: bigint;
  validators: number;
  force: boolean;
}

export type CliArgs = StartArgs | InitArgs | { command: "help" } | { command: "version" };

export class UsageError extends Error {}

function positiveInt(v: string, flag: string, max: number, allowZero = false): number {
  if (!/^[0-9]+$/.test(v)) throw new UsageError(`${flag}: expected a non-negative integer, got "${v}"`);
  const n = Number(v);
  if ((!allowZero && n === 0) || n > max) throw new UsageError(`${flag}: must be ${allowZero ? "0" : "1"}..${max}`);
  return n;
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
      "block-time": { type: "string" },
      "log-level": { type: "string" },
      validators: { type: "string" },
      force: { type: "boolean" },
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
    };
  }
  if (command !== "start") throw new UsageError(`unknown command "${command}" (try --help)`);
  const logLevel = values["log-level"] ?? "info";
  if (!["debug", "info", "warn", "error"].includes(logLevel)) throw new UsageError(`--log-level: unknown level "${logLevel}"`);
  const blockTime = values["block-time"];
  if (blockTime !== undefined && !/^[0-9]+(\.[0-9]+)?$/.test(blockTime)) throw new UsageError(`--block-time: expected seconds, got "${blockTime}"`);
  return {
    command: "start",
    datadir: values.datadir ?? ".verity/dev",
    ...(values.genesis ? { genesisFile: values.genesis } : {}),
    ...(chainId !== undefined ? { chainId } : {}),
    httpAddr: values["http.addr"] ?? "127.0.0.1",
    httpPort: positiveInt(values["http.port"] ?? "8545", "--http.port", 65535, true),
    corsDomains: list(values["http.corsdomain"] ?? "*"),
    vhosts: list(values["http.vhosts"] ?? "localhost,127.0.0.1"),
    ...(blockTime !== undefined ? { blockTime: Number(blockTime) } : {}),
    logLevel: logLevel as StartArgs["logLevel"],
  };
}
