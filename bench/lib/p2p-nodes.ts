// Local P2PNetwork nodes for the p2p benchmarks (bench/p2p-latency.ts, bench/p2p-gossip-cpu.ts): each
// on 127.0.0.1 with a free port and its own temporary data dir, all stopped and their dirs removed
// together.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { P2PNetwork, type P2PNetworkOptions } from "../../src/p2p/network.js";
import { silentLogger } from "../../src/util/logger.js";

export const BENCH_CHAIN_ID = 1337n;

export class BenchNodes {
  private readonly nodes: P2PNetwork[] = [];
  private readonly dirs: string[] = [];

  /** Starts a node named `label` (its data dir's name) with these handlers, bootnodes and block source. */
  async start(label: string, o: Pick<P2PNetworkOptions, "handlers" | "bootnodes" | "blockSource">): Promise<P2PNetwork> {
    const datadir = mkdtempSync(join(tmpdir(), `verity-bench-${label}-`));
    this.dirs.push(datadir);
    const node = await P2PNetwork.start({ datadir, port: 0, chainId: BENCH_CHAIN_ID, logger: silentLogger, ...o });
    this.nodes.push(node);
    return node;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map((n) => n.stop()));
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls `cond` every 25 ms; throws naming `what` when it has not held within `timeoutMs`. */
export async function waitUntil(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  for (let waited = 0; waited < timeoutMs && !cond(); waited += 25) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`${what} not reached in ${timeoutMs / 1000} s`);
}
