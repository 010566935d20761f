// `verity localnet`: N validator processes plus one non-validator RPC node on loopback, each with its
// own data dir and ports, all stopped together on Ctrl-C / SIGTERM. Validator i serves JSON-RPC on
// http.port + i and p2p on p2p.port + i; the RPC node uses http.port + N and p2p.port + N.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex } from "@ethereumjs/util";
import { devGenesis } from "../chain/dev-genesis.js";
import { genesisToJson } from "../chain/genesis-json.js";
import { deriveDevAccounts, toChecksumAddress } from "../chain/dev-accounts.js";
import { devValidatorKeys, validatorKeysToJson } from "../chain/validator-keys.js";

export interface LocalnetNode {
  name: string;
  datadir: string;
  httpPort: number;
  p2pPort: number;
  validator: boolean;
  /** Arguments of `verity start` for this node. */
  args: string[];
  /** Flags of the node's Node.js process (before the script). */
  nodeFlags: string[];
}

export interface LocalnetLayout {
  nodes: LocalnetNode[];
  chainId: bigint;
  gasLimit: bigint;
}

export interface LocalnetOptions {
  dir: string;
  validators: number;
  httpPort: number;
  p2pPort: number;
  blockTime?: number;
  chainId?: bigint;
  /** The genesis's block gas limit (default: the dev genesis's, 30,000,000). */
  gasLimit?: bigint;
  logLevel?: string;
}

/** Writes (or reuses) the genesis and keys under `dir` and returns how to start every node. */
export function prepareLocalnet(o: LocalnetOptions): LocalnetLayout {
  const genesis = devGenesis({ validators: o.validators, ...(o.chainId !== undefined ? { chainId: o.chainId } : {}), ...(o.gasLimit !== undefined ? { gasLimit: o.gasLimit } : {}) });
  const genesisJson = genesisToJson(genesis);
  const names = [...Array.from({ length: o.validators }, (_, i) => `validator-${i}`), "rpc"];
  const nodes: LocalnetNode[] = names.map((name, i) => {
    const datadir = resolve(o.dir, name);
    mkdirSync(datadir, { recursive: true });
    // The genesis is fixed by the dev keys and the options, so rewriting it on a restart with the same
    // options changes nothing; with another gas limit or chain id the nodes refuse the data dirs (a
    // different genesis) instead of starting another chain on them.
    writeFileSync(join(datadir, "genesis.json"), genesisJson);
    const validator = i < o.validators;
    if (validator) writeFileSync(join(datadir, `validator-${i}.json`), validatorKeysToJson(devValidatorKeys(i)), { mode: 0o600 });
    return { name, datadir, httpPort: o.httpPort + i, p2pPort: o.p2pPort + i, validator, args: [], nodeFlags: [] };
  });
  // N + 1 nodes on this machine's cores: where they outnumber the cores, none is spare for helper
  // threads. A recovery worker then only adds hand-offs (4 validators on 2 cores: 7 % fewer tx/s), and
  // V8's pool of four platform threads per process (parallel scavenges, concurrent marking and
  // compilation) puts 20 threads on 2 cores. With one thread each (10 alternating pairs of 10,000
  // transfers to 4 validators on 2 cores): median 492 -> 521 tx/s, 4.17 -> 3.84 ms CPU per transfer.
  const crowded = nodes.length >= availableParallelism();
  for (const n of nodes) {
    const bootnodes = nodes.filter((m) => m !== n).map((m) => `/ip4/127.0.0.1/tcp/${m.p2pPort}`);
    n.args = [
      "--datadir", n.datadir,
      "--http.port", String(n.httpPort),
      "--p2p.port", String(n.p2pPort),
      "--bootnodes", bootnodes.join(","),
      "--dev.accounts",
      "--log-level", o.logLevel ?? "warn",
      ...(o.blockTime !== undefined ? ["--block-time", String(o.blockTime)] : []),
      ...(crowded ? ["--sender-recovery-threads", "0"] : []),
    ];
    n.nodeFlags = crowded ? ["--v8-pool-size=1"] : [];
  }
  return { nodes, chainId: genesis.params.chainId, gasLimit: genesis.params.gasLimit };
}

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Starts `verity start <args>` as a child on this Node binary, its output prefixed with `name`. */
export function spawnVerity(name: string, args: string[], opts: { quiet?: boolean; nodeFlags?: readonly string[] } = {}): ChildProcess {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), "--import", "tsx", MAIN, "start", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, VERITY_PARENT_PID: String(process.pid) },
  });
  const prefix = (chunk: Buffer, out: NodeJS.WriteStream) => {
    if (opts.quiet) return;
    for (const line of chunk.toString().split("\n")) if (line.trim().length > 0) out.write(`[${name}] ${line}\n`);
  };
  child.stdout!.on("data", (d: Buffer) => prefix(d, process.stdout));
  child.stderr!.on("data", (d: Buffer) => prefix(d, process.stderr));
  return child;
}

export async function runLocalnet(o: LocalnetOptions): Promise<void> {
  if (!existsSync(o.dir)) mkdirSync(o.dir, { recursive: true });
  const layout = prepareLocalnet(o);
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  for (const n of layout.nodes) {
    const child = spawnVerity(n.name, n.args, { quiet: false, nodeFlags: n.nodeFlags });
    children.set(n.name, child);
    child.once("exit", (code, signal) => {
      children.delete(n.name);
      if (stopping) {
        if (children.size === 0) process.exit(0);
        return;
      }
      if (children.size > 0) process.stderr.write(`[localnet] ${n.name} exited (${signal ?? code}); the others keep running\n`);
      else {
        // Nothing is left to serve (a bad data dir, say, stops every node at start): say so and exit.
        process.stderr.write(`[localnet] ${n.name} exited (${signal ?? code}); no node is left running\n`);
        process.exit(1);
      }
    });
  }
  const out: string[] = ["", `verity localnet: ${o.validators} validators + 1 RPC node, chain id ${layout.chainId}, gas limit ${layout.gasLimit}, data under ${resolve(o.dir)}`, ""];
  for (const n of layout.nodes) out.push(`  ${n.name.padEnd(12)} JSON-RPC http://127.0.0.1:${n.httpPort}   p2p /ip4/127.0.0.1/tcp/${n.p2pPort}`);
  out.push("", "Dev accounts (10,000 ETH each; keys from the mnemonic 'test test ... junk'):");
  for (const a of deriveDevAccounts()) out.push(`  (${a.index}) ${toChecksumAddress(a.address)}  ${bytesToHex(a.privateKey)}`);
  out.push("", "Ctrl-C stops every node.", "");
  process.stdout.write(out.join("\n") + "\n");
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[localnet] ${signal}: stopping ${children.size} nodes\n`);
    for (const c of children.values()) c.kill("SIGTERM");
    // Whatever has not exited after 10 s is killed: no orphans.
    setTimeout(() => {
      for (const c of children.values()) c.kill("SIGKILL");
      process.exit(1);
    }, 10_000).unref();
    if (children.size === 0) process.exit(0);
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}
