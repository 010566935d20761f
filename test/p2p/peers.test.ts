// Peer management: the maxPeers limit in both directions, bootnode redial after a restart, and
// penalize() banning a peer in both directions.
import { afterEach, describe, expect, it } from "vitest";
import type { P2PNetwork } from "../../src/p2p/network.js";
import { Harness, addrOf, sleep, waitFor } from "../helpers/p2p.js";

const h = new Harness();
afterEach(() => h.cleanup());

/** Polls `count` for `ms` and returns the largest value seen. */
async function peakOver(ms: number, count: () => number): Promise<number> {
  let peak = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    peak = Math.max(peak, count());
    await sleep(10);
  }
  return peak;
}

describe("peers", () => {
  it("honours maxPeers for inbound peers and for its own bootnode dials", async () => {
    const M = await h.net("M", { maxPeers: 2 });
    const others: P2PNetwork[] = [];
    for (let i = 0; i < 4; i++) others.push(await h.net(`P${i}`, { bootnodes: [addrOf(M)] }));
    await waitFor("M full", () => M.peers().length === 2);
    // The refused nodes keep redialing (every 500 ms): M never goes over its limit.
    expect(await peakOver(1_500, () => M.peers().length)).toBe(2);
    expect(others.filter((o) => o.peers().includes(M.peerId)).length).toBe(2);

    // Outbound: four bootnodes dialed at once by a node allowed two peers.
    const D = await h.net("D", { maxPeers: 2, bootnodes: others.map(addrOf) });
    await waitFor("D has peers", () => D.peers().length > 0);
    expect(await peakOver(1_000, () => D.peers().length)).toBeLessThanOrEqual(2);
    expect(D.peers().length).toBe(2);
  });

  it("redials a bootnode that restarts, keeping its identity and port", async () => {
    const dir = h.tempDir();
    const B = await h.net("B", { datadir: dir });
    const port = Number(addrOf(B).split("/")[4]);
    const A = await h.net("A", { bootnodes: [addrOf(B)] });
    await waitFor("A connected", () => A.peers().includes(B.peerId));
    const id = B.peerId;
    await B.stop();
    await waitFor("A sees B gone", () => A.peers().length === 0);
    await sleep(300); // at least one failed redial
    const B2 = await h.net("B2", { datadir: dir, port });
    expect(B2.peerId).toBe(id);
    await waitFor("A reconnected", () => A.peers().includes(id), 5_000);
  });

  it("penalize() bans a peer: disconnected, and refused in both directions", async () => {
    const B = await h.net("B");
    const A = await h.net("A", { bootnodes: [addrOf(B)] });
    await waitFor("connected", () => B.peers().includes(A.peerId));
    B.penalize(A.peerId, "invalid certificate at height 7");
    expect(B.isBanned(A.peerId)).toBe(true);
    await waitFor("disconnected", () => !B.peers().includes(A.peerId) && !A.peers().includes(B.peerId));
    expect(h.logged(/\[B\] peer penalized .*reason="invalid certificate at height 7" points=100/)).toHaveLength(1);
    // A keeps redialing B (every 500 ms) and is refused.
    expect(await peakOver(1_200, () => B.peers().length)).toBe(0);
    const C = await h.net("C", { bootnodes: [addrOf(B)] });
    await waitFor("an honest peer still connects", () => B.peers().includes(C.peerId));
  });
});
