// Gossip latency between local nodes on 127.0.0.1: the time from publish() on one node to the
// receiving node's topic handler being called (decode + validation entry), one message in flight at
// a time so the figure is latency, not throughput. Run: npx tsx bench/p2p-latency.ts [messages]
//
// Paths measured: A -> B direct (a 215-byte vote, a 1 MiB proposal), and A -> B -> C (a vote
// relayed by B after B's handler accepted it). Block sync throughput (blocks/s over the sync
// protocol) is measured too, for 1 KiB blocks. Prints median, p90 and max in milliseconds.
import type { P2PNetwork } from "../src/p2p/network.js";
import type { GossipHandlers } from "../src/p2p/gossip.js";
import type { SyncItem } from "../src/p2p/sync-codec.js";
import type { TopicKind } from "../src/p2p/topics.js";
import { BenchNodes, waitUntil } from "./lib/p2p-nodes.js";
import { fmt, median } from "./lib/stats.js";

const MESSAGES = Number(process.argv[2] ?? 100);
const nodes = new BenchNodes();

/** Waiters keyed "<receiving node>:<sequence number>", resolved when that node's handler sees it. */
const waiters = new Map<string, () => void>();
function handlersFor(label: string): GossipHandlers {
  const handlers: GossipHandlers = {};
  for (const kind of ["vote", "proposal"] as TopicKind[]) {
    handlers[kind] = (payload) => {
      waiters.get(`${label}:${new DataView(payload.buffer, payload.byteOffset).getUint32(0)}`)?.();
      return "accept";
    };
  }
  return handlers;
}

async function start(label: string, bootnodes: string[] = [], blocks?: number): Promise<P2PNetwork> {
  const blockSource =
    blocks === undefined
      ? undefined
      : {
          getBlocks: (from: bigint, count: number): SyncItem[] =>
            Array.from({ length: Math.max(0, Math.min(count, blocks - Number(from) + 1)) }, () => ({ block: new Uint8Array(1024), certificate: new Uint8Array(400) })),
          getStatus: () => ({ headHeight: BigInt(blocks), headHash: new Uint8Array(32) }),
        };
  return nodes.start(label, { handlers: handlersFor(label), bootnodes, blockSource });
}

let seq = 0;
/** Publishes `size`-byte payloads one at a time and returns each delivery time at node `to`, in ms. */
async function measure(from: P2PNetwork, to: string, kind: TopicKind, size: number, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count + 5; i++) {
    const payload = new Uint8Array(size);
    const id = ++seq;
    new DataView(payload.buffer).setUint32(0, id);
    const delivered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`message ${id} not delivered in 5 s`)), 5_000);
      waiters.set(`${to}:${id}`, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const t0 = performance.now();
    await from.publish(kind, payload);
    await delivered;
    waiters.delete(`${to}:${id}`);
    if (i >= 5) times.push(performance.now() - t0); // the first five warm up the path
  }
  return times;
}

function report(name: string, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const p90 = sorted[Math.floor(sorted.length * 0.9)] ?? NaN;
  console.log(`${name.padEnd(40)} median ${fmt(median(times), 2).padStart(7)} ms  p90 ${fmt(p90, 2).padStart(7)} ms  max ${fmt(sorted.at(-1) ?? NaN, 2).padStart(7)} ms  (n=${times.length})`);
}

const B = await start("b", [], 10_000);
const A = await start("a", [B.listenAddresses()[0]!]);
const C = await start("c", [B.listenAddresses()[0]!]);
try {
  await waitUntil("a mesh A - B - C", () => A.topicPeers("vote").includes(B.peerId) && B.topicPeers("vote").length === 2 && C.topicPeers("vote").includes(B.peerId), 10_000);
  // A's own peers are B only, so a vote from A reaches C through B.
  report("vote 215 B, A -> B -> C (relayed)", await measure(A, "c", "vote", 215, MESSAGES));
  // For the direct path, measure from B: B -> A is one hop.
  report("vote 215 B, B -> A (direct)", await measure(B, "a", "vote", 215, MESSAGES));
  report("proposal 1 MiB, B -> A (direct)", await measure(B, "a", "proposal", 1024 * 1024, Math.min(MESSAGES, 30)));

  const t0 = performance.now();
  let height = 1n;
  while (height <= 10_000n) height += BigInt((await A.requestBlocks(B.peerId, height, 128)).length);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${"sync 10,000 x 1 KiB blocks, B -> A".padEnd(40)} ${fmt(10_000 / seconds)} blocks/s (${fmt(seconds, 2)} s)`);
} finally {
  await nodes.stopAll();
}
