// CPU per gossip delivery among local nodes on 127.0.0.1: 4 P2PNetwork nodes in one process, a full
// mesh, each publishing its share of `messages` tx-topic payloads of `bytes` bytes (a small gossip
// batch of transactions) in bursts of 20, until every node has received every other node's. The
// figure is the process's CPU (all threads) per delivery, so it holds the whole libp2p path on both
// sides: gossipsub, yamux, noise, TCP and, on loopback, the kernel's receive path, which runs in the
// writer's syscall. Run: npm run bench:p2p-gossip -- [messages] [bytes]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { P2PNetwork } from "../src/p2p/network.js";
import { silentLogger } from "../src/util/logger.js";
import { fmt } from "./lib/stats.js";

const NODES = 4;
const MESSAGES = Number(process.argv[2] ?? 8000);
const BYTES = Number(process.argv[3] ?? 600);
const BURST = 20;
if (!Number.isInteger(MESSAGES) || MESSAGES < NODES || MESSAGES % NODES !== 0) throw new RangeError(`messages must be a positive multiple of ${NODES}, got ${process.argv[2]}`);
if (!Number.isInteger(BYTES) || BYTES < 8) throw new RangeError(`bytes must be an integer >= 8, got ${process.argv[3]}`);

const dirs: string[] = [];
const received = new Array<number>(NODES).fill(0);

async function start(i: number, bootnodes: string[]): Promise<P2PNetwork> {
  const datadir = mkdtempSync(join(tmpdir(), `verity-bench-gossip-${i}-`));
  dirs.push(datadir);
  const handlers = {
    tx: () => {
      received[i]!++;
      return "accept" as const;
    },
  };
  return P2PNetwork.start({ datadir, port: 0, chainId: 1337n, logger: silentLogger, bootnodes, handlers });
}

async function waitUntil(cond: () => boolean, what: string, tries: number): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`${what} not reached in ${(tries * 25) / 1000} s`);
}

const nodes: P2PNetwork[] = [];
try {
  for (let i = 0; i < NODES; i++) nodes.push(await start(i, nodes.map((n) => n.listenAddresses()[0]!)));
  await waitUntil(() => nodes.every((n) => n.topicPeers("tx").length === NODES - 1), "a full mesh", 400);
  await new Promise((r) => setTimeout(r, 1500)); // let the mesh's first heartbeats pass

  const perNode = MESSAGES / NODES;
  const expected = perNode * (NODES - 1);
  let sequence = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    nodes.map(async (node) => {
      for (let j = 0; j < perNode; j++) {
        // Distinct payloads (gossipsub drops what it has seen): a sequence number and random bytes.
        const payload = new Uint8Array(BYTES);
        const view = new DataView(payload.buffer);
        view.setUint32(0, ++sequence);
        view.setUint32(4, Math.floor(Math.random() * 2 ** 32));
        await node.publish("tx", payload);
        if (j % BURST === BURST - 1) await new Promise((r) => setTimeout(r, 1));
      }
    }),
  );
  await waitUntil(() => received.every((c) => c >= expected), `${expected} deliveries at every node`, 4000);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const deliveries = expected * NODES;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${NODES} nodes, ${MESSAGES} messages of ${BYTES} B: ${deliveries} deliveries in ${fmt(seconds, 2)} s`);
  console.log(`CPU ${fmt(cpuSeconds, 2)} s (all threads): ${fmt((cpuSeconds * 1e6) / deliveries, 1)} µs per delivery, ${fmt(deliveries / seconds)} deliveries/s`);
} finally {
  await Promise.all(nodes.map((n) => n.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
