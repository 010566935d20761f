// Shared pieces for the p2p tests: real P2PNetwork nodes on 127.0.0.1 (port 0, temp data dirs),
// raw libp2p hosts that play hostile peers, log capture and polling.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLibp2p, type Libp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub, type GossipSub } from "@libp2p/gossipsub";
import { identify, type Identify } from "@libp2p/identify";
import { multiaddr } from "@multiformats/multiaddr";
import { P2PNetwork, type P2PNetworkOptions } from "../../src/p2p/network.js";
import { createLogger } from "../../src/util/logger.js";

export const CHAIN_ID = 1337n;

/** Fresh options per host: createLibp2p writes the generated key into the object it is given. */
const bare = () => ({
  addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
});

/** Everything a test started, stopped (and its temp dirs removed) by cleanup(). */
export class Harness {
  private readonly stops: Array<() => Promise<void>> = [];
  private readonly dirs: string[] = [];
  /** Log lines of every node, prefixed with the node's label. */
  readonly logs: string[] = [];

  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "verity-p2p-"));
    this.dirs.push(dir);
    return dir;
  }

  async net(label: string, o: Partial<P2PNetworkOptions> = {}): Promise<P2PNetwork> {
    const net = await P2PNetwork.start({
      datadir: o.datadir ?? this.tempDir(),
      port: 0,
      chainId: CHAIN_ID,
      handlers: {},
      logger: createLogger({ level: "debug", component: label, write: (line) => this.logs.push(line) }),
      redialIntervalMs: 500,
      ...o,
    });
    this.stops.push(() => net.stop());
    return net;
  }

  /** A bare libp2p host: tcp, noise, yamux and nothing else. */
  async raw(): Promise<Libp2p> {
    const node = await createLibp2p(bare());
    this.stops.push(async () => node.stop());
    return node;
  }

  /** A bare host with a permissive gossipsub (no validation, no scoring): a hostile publisher. */
  async rawGossip(): Promise<Libp2p<{ identify: Identify; pubsub: GossipSub }>> {
    const node = await createLibp2p({
      ...bare(),
      services: { identify: identify(), pubsub: gossipsub({ globalSignaturePolicy: "StrictNoSign", allowPublishToZeroTopicPeers: true }) },
    });
    this.stops.push(async () => node.stop());
    return node;
  }

  logged(pattern: RegExp): string[] {
    return this.logs.filter((l) => pattern.test(l));
  }

  async cleanup(): Promise<void> {
    // P2P_TEST_LOGS=1 prints every node's log lines of each test (for debugging a failure).
    if (process.env.P2P_TEST_LOGS) console.log(this.logs.splice(0).join("\n"));
    this.logs.length = 0;
    await Promise.allSettled(this.stops.splice(0).reverse().map((stop) => stop()));
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export function addrOf(net: P2PNetwork): string {
  const addr = net.listenAddresses()[0];
  if (addr === undefined) throw new Error("node has no listen address");
  return addr;
}

/** Dials a P2PNetwork from a raw host. */
export async function dialNet(node: Libp2p, net: P2PNetwork): Promise<void> {
  await node.dial(multiaddr(addrOf(net)));
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
