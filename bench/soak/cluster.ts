// The soak's localnet: the layout `verity localnet` uses (prepareLocalnet: N validators and one RPC
// node, each with its own data dir and ports), but every p2p dial goes through a LinkProxy so links
// can be cut and shaped, every process logs to a file in the run's directory, and each node can be
// killed, paused, restarted (on its data dir, on a wiped one, or with its clock shifted) by PID.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex } from "@ethereumjs/util";
import { prepareLocalnet, type LocalnetNode } from "../../src/cli/localnet.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { ChainStore } from "../../src/storage/chain-store.js";
import { freePortRange } from "../../test/helpers/localnet.js";
import { spawnService, waitForRpc, type Service } from "../harness/processes.js";
import { PROJECT_ROOT } from "../harness/nodes.js";
import { LinkMesh } from "./link-proxy.js";
import { canMountTmpfs, moveToSmallDisk, release, type SmallDisk } from "./small-disk.js";

const CLOCK_OFFSET_MODULE = fileURLToPath(new URL("./clock-offset.ts", import.meta.url));
const MAIN = join(PROJECT_ROOT, "src/cli/main.ts");
/** A node must answer JSON-RPC this long after a (re)start, sync not included. */
const START_TIMEOUT_MS = 90_000;
const KEPT_ON_WIPE = /^(genesis\.json|validator-\d+\.json|p2p-key)$/;

export interface ClusterNode extends LocalnetNode {
  readonly index: number;
  readonly url: string;
}

export interface SigningSample {
  readonly node: string;
  readonly record: Uint8Array;
  readonly at: number;
}

export class SoakCluster {
  private readonly running = new Map<string, Service>();
  private readonly paused = new Set<string>();
  /** Being killed or stopped by the soak: their exit is expected. */
  private readonly stopping = new Set<string>();
  /** Under a fault that allows the node to stop on its own (a full disk). */
  private readonly mayExit = new Set<string>();
  private readonly disks = new Map<string, SmallDisk>();
  private starts = 0;

  private constructor(
    readonly dir: string,
    readonly nodes: readonly ClusterNode[],
    readonly mesh: LinkMesh,
  ) {}

  /** smallDisks: each validator's data dir on a tmpfs of its own (the disk fault; needs mount). */
  static async create(o: { dir: string; validators: number; random: () => number; logLevel?: string; smallDisks?: boolean }): Promise<SoakCluster> {
    mkdirSync(o.dir, { recursive: true });
    const count = o.validators + 1;
    const httpPort = await freePortRange(2 * count);
    const layout = prepareLocalnet({ dir: join(o.dir, "data"), validators: o.validators, httpPort, p2pPort: httpPort + count, logLevel: o.logLevel ?? "warn" });
    const mesh = await LinkMesh.start(layout.nodes.map((n) => n.p2pPort), o.random);
    const nodes = layout.nodes.map((n, index) => {
      const at = n.args.indexOf("--bootnodes");
      const args = [...n.args.slice(0, at + 1), mesh.bootnodesOf(index).join(","), ...n.args.slice(at + 2)];
      return { ...n, args, index, url: `http://127.0.0.1:${n.httpPort}` };
    });
    mkdirSync(join(o.dir, "logs"), { recursive: true });
    const cluster = new SoakCluster(resolve(o.dir), nodes, mesh);
    if (o.smallDisks) {
      const probe = canMountTmpfs(join(o.dir, "disks", "probe"));
      if (!probe.ok) {
        await mesh.close();
        throw new Error(`the disk fault needs a small filesystem, and mount -t tmpfs is refused here: ${probe.reason}`);
      }
      for (const n of cluster.validators) cluster.disks.set(n.name, moveToSmallDisk(n.datadir, join(o.dir, "disks", n.name)));
    }
    return cluster;
  }

  /** The validator's small filesystem (created with smallDisks), if any. */
  smallDisk(name: string): SmallDisk | undefined {
    return this.disks.get(name);
  }

  /** Puts the data dirs back on the usual disk and unmounts the small ones (nodes stopped). */
  releaseDisks(): void {
    for (const [name, disk] of this.disks) {
      release(disk);
      this.disks.delete(name);
    }
  }

  /** While set, the node stopping on its own is not a crash (a full disk may stop it cleanly). */
  allowExit(name: string, allowed: boolean): void {
    if (allowed) this.mayExit.add(name);
    else this.mayExit.delete(name);
  }

  /** How a node's process ended (null while it runs or was never started), and its log's tail. */
  exitOf(name: string): { code: number | null; signal: string | null; log: string } | null {
    const s = this.running.get(name);
    if (!s || this.isRunning(name)) return null;
    return { code: s.child.exitCode, signal: s.child.signalCode, log: s.logTail(20_000) };
  }

  get validators(): ClusterNode[] {
    return this.nodes.filter((n) => n.validator);
  }

  get rpc(): ClusterNode {
    return this.nodes.find((n) => !n.validator)!;
  }

  node(name: string): ClusterNode {
    const n = this.nodes.find((m) => m.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  isRunning(name: string): boolean {
    const s = this.running.get(name);
    return s !== undefined && s.child.exitCode === null && s.child.signalCode === null;
  }

  isPaused(name: string): boolean {
    return this.paused.has(name);
  }

  /** Nodes that exited without the soak stopping them (a crash). */
  exitedUnexpectedly(): string[] {
    return [...this.running.keys()].filter((n) => !this.isRunning(n) && !this.stopping.has(n) && !this.mayExit.has(n));
  }

  /** Forgets a crashed node's process, so it can be started again. */
  forget(name: string): void {
    this.running.delete(name);
    this.paused.delete(name);
  }

  pid(name: string): number | null {
    return this.isRunning(name) ? this.running.get(name)!.pid : null;
  }

  /** Starts a node on its data dir (with its wall clock shifted by clockOffsetMs) and waits for its JSON-RPC. */
  async start(name: string, o: { clockOffsetMs?: number } = {}): Promise<void> {
    if (this.isRunning(name)) throw new Error(`${name} is already running`);
    const n = this.node(name);
    const offset = o.clockOffsetMs ?? 0;
    const service = spawnService({
      name,
      command: process.execPath,
      args: ["--import", "tsx", ...(offset !== 0 ? ["--import", CLOCK_OFFSET_MODULE] : []), MAIN, "start", ...n.args],
      cwd: PROJECT_ROOT,
      logFile: join(this.dir, "logs", `${name}.${this.starts++}.log`),
      env: { ...process.env, VERITY_PARENT_PID: String(process.pid), VERITY_SOAK_CLOCK_OFFSET_MS: String(offset) },
    });
    this.running.set(name, service);
    await waitForRpc(service, n.url, START_TIMEOUT_MS);
  }

  async startAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.name)));
  }

  /** SIGKILL by PID, and wait for the exit. */
  async kill(name: string): Promise<void> {
    const s = this.running.get(name);
    if (!s || !this.isRunning(name)) return;
    const exited = new Promise<void>((res) => s.child.once("exit", () => res()));
    this.stopping.add(name);
    process.kill(s.pid, "SIGKILL");
    await exited;
    this.paused.delete(name);
    this.running.delete(name);
    this.stopping.delete(name);
  }

  /** SIGTERM (then SIGKILL after 5 s), as an operator's restart does. */
  async stop(name: string): Promise<void> {
    const s = this.running.get(name);
    if (!s) return;
    if (this.paused.has(name)) this.resume(name);
    this.stopping.add(name);
    await s.stop();
    this.running.delete(name);
    this.stopping.delete(name);
  }

  pause(name: string): void {
    const pid = this.pid(name);
    if (pid === null) throw new Error(`${name} is not running`);
    process.kill(pid, "SIGSTOP");
    this.paused.add(name);
  }

  resume(name: string): void {
    const pid = this.pid(name);
    if (pid !== null) process.kill(pid, "SIGCONT");
    this.paused.delete(name);
  }

  /**
   * The validator's signing record, read from its data dir while the node is down (LevelDB is
   * single-process): what it last signed, so the soak can compare every sample for double signing.
   */
  async readSigningRecord(name: string): Promise<Uint8Array | null> {
    if (this.isRunning(name)) throw new Error(`${name} is running: its database is locked`);
    const n = this.node(name);
    const store = await ChainStore.open(n.datadir);
    try {
      return (await store.getSigningRecord(signingRecordId(n.index))) ?? null;
    } finally {
      await store.close();
    }
  }

  /**
   * Deletes the node's chain data (everything in its data dir but the genesis, the validator key and
   * the p2p identity: configuration, like CometBFT's config/) while it is down. The signing record is carried over, as an operator restoring a
   * validator must: without it the validator would sign again heights it already signed.
   */
  async wipe(name: string): Promise<void> {
    if (this.isRunning(name)) throw new Error(`${name} is running`);
    const n = this.node(name);
    const record = n.validator ? await this.readSigningRecord(name) : null;
    for (const f of readdirSync(n.datadir)) if (!KEPT_ON_WIPE.test(f)) rmSync(join(n.datadir, f), { recursive: true, force: true });
    if (record !== null) {
      const store = await ChainStore.open(n.datadir);
      try {
        await store.putSigningRecord(signingRecordId(n.index), record);
      } finally {
        await store.close();
      }
    }
  }

  /** Current resident set size of a running node, MiB (from /proc; null when down). */
  rssMiB(name: string): number | null {
    const pid = this.pid(name);
    if (pid === null) return null;
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : null;
    } catch {
      return null;
    }
  }

  logFiles(): string[] {
    return readdirSync(join(this.dir, "logs")).map((f) => join(this.dir, "logs", f));
  }

  /** Stops every node (paused ones resumed first) and the link proxies. */
  async stopAll(): Promise<void> {
    for (const name of [...this.paused]) this.resume(name);
    await Promise.all([...this.running.keys()].map((n) => this.stop(n)));
    await this.mesh.close();
  }
}

/** The id a validator's engine keeps its signing record under (validator-engines.ts). */
export function signingRecordId(validatorIndex: number): string {
  return `validator-${bytesToHex(devValidatorKeys(validatorIndex).address)}`;
}
