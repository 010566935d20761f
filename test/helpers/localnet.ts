// Multi-process localnets for the network acceptance tests: `verity start` children laid out by
// prepareLocalnet (the same layout `verity localnet` uses), each held by PID so a test can SIGKILL
// one, restart it on the same data dir, read its log, and always stop every one of them.
//
// Children are spawned through spawnVerity, which passes VERITY_PARENT_PID: even if the test worker
// itself dies, every node notices within a second and shuts down (no orphans).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { prepareLocalnet, spawnVerity, type LocalnetLayout, type LocalnetNode } from "../../src/cli/localnet.js";
import { decodeBlock } from "../../src/primitives/encoding.js";
import { decodeCommitCertificate } from "../../src/consensus/certificate.js";
import { createChainCommon } from "../../src/evm/common.js";
import { rpcCall } from "./process.js";

const ROOT = resolve(import.meta.dirname, "../..");
/** Captured log text kept per process (the tail wins): enough for any of these tests' greps. */
const MAX_LOG_CHARS = 16 * 1024 * 1024;

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  log(): string;
  /** Resolves with the exit code or signal name once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Tracks a spawned node: captures its output, and knows when it exits. */
export function track(name: string, child: ChildProcess, url: string): Proc {
  let out = "";
  const take = (d: Buffer) => {
    out += d.toString();
    if (out.length > MAX_LOG_CHARS) out = out.slice(out.length - MAX_LOG_CHARS / 2);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const exited = new Promise<number | string>((res) => child.once("exit", (code, signal) => res(code ?? signal ?? "unknown")));
  if (process.env.LOCALNET_TEST_LOGS) {
    const echo = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) process.stderr.write(`[${name}] ${line}\n`);
    };
    child.stdout?.on("data", echo);
    child.stderr?.on("data", echo);
  }
  return { name, child, url, log: () => out, exited };
}

/** Spawns an arbitrary command (e.g. `ip netns exec ... node ...`) from the project root, tracked. */
export function spawnTracked(name: string, command: string, args: string[], url: string): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, VERITY_PARENT_PID: String(process.pid) },
  });
  return track(name, child, url);
}

/** Polls eth_chainId until the node answers; throws (with its log) if it exits or times out. */
export async function waitForRpc(p: Proc, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`${p.name} exited early (${p.child.exitCode ?? p.child.signalCode}):\n${p.log().slice(-4000)}`);
    try {
      await rpcCall(p.url, "eth_chainId");
      return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${p.name} did not answer on ${p.url} within ${timeoutMs} ms:\n${p.log().slice(-4000)}`);
}

/** SIGTERMs the process by PID, then SIGKILLs it if it has not exited within `graceMs`. */
export async function stopProc(p: Proc, graceMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timedOut = await Promise.race([p.exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    p.child.kill("SIGKILL");
    await p.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every `everyMs` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
  });
}

/**
 * A base port such that base .. base+count-1 are all free on 127.0.0.1 right now. Drawn from
 * 10000-32000, below Linux's ephemeral range (32768+), so that the outgoing connections the nodes
 * open to each other cannot take a port a node is about to listen on.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (22_000 - count));
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portIsFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no run of ${count} free ports found`);
}

export interface Head {
  number: bigint;
  hash: string;
  stateRoot: string;
}

interface RpcBlock {
  number: string;
  hash: string;
  stateRoot: string;
  miner: string;
  transactions: string[];
}

export async function blockAt(url: string, tag: bigint | "latest"): Promise<RpcBlock | null> {
  return rpcCall<RpcBlock | null>(url, "eth_getBlockByNumber", [typeof tag === "bigint" ? `0x${tag.toString(16)}` : tag, false]);
}

export async function headOf(url: string): Promise<Head> {
  const b = await blockAt(url, "latest");
  if (!b) throw new Error(`${url} has no latest block`);
  return { number: BigInt(b.number), hash: b.hash, stateRoot: b.stateRoot };
}

/**
 * The validators whose precommits certify block `height`, as the next block carries them (its
 * lastCommit: the certificate its proposer committed `height` with), read over debug_getRawBlock.
 * Null while block height + 1 does not exist yet.
 */
export async function certificateSigners(url: string, chainId: bigint, height: bigint): Promise<string[] | null> {
  const raw = await rpcCall<string | null>(url, "debug_getRawBlock", [`0x${(height + 1n).toString(16)}`]).catch(() => null);
  if (raw === null) return null;
  const block = decodeBlock(hexToBytes(raw as `0x${string}`), createChainCommon(chainId));
  const cert = decodeCommitCertificate(block.lastCommit);
  if (!cert.ok) throw new Error(`block ${height + 1n} carries an undecodable certificate: ${cert.error}`);
  if (BigInt(cert.value.height) !== height) throw new Error(`block ${height + 1n} carries a certificate of height ${cert.value.height}`);
  return cert.value.precommits.map((p) => bytesToHex(p.voter));
}

export async function blockNumber(url: string): Promise<bigint> {
  return BigInt(await rpcCall<string>(url, "eth_blockNumber"));
}

/**
 * A localnet of `validators` validator processes and (unless rpcNode is false) one non-validator
 * RPC node, under a fresh temp dir on free loopback ports. Every node the test starts is kept in
 * `procs` (restarts included) and stopped by stop(), which the test must call in afterAll/finally.
 */
export class Localnet {
  readonly procs: Proc[] = [];
  private readonly current = new Map<string, Proc>();

  private constructor(
    readonly dir: string,
    readonly layout: LocalnetLayout,
  ) {}

  static async create(o: { validators: number; rpcNode?: boolean; blockTime?: number; logLevel?: string }): Promise<Localnet> {
    const dir = mkdtempSync(join(tmpdir(), "verity-localnet-"));
    const count = o.validators + 1;
    // One run for both: HTTP ports first, p2p ports right after, so the two can never overlap.
    const httpPort = await freePortRange(2 * count);
    const p2pPort = httpPort + count;
    const layout = prepareLocalnet({ dir, validators: o.validators, httpPort, p2pPort, logLevel: o.logLevel ?? "info", ...(o.blockTime !== undefined ? { blockTime: o.blockTime } : {}) });
    if (o.rpcNode === false) {
      const rpc = layout.nodes.pop()!;
      // The validators must not keep dialing a bootnode that never runs.
      const gone = `/ip4/127.0.0.1/tcp/${rpc.p2pPort}`;
      for (const n of layout.nodes) n.args = withBootnodes(n.args, bootnodesOf(n.args).filter((b) => b !== gone));
    }
    return new Localnet(dir, layout);
  }

  get nodes(): LocalnetNode[] {
    return this.layout.nodes;
  }

  get validators(): LocalnetNode[] {
    return this.layout.nodes.filter((n) => n.validator);
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.node(name).httpPort}`;
  }

  node(name: string): LocalnetNode {
    const n = this.layout.nodes.find((m) => m.name === name);
    if (!n) throw new Error(`no node ${name} in this localnet`);
    return n;
  }

  /** The running process of a node (throws if it is not running). */
  proc(name: string): Proc {
    const p = this.current.get(name);
    if (!p) throw new Error(`${name} is not running`);
    return p;
  }

  /** Spawns every node and waits until all of them answer JSON-RPC. */
  async startAll(): Promise<void> {
    const started = this.layout.nodes.map((n) => this.spawn(n.name));
    await Promise.all(started.map((p) => waitForRpc(p)));
  }

  /** (Re)starts one node on its data dir and ports; resolves once it answers JSON-RPC. */
  async start(name: string): Promise<Proc> {
    const p = this.spawn(name);
    await waitForRpc(p);
    return p;
  }

  private spawn(name: string): Proc {
    if (this.current.has(name)) throw new Error(`${name} is already running`);
    const n = this.node(name);
    const p = track(name, spawnVerity(name, n.args, { quiet: true, nodeFlags: n.nodeFlags }), this.url(name));
    this.procs.push(p);
    this.current.set(name, p);
    void p.exited.then(() => {
      if (this.current.get(name) === p) this.current.delete(name);
    });
    return p;
  }

  /** Kills a node's process with `signal` (by PID) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = "SIGKILL"): Promise<number | string> {
    const p = this.proc(name);
    p.child.kill(signal);
    const how = await p.exited;
    this.current.delete(name);
    return how;
  }

  /** Every log line (all processes, restarts included) matching `pattern`, prefixed by the node name. */
  grep(pattern: RegExp, name?: string): string[] {
    return this.procs
      .filter((p) => name === undefined || p.name === name)
      .flatMap((p) =>
        p
          .log()
          .split("\n")
          .filter((l) => pattern.test(l))
          .map((l) => `[${p.name}] ${l}`),
      );
  }

  /** Stops every process this localnet ever started (SIGTERM, then SIGKILL), then removes the data. */
  async stop(opts: { keepData?: boolean } = {}): Promise<void> {
    await Promise.all(this.procs.map((p) => stopProc(p)));
    // LOCALNET_LOG_DIR=<dir> keeps every process's log (restarts numbered) for a post-mortem.
    const keep = process.env.LOCALNET_LOG_DIR;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      this.procs.forEach((p, i) => writeFileSync(join(keep, `${p.name}.${i}.log`), p.log()));
    }
    if (!opts.keepData) rmSync(this.dir, { recursive: true, force: true });
  }
}

function bootnodesOf(args: string[]): string[] {
  const i = args.indexOf("--bootnodes");
  return i < 0 ? [] : (args[i + 1] ?? "").split(",").filter((s) => s.length > 0);
}

function withBootnodes(args: string[], bootnodes: string[]): string[] {
  const i = args.indexOf("--bootnodes");
  if (i < 0) return args;
  if (bootnodes.length === 0) return [...args.slice(0, i), ...args.slice(i + 2)];
  return [...args.slice(0, i + 1), bootnodes.join(","), ...args.slice(i + 2)];
}
