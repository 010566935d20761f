// Issue 4, "bad input": raw libp2p peers, built from the same stack as the node (tcp, noise, yamux,
// identify, gossipsub 17) but with no validation of their own, attack a running 4-validator
// localnet. Each attack uses a fresh identity against one validator:
//   malformed envelopes and payloads on every topic; oversized messages on every topic; forged
//   proposals and votes (bad signatures, current and next height); a correctly signed vote from a
//   key that is no validator; block announcements that do not decode or whose certificate is forged;
//   garbage on the sync protocol, unknown protocols; and byte-identical replays of real traffic.
// The validators must keep running and committing and agree on the chain; every attacker that sent
// provably invalid data is banned by its target (its connection closes and a redial is refused);
// the replayer, whose messages are genuine, is merely deduplicated and not punished.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLibp2p, type Libp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify, type Identify } from "@libp2p/identify";
import { gossipsub, type GossipSub } from "@libp2p/gossipsub";
import type { Connection, PeerId } from "@libp2p/interface";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { decodeBlock, encodeBlock } from "../../src/primitives/encoding.js";
import { devValidatorKeys, keysFromSeed } from "../../src/chain/validator-keys.js";
import { decodeCommitCertificate, encodeCommitCertificate } from "../../src/consensus/certificate.js";
import { encodeProposal, encodeVote } from "../../src/consensus/codec.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { signVote } from "../../src/consensus/messages.js";
import { createChainCommon } from "../../src/evm/common.js";
import { statusProtocol, syncBlocksProtocol } from "../../src/p2p/sync-protocol.js";
import { KIND_CODE, MAX_PAYLOAD_BYTES, TOPIC_KINDS, topicName, type TopicKind } from "../../src/p2p/topics.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { rpcCall } from "../helpers/process.js";
import { transfer1559 } from "../helpers/txs.js";
import { Localnet, blockAt, blockNumber, sleep, waitUntil } from "../helpers/localnet.js";

type Host = Libp2p<{ identify: Identify; pubsub: GossipSub }>;

let net: Localnet;
const hosts: Host[] = [];
const names = ["validator-0", "validator-1", "validator-2", "validator-3"];

beforeAll(async () => {
  net = await Localnet.create({ validators: 4, rpcNode: false, blockTime: 0.5 });
  await net.startAll();
}, 90_000);

afterAll(async () => {
  await Promise.allSettled(hosts.map((h) => h.stop()));
  await net?.stop();
}, 60_000);

/** A hostile peer connected to one validator. `subscribe` false: it only publishes (fanout). */
class Attacker {
  private constructor(
    readonly host: Host,
    readonly target: string,
    readonly addr: Multiaddr,
    readonly targetPeer: PeerId,
  ) {}

  static async connect(target: string, o: { subscribe?: boolean } = {}): Promise<Attacker> {
    const host: Host = await createLibp2p({
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), pubsub: gossipsub({ globalSignaturePolicy: "StrictNoSign", allowPublishToZeroTopicPeers: true }) },
    });
    hosts.push(host);
    if (o.subscribe !== false) for (const k of TOPIC_KINDS) host.services.pubsub.subscribe(topic(k));
    const addr = multiaddr(`/ip4/127.0.0.1/tcp/${net.node(target).p2pPort}`);
    const conn: Connection = await host.dial(addr);
    const a = new Attacker(host, target, addr, conn.remotePeer);
    await waitUntil(`${target}'s subscriptions`, () => TOPIC_KINDS.every((k) => host.services.pubsub.getSubscribers(topic(k)).some((p) => p.equals(conn.remotePeer))), 10_000, 50);
    return a;
  }

  get id(): string {
    return this.host.peerId.toString();
  }

  async publish(kind: TopicKind, envelope: Uint8Array): Promise<void> {
    await this.host.services.pubsub.publish(topic(kind), envelope);
  }

  /** The target's log lines about this attacker. */
  lines(pattern: RegExp): string[] {
    return net.grep(pattern, this.target).filter((l) => l.includes(`peer=${this.id}`));
  }

  /** Waits until the target bans this attacker, then checks the connection is gone and stays refused. */
  async expectBanned(timeoutMs = 20_000): Promise<void> {
    // A timeout says what the target did see from this attacker (a full-suite run once timed out
    // here with nothing else to go on).
    await waitUntil(`${this.target} to ban ${this.id}`, () => this.lines(/peer banned/).length > 0, timeoutMs).catch((e: Error) => {
      const seen = this.lines(/./);
      throw new Error(`${e.message}; the target logged ${seen.length} lines about the attacker: ${seen.join(" | ").slice(-3000)}`);
    });
    await waitUntil("the banned connection to close", () => this.host.getConnections(this.targetPeer).length === 0, 10_000, 50);
    // A redial is refused: it fails, or the target drops it at once.
    const redial = await this.host.dial(this.addr).then(
      () => true,
      () => false,
    );
    if (redial) await waitUntil("the redialed connection to be dropped", () => this.host.getConnections(this.targetPeer).length === 0, 5_000, 50);
    expect(net.proc(this.target).child.exitCode).toBeNull();
  }
}

function topic(kind: TopicKind): string {
  return topicName(net.layout.chainId, kind);
}

/** The gossip envelope (version 1, the topic's kind) around any payload, limits ignored. */
function envelope(kind: TopicKind, payload: Uint8Array, version = 1, code = KIND_CODE[kind]): Uint8Array {
  return new Uint8Array([version, code, ...payload]);
}

async function nextHeight(name: string): Promise<number> {
  return Number(await blockNumber(net.url(name))) + 1;
}

const crypto = createEd25519EcvrfCrypto();
/** Traffic recorded by a subscribed observer, to replay later. */
const recorded: Array<{ kind: TopicKind; data: Uint8Array }> = [];

describe("hostile peers against a 4-validator localnet", () => {
  it("keeps committing while attackers send invalid data; every attacker is banned by its target", async () => {
    await waitUntil("height 2 everywhere", async () => (await Promise.all(names.map((n) => blockNumber(net.url(n))))).every((h) => h >= 2n), 60_000);
    const startHeight = await blockNumber(net.url("validator-0"));

    // An observer records genuine traffic on every topic (replayed at the end). A tx makes the tx
    // topic carry something.
    const observer = await Attacker.connect("validator-3");
    observer.host.services.pubsub.addEventListener("message", (evt) => {
      const kind = TOPIC_KINDS.find((k) => topic(k) === evt.detail.topic);
      if (kind && recorded.filter((r) => r.kind === kind).length < 5) recorded.push({ kind, data: evt.detail.data });
    });
    const [sender] = deriveDevAccounts(1);
    await rpcCall(net.url("validator-0"), "eth_sendRawTransaction", [bytesToHex(transfer1559(sender!.privateKey, { nonce: 0n, to: sender!.address }).serialize())]);

    // 1. Malformed: wrong version, wrong kind, empty payload, and undecodable payloads on every topic.
    const malformed = await Attacker.connect("validator-0");
    for (const kind of TOPIC_KINDS) {
      await malformed.publish(kind, envelope(kind, randomBytes(40), 7));
      await malformed.publish(kind, envelope(kind, randomBytes(40), 1, KIND_CODE[kind] === 4 ? 1 : 4));
      await malformed.publish(kind, envelope(kind, new Uint8Array(0)));
      await malformed.publish(kind, envelope(kind, new Uint8Array([0xee, ...randomBytes(60)])));
    }
    await malformed.expectBanned();
    const malformedReasons = malformed.lines(/gossip message rejected/).join("\n");
    expect(malformedReasons).toMatch(/unknown envelope version 7/);
    expect(malformedReasons).toMatch(/empty payload/);
    expect(malformedReasons).toMatch(/on the \w+ topic/);
    for (const kind of TOPIC_KINDS) expect(malformedReasons, kind).toMatch(new RegExp(`kind=${kind} `));
    // Valid envelopes with garbage inside reach the node's own decoders, which reject them too.
    expect(malformedReasons).toMatch(/undecodable|malformed block announcement|invalid transaction/);

    // 2. Oversized: one byte over each topic's payload limit. One reject on a topic costs 10 points
    // and two cost 40 (the penalty grows with the square); the ban line is -40, checked on every
    // gossipsub heartbeat. Each of two attackers sends three kinds once (-30, above the line), waits
    // until the target judged all three, then crosses the line with a second copy of one of them:
    // every kind is judged before a ban can cut the stream (with all six from one attacker, a
    // heartbeat between the fourth and the fifth banned it first, seen once in CI).
    // (Pushing 3 MiB through noise takes seconds on a loaded host.)
    const oversizedKinds = [
      ["proposal", "block", "tx"],
      ["vote", "evidence", "credential"],
    ] as const;
    const oversizedAttackers: Attacker[] = [];
    for (const [i, kinds] of oversizedKinds.entries()) {
      const oversized = await Attacker.connect(`validator-${1 + i * 2}`);
      oversizedAttackers.push(oversized);
      const judged = (kind: TopicKind) => oversized.lines(new RegExp(`oversized ${kind} envelope`)).length;
      for (const kind of kinds) await oversized.publish(kind, envelope(kind, randomBytes(MAX_PAYLOAD_BYTES[kind] + 1)));
      // (A timeout here is not the failure: the per-kind check below is, naming what was judged.)
      await waitUntil(`${kinds.join(", ")} judged`, () => kinds.every((k) => judged(k) > 0), 45_000, 50).catch(() => undefined);
      for (const kind of kinds) expect(judged(kind), `${kind}; the target's lines about the attacker: ${oversized.lines(/./).join(" | ").slice(0, 2000)}`).toBeGreaterThan(0);
      const again = kinds[kinds.length - 1]!;
      await oversized.publish(again, envelope(again, randomBytes(MAX_PAYLOAD_BYTES[again] + 1)));
      await oversized.expectBanned(45_000);
    }
    // Every topic got its oversized envelope (a new topic kind must join one of the groups).
    expect(oversizedKinds.flat().sort()).toEqual([...TOPIC_KINDS].sort());

    // 3. Forged consensus messages in validator 0's name (random signatures), for the height being
    // agreed and the next one, and a properly signed vote by a key that is no validator. A peer's
    // messages are judged in order and a ban cuts only what follows the reject that crossed the line
    // (-40, checked on heartbeats): so the vote topic's attacker sends its one-off check first and
    // crosses with the third reject (-90), and the proposals, whose two rejects cost at most -40, come
    // from an attacker of their own (all on one peer, a ban after the votes cut off the outsider's
    // vote once).
    const forger = await Attacker.connect("validator-2");
    const impersonated = devValidatorKeys(0).address;
    const outsider = keysFromSeed(randomBytes(32));
    const outsiderVote = signVote(crypto, net.layout.chainId, { address: outsider.address, signingSecret: outsider.signingSecretKey, vrfSecret: outsider.vrfSecretKey }, {
      step: "precommit",
      height: await nextHeight("validator-2"),
      round: 0,
      valueHash: randomBytes(32),
      vrfProof: randomBytes(80),
    });
    await forger.publish("vote", envelope("vote", encodeVote(outsiderVote)));
    // The next height's (signature-checked whenever it arrives) first and last: a block committed
    // between reading the height and a current one's arrival makes that one stale (ignored unjudged).
    for (const ahead of [1, 0, 0, 1]) {
      const height = (await nextHeight("validator-2")) + ahead;
      const vote = { kind: "vote", step: "prevote", height, round: 0, valueHash: randomBytes(32), voter: impersonated, vrfProof: randomBytes(80), signature: randomBytes(64) } as const;
      await forger.publish("vote", envelope("vote", encodeVote(vote)));
    }
    await forger.expectBanned();
    // Both the height being agreed (full verification) and the next one (signature only: its seed
    // is not known yet) are checked.
    expect(forger.lines(/gossip message rejected.*kind=vote reason=bad-signature/).length).toBeGreaterThanOrEqual(2);
    expect(forger.lines(/gossip message rejected.*kind=vote reason=unknown-validator/)).toHaveLength(1);
    // For the height being agreed and the next: either way at least one is judged by its signature.
    const proposalForger = await Attacker.connect("validator-2");
    const proposalHeight = await nextHeight("validator-2");
    for (const height of [proposalHeight, proposalHeight + 1]) {
      const proposal = {
        kind: "proposal",
        height,
        round: 0,
        validRound: -1,
        proposer: impersonated,
        valueHash: randomBytes(32),
        value: randomBytes(500),
        vrfProof: randomBytes(80),
        signature: randomBytes(64),
      } as const;
      await proposalForger.publish("proposal", envelope("proposal", encodeProposal(proposal)));
    }
    const forgedProposalLines = () => proposalForger.lines(/gossip message rejected.*kind=proposal reason=bad-signature/).length;
    await waitUntil("a forged proposal judged", () => forgedProposalLines() >= 1, 20_000, 50).catch(() => undefined);
    const forgedProposals = forgedProposalLines();
    expect(forgedProposals).toBeGreaterThanOrEqual(1);
    expect(forgedProposals).toBeLessThanOrEqual(2);

    // 4. Invalid block announcements: one that does not decode, and the next block with a forged
    // certificate (built from the head: only the next height reaches certificate verification, so
    // it is retried until one lands before the real next block).
    const announcer = await Attacker.connect("validator-3");
    await announcer.publish("block", envelope("block", RLP.encode([randomBytes(300), randomBytes(100)])));
    const common = createChainCommon(net.layout.chainId);
    for (let attempt = 0; attempt < 10 && announcer.lines(/reason="the certificate does not verify/).length === 0; attempt++) {
      if (announcer.host.getConnections(announcer.targetPeer).length === 0) break; // banned already
      const raw = await rpcCall<string>(net.url("validator-3"), "debug_getRawBlock", ["latest"]);
      const head = decodeBlock(hexToBytes(raw as `0x${string}`), common);
      const forged = decodeBlock(encodeBlock({ ...head, header: { ...head.header, number: head.header.number + 1n } }), common);
      const carried = decodeCommitCertificate(head.lastCommit);
      const precommits = carried.ok ? carried.value.precommits : [];
      // The round differs per attempt: a head that did not move would otherwise give the same bytes (a gossip duplicate).
      const cert = encodeCommitCertificate({ height: Number(forged.header.number), round: attempt, valueHash: forged.hash, precommits });
      await announcer.publish("block", envelope("block", RLP.encode([encodeBlock(forged), cert])));
      await sleep(150);
    }
    await announcer.publish("block", envelope("block", RLP.encode([new Uint8Array([0xc0]), randomBytes(64)])));
    await announcer.expectBanned();
    const announcerReasons = announcer.lines(/gossip message rejected.*kind=block/).join("\n");
    expect(announcerReasons).toMatch(/invalid RLP/);
    expect(announcerReasons).toMatch(/the certificate does not verify: bad-signature/);

    // 5. Unknown protocols and garbage on the sync and status protocols.
    const syncer = await Attacker.connect("validator-0");
    await expect(syncer.host.dialProtocol(syncer.targetPeer, `/verity/${net.layout.chainId}/unknown/1`)).rejects.toThrow();
    await expect(syncer.host.dialProtocol(syncer.targetPeer, "/some/other/protocol/1.0.0")).rejects.toThrow();
    const status = await syncer.host.dialProtocol(syncer.targetPeer, statusProtocol(net.layout.chainId));
    status.send(randomBytes(100));
    await status.close().catch(() => undefined);
    for (const junk of [new Uint8Array([1, 2, 3]), new Uint8Array(10), randomBytes(11), new Uint8Array(5)]) {
      if (syncer.host.getConnections(syncer.targetPeer).length === 0) break; // banned already
      const s = await syncer.host.dialProtocol(syncer.targetPeer, syncBlocksProtocol(net.layout.chainId)).catch(() => null);
      if (!s) break;
      s.send(junk);
      await s.close().catch(() => undefined);
      await sleep(100);
    }
    await syncer.expectBanned();
    expect(syncer.lines(/peer penalized.*reason="sync request/).length).toBeGreaterThanOrEqual(2);

    // 6. Replays: the recorded genuine messages, byte for byte, from a fresh unsubscribed peer once
    // the chain has moved on. They are duplicates (dropped by gossipsub's seen cache) or stale; the
    // replayer is not punished for relaying genuine data.
    await waitUntil("recorded traffic on the consensus topics", () => ["vote", "proposal", "block"].every((k) => recorded.some((r) => r.kind === k)), 20_000);
    const replayer = await Attacker.connect("validator-1", { subscribe: false });
    for (const r of recorded) await replayer.publish(r.kind, r.data);
    await sleep(2_500);
    expect(replayer.lines(/gossip message rejected|peer banned|peer penalized/)).toEqual([]);
    expect(replayer.host.getConnections(replayer.targetPeer).length).toBeGreaterThan(0);

    // The validators kept committing, agree on the chain, and banned nobody but the attackers.
    await waitUntil("5 more blocks everywhere", async () => (await Promise.all(names.map((n) => blockNumber(net.url(n))))).every((h) => h >= startHeight + 5n), 60_000);
    for (const n of names) expect(net.proc(n).child.exitCode, n).toBeNull();
    const heights = await Promise.all(names.map((n) => blockNumber(net.url(n))));
    const at = heights.reduce((m, h) => (h < m ? h : m));
    const blocks = await Promise.all(names.map((n) => blockAt(net.url(n), at)));
    expect(new Set(blocks.map((b) => `${b?.hash}/${b?.stateRoot}`)).size).toBe(1);
    const attackers = new Set([malformed, ...oversizedAttackers, forger, proposalForger, announcer, syncer].map((a) => a.id));
    const bans = net.grep(/peer banned/);
    expect(bans.length).toBeGreaterThanOrEqual(6);
    for (const line of bans) expect([...attackers].some((id) => line.includes(`peer=${id}`)), line).toBe(true);
    expect(net.grep(/ ERROR: /)).toEqual([]);
  }, 180_000);
});
