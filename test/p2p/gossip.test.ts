// Gossip between real nodes on 127.0.0.1: delivery on every topic through a bootnode, validation
// verdicts (rejected messages stop at the first honest node, their sender is banned), and hostile
// input (garbage envelopes, malformed gossipsub frames, unknown protocols) that must not hurt.
import { randomBytes } from "node:crypto";
import { multiaddr } from "@multiformats/multiaddr";
import { afterEach, describe, expect, it } from "vitest";
import type { GossipHandlers } from "../../src/p2p/gossip.js";
import type { P2PNetwork } from "../../src/p2p/network.js";
import { RESEND_RELAY_INTERVAL_MS } from "../../src/p2p/resend-relay.js";
import { MAX_PAYLOAD_BYTES, TOPIC_KINDS, topicName, type TopicKind } from "../../src/p2p/topics.js";
import { CHAIN_ID, Harness, addrOf, bytes, dialNet, hex, sleep, waitFor } from "../helpers/p2p.js";

const h = new Harness();
afterEach(() => h.cleanup());

/** The test's validity rule: a payload starting with 0xee is invalid for everyone. */
const INVALID = 0xee;

interface Seen {
  kind: TopicKind;
  payload: string;
  from: string;
}

function recorder(): { seen: Seen[]; handlers: GossipHandlers; has(kind: TopicKind, payload: Uint8Array): boolean } {
  const seen: Seen[] = [];
  const handlers: GossipHandlers = {};
  for (const kind of TOPIC_KINDS) {
    handlers[kind] = (payload, from) => {
      seen.push({ kind, payload: hex(payload), from });
      return payload[0] === INVALID ? { verdict: "reject", reason: "test rule: 0xee prefix" } : "accept";
    };
  }
  return { seen, handlers, has: (kind, payload) => seen.some((s) => s.kind === kind && s.payload === hex(payload)) };
}

/** Bootnode B with A and C dialing it; resolves once every mesh link is subscribed on every topic. */
async function triangle() {
  const [a, b, c] = [recorder(), recorder(), recorder()];
  const B = await h.net("B", { handlers: b.handlers });
  const A = await h.net("A", { handlers: a.handlers, bootnodes: [addrOf(B)] });
  const C = await h.net("C", { handlers: c.handlers, bootnodes: [addrOf(B)] });
  await waitFor("topic subscriptions", () =>
    TOPIC_KINDS.every((k) => B.topicPeers(k).length === 2 && A.topicPeers(k).includes(B.peerId) && C.topicPeers(k).includes(B.peerId)),
  );
  return { A, B, C, a, b, c };
}

async function until(net: P2PNetwork, what: string, cond: () => boolean): Promise<void> {
  await waitFor(`${what} at ${net.peerId.slice(-6)}`, cond, 5_000);
}

describe("gossip", () => {
  it("delivers every topic to all nodes through the bootnode, relayed only after validation", async () => {
    const { A, B, C, a, b, c } = await triangle();
    expect(A.peers()).toEqual([B.peerId]); // A and C know only the bootnode: C hears A through B
    for (const [i, kind] of TOPIC_KINDS.entries()) {
      const fromA = bytes(i, 1, 2, 3);
      expect(await A.publish(kind, fromA)).toBeGreaterThanOrEqual(1);
      await until(C, `${kind} from A`, () => c.has(kind, fromA));
      expect(b.has(kind, fromA)).toBe(true);
      expect(c.seen.find((s) => s.payload === hex(fromA))?.from).toBe(B.peerId);

      const fromC = bytes(i, 4, 5, 6);
      await C.publish(kind, fromC);
      await until(A, `${kind} from C`, () => a.has(kind, fromC));
    }
    // Proposals and blocks at their size limits (3 MiB + 4 KiB, 3.5 MiB) still fit gossipsub's
    // 4 MiB frame and are relayed.
    for (const kind of ["proposal", "block"] as const) {
      const big = randomBytes(MAX_PAYLOAD_BYTES[kind]);
      big[0] = 7;
      await A.publish(kind, big);
      await until(C, `max-size ${kind}`, () => c.has(kind, big));
    }
    // Nobody handled its own messages, and nothing arrived twice.
    expect(a.seen.some((s) => s.payload === hex(bytes(0, 1, 2, 3)))).toBe(false);
    expect(new Set(c.seen.map((s) => s.payload)).size).toBe(c.seen.length);
  });

  it("drops a republished payload as a duplicate, but delivers and relays a re-send (version 2 envelope) of it, one per payload per re-send interval", async () => {
    const { A, C, b, c } = await triangle();
    const vote = bytes(3, 9, 9, 9);
    const timesAtC = () => c.seen.filter((s) => s.kind === "vote" && s.payload === hex(vote)).length;
    await A.publish("vote", vote);
    await until(C, "the vote", () => timesAtC() === 1);
    await A.publish("vote", vote); // the same bytes: the same message id, dropped (by A's own seen cache first)
    await A.publish("vote", vote, 1);
    await until(C, "the re-send, relayed by B", () => timesAtC() === 2);
    const relayedAt = Date.now();
    await A.publish("vote", vote, 1); // the same re-send again: a duplicate like any other
    // Re-wrapped under fresh counters at once (what any peer can do to a genuine vote): B relays none
    // of them within the re-send interval, so one peer cannot make the network carry a vote again
    // and again (resend-relay.ts).
    for (let counter = 2; counter < 50; counter++) await A.publish("vote", vote, counter);
    await sleep(Math.max(0, RESEND_RELAY_INTERVAL_MS - 200 - (Date.now() - relayedAt)));
    expect(timesAtC()).toBe(2);
    expect(b.seen.filter((s) => s.kind === "vote" && s.payload === hex(vote)).length).toBe(2);
    // One interval later a re-send is relayed again (an honest validator's next one).
    await sleep(400);
    await A.publish("vote", vote, 50);
    await until(C, "the re-send one interval later", () => timesAtC() === 3);
  });

  it("does not relay rejected messages and bans their sender after three, while honest traffic flows", async () => {
    const { A, B, C, a, b, c } = await triangle();
    const H = await h.net("H", { bootnodes: [addrOf(B)] });
    await waitFor("H sees B on votes", () => H.topicPeers("vote").includes(B.peerId));

    for (let i = 1; i <= 3; i++) {
      const bad = bytes(INVALID, i);
      await H.publish("vote", bad);
      await until(B, `invalid vote ${i}`, () => b.has("vote", bad));
      const good = bytes(0x01, i);
      await A.publish("vote", good);
      await until(C, `honest vote ${i}`, () => c.has("vote", good));
    }
    await waitFor("H banned by B", () => B.isBanned(H.peerId) && !B.peers().includes(H.peerId), 5_000);
    expect(B.score(H.peerId)).toBeLessThan(-40);

    const rejected = h.logged(new RegExp(`\\[B\\] gossip message rejected peer=${H.peerId} kind=vote reason=`));
    expect(rejected).toHaveLength(3);
    expect(h.logged(new RegExp(`\\[B\\] peer banned peer=${H.peerId}`))).toHaveLength(1);
    // The invalid votes went no further than B.
    expect(a.seen.concat(c.seen).some((s) => s.payload.startsWith("ee"))).toBe(false);
    // Honest peers are untouched and traffic keeps flowing after the ban.
    expect(B.score(A.peerId)).toBeGreaterThanOrEqual(0);
    expect(B.isBanned(A.peerId) || B.isBanned(C.peerId)).toBe(false);
    const after = bytes(0x02, 0x02);
    await A.publish("tx", after);
    await until(C, "tx after ban", () => c.has("tx", after));
    // H keeps redialing B (every 500 ms) but the gater refuses it.
    await sleep(1_200);
    expect(B.peers()).not.toContain(H.peerId);
    expect(H.peers()).not.toContain(B.peerId);
  });

  it("rejects garbage and oversized envelopes before any handler, and survives malformed frames", async () => {
    const b = recorder();
    const a = recorder();
    const B = await h.net("B", { handlers: b.handlers });
    const A = await h.net("A", { handlers: a.handlers, bootnodes: [addrOf(B)] });
    const R = await h.rawGossip();
    const pubsub = R.services.pubsub;
    const votes = topicName(CHAIN_ID, "vote");
    pubsub.subscribe(votes);
    await dialNet(R, B);
    await waitFor("R sees B on votes", () => pubsub.getSubscribers(votes).some((p) => p.toString() === B.peerId));

    const garbage = [
      randomBytes(200), // no envelope at all (first byte forced below)
      new Uint8Array([1, 3, ...new Uint8Array(4097)]), // a vote envelope over the 4 KiB limit
      new Uint8Array([1, 1, 9, 9]), // a tx envelope on the votes topic
      new Uint8Array([9, 3, 9, 9]), // unknown envelope version
    ];
    garbage[0]![0] = 0x55;
    for (const data of garbage) await pubsub.publish(votes, data);
    await waitFor("R banned by B", () => B.isBanned(R.peerId.toString()), 5_000);
    expect(b.seen).toHaveLength(0); // no handler ever saw them
    const reasons = h.logged(new RegExp(`\\[B\\] gossip message rejected peer=${R.peerId.toString()}`)).join("\n");
    expect(reasons).toMatch(/unknown envelope version 85/);
    expect(reasons).toMatch(/oversized vote envelope/);
    expect(reasons).toMatch(/envelope kind 1 on the vote topic/);

    // Raw frames on the gossipsub protocol: a length prefix claiming 100 MB, then junk.
    const X = await h.raw();
    await dialNet(X, B);
    const target = multiaddr(addrOf(B));
    const stream = await X.dialProtocol(target, "/meshsub/1.2.0");
    stream.send(new Uint8Array([0x80, 0xc2, 0xd7, 0x2f, ...randomBytes(64)])); // varint 100_000_000
    const junk = await X.dialProtocol(target, "/meshsub/1.2.0");
    junk.send(randomBytes(512));
    // An unknown protocol is refused, not fatal.
    await expect(X.dialProtocol(target, `/verity/${CHAIN_ID}/nope/1`)).rejects.toThrow();

    const still = bytes(0x03, 0x03);
    await A.publish("vote", still);
    await until(B, "vote after hostile input", () => b.has("vote", still));
    expect(B.peers()).toContain(A.peerId);
  });
});
