// Issue 15, "the split stall": four validators (one per in-process node, loopback libp2p) split 2|2
// for 20 s, then healed. Every p2p dial goes through the soak's user-space link relays
// (bench/soak/link-proxy.ts), which cut the links between the halves and heal them. Neither half has
// a quorum during the split. In the soak the processes' timers drift apart on a loaded machine and
// the halves reach the heal in different rounds; in-process nodes share one event loop and would
// stay in step, so the second half runs its step timeouts 25 % longer (a slow machine's clockwork).
// Before the fix the links came back only with the bootnode redial's backoff (12-16 s after the
// heal here), nothing delivered the votes cast during the split, and a validator pulled into a round
// late built a proposal of its own that split the prevotes. Now lost peers are redialed every
// interval, each validator re-sends its latest signed messages when a peer joins the vote topic and
// when a round fails, and a late entrant builds nothing.
import { bytesToHex } from "@ethereumjs/util";
import { afterAll, describe, expect, it } from "vitest";
import { LinkMesh } from "../../bench/soak/link-proxy.js";
import type { TimeoutConfig } from "../../src/consensus/timeouts.js";
import { NETWORK_TIMEOUTS } from "../../src/node/consensus/driver.js";
import { VerityNode } from "../../src/node/node.js";
import { waitUntil } from "../helpers/localnet.js";
import { startValidatorNode } from "../helpers/node.js";
import { freePort, rpcCall } from "../helpers/process.js";

const SPLIT_MS = 20_000;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}, 60_000);

const slower = (t: TimeoutConfig, by: number): TimeoutConfig => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v * by)])) as unknown as TimeoutConfig;

const start = (i: number, port: number, bootnodes: string[]) =>
  startValidatorNode(i, { port, bootnodes }, cleanups, { consensusTimeouts: i < 2 ? NETWORK_TIMEOUTS : slower(NETWORK_TIMEOUTS, 1.25) });

const peerCount = async (n: VerityNode) => Number(await rpcCall(n.rpcUrl, "net_peerCount"));
const head = (n: VerityNode) => n.chain.head.header.number;

describe("a 2|2 split, healed", () => {
  it("commits again within a few seconds of the links being back", async () => {
    const ports = await Promise.all([0, 1, 2, 3].map(() => freePort()));
    let seed = 15;
    const mesh = await LinkMesh.start(ports, () => ((seed = (seed * 16807) % 2147483647) / 2147483647));
    cleanups.push(() => mesh.close());
    const nodes = await Promise.all(ports.map((port, i) => start(i, port, mesh.bootnodesOf(i))));
    await waitUntil("3 blocks and every link up", async () => nodes.every((n) => head(n) >= 3n) && (await Promise.all(nodes.map(peerCount))).every((c) => c === 3), 60_000, 100);

    mesh.partition([0, 1], [2, 3], true);
    const splitAt = Date.now();
    await waitUntil("the split to hold", () => Date.now() - splitAt >= SPLIT_MS, SPLIT_MS + 1000, 200);
    const stalled = nodes.map(head).reduce((a, b) => (a > b ? a : b));
    mesh.partition([0, 1], [2, 3], false);
    const healedAt = Date.now();

    // Links come back as each node's bootnode redial (with its backoff) gets through, one at a time:
    // during the split every node has its one peer in its own half, so any count above that is a
    // link across (a quorum of three needs one, gossip relays the rest).
    let crossedAt = 0;
    let linkedAt = 0;
    let committedAt = 0;
    await waitUntil(
      "every node to commit past the height of the split",
      async () => {
        const counts = await Promise.all(nodes.map(peerCount));
        if (crossedAt === 0 && counts.some((c) => c > 1)) crossedAt = Date.now();
        if (linkedAt === 0 && counts.every((c) => c === 3)) linkedAt = Date.now();
        if (committedAt === 0 && nodes.every((n) => head(n) > stalled)) committedAt = Date.now();
        return linkedAt > 0 && committedAt > 0;
      },
      90_000,
      100,
    );
    const after = (t: number) => ((t - healedAt) / 1000).toFixed(1);
    console.log(`split ${SPLIT_MS / 1000} s at height ${stalled + 1n}; after the heal: first link across ${after(crossedAt)} s, every link ${after(linkedAt)} s, every node committed ${after(committedAt)} s`);
    // One chain.
    const common = nodes.map(head).reduce((a, b) => (a < b ? a : b));
    for (let h = 1n; h <= common; h++) {
      const hashes = await Promise.all(nodes.map(async (n) => bytesToHex((await n.chain.getBlockByNumber(h))!.hash)));
      expect(new Set(hashes).size, `height ${h}`).toBe(1);
    }
    // A round or two once the halves hear each other again, on a loaded machine.
    // Measured on main (before issue 15's fixes): links back 12-16 s after the heal (bootnode redial
    // backoff), commits 19-20 s after it. Now: the lost peers are redialed every 5 s and a round or
    // two follow; 12 s leaves room for a loaded machine.
    expect(committedAt - healedAt, "from the heal to every node's commit (ms)").toBeLessThan(12_000);
  }, 150_000);
});
