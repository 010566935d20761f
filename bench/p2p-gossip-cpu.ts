// CPU per gossip delivery among local nodes on 127.0.0.1: 4 P2PNetwork nodes in one process, a full
// mesh, each publishing its share of `messages` tx-topic payloads of `bytes` bytes (a small gossip
// batch of transactions) in bursts of 20, until every node has received every other node's. The
// figure is the process's CPU (all threads) per delivery, so it holds the whole libp2p path on both
// sides: gossipsub, yamux, noise, TCP and, on loopback, the kernel's receive path, which runs in the
// writer's syscall. Run: npm run bench:p2p-gossip -- [messages] [bytes]
import type { P2PNetwork } from "../src/p2p/network.js";
import { BenchNodes, waitUntil } from "./lib/p2p-nodes.js";
import { fmt } from "./lib/stats.js";

const NODES = 4;
const MESSAGES = Number(process.argv[2] ?? 8000);
const BYTES = Number(process.argv[3] ?? 600);
const BURST = 20;
if (!Number.isInteger(MESSAGES) || MESSAGES < NODES || MESSAGES % NODES !== 0) throw new RangeError(`messages must be a positive multiple of ${NODES}, got ${process.argv[2]}`);
if (!Number.isInteger(BYTES) || BYTES < 8) throw new RangeError(`bytes must be an integer >= 8, got ${process.argv[3]}`);

const received = new Array<number>(NODES).fill(0);
const bench = new BenchNodes();

const nodes: P2PNetwork[] = [];
try {
  for (let i = 0; i < NODES; i++) {
    const handlers = {
      tx: () => {
        received[i]!++;
        return "accept" as const;
      },
    };
    nodes.push(await bench.start(`gossip-${i}`, { handlers, bootnodes: nodes.map((n) => n.listenAddresses()[0]!) }));
  }
  await waitUntil("a full mesh", () => nodes.every((n) => n.topicPeers("tx").length === NODES - 1), 10_000);
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
  await waitUntil(`${expected} deliveries at every node`, () => received.every((c) => c >= expected), 100_000);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const deliveries = expected * NODES;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${NODES} nodes, ${MESSAGES} messages of ${BYTES} B: ${deliveries} deliveries in ${fmt(seconds, 2)} s`);
  console.log(`CPU ${fmt(cpuSeconds, 2)} s (all threads): ${fmt((cpuSeconds * 1e6) / deliveries, 1)} µs per delivery, ${fmt(deliveries / seconds)} deliveries/s`);
} finally {
  await bench.stopAll();
}
