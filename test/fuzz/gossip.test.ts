// The gossip validator under fuzzed traffic: a real node (the dev chain's four validators in one
// process, libp2p on 127.0.0.1) and raw libp2p peers of the same stack (tcp, noise, yamux, gossipsub)
// that publish fuzzed messages on every topic: random envelopes, real encodings mutated (votes and
// proposals for the height being agreed, signed transactions, committed blocks with certificates),
// and structured consensus messages with forged fields. Each burst comes from a fresh identity, since
// the first invalid message gets a peer banned. The node must never let a handler throw, must reject
// (and ban the sender of) what is invalid, and must keep committing blocks and serving RPC.
import fc from "fast-check";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub, type GossipSub } from "@libp2p/gossipsub";
import { identify, type Identify } from "@libp2p/identify";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p, type Libp2p } from "libp2p";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { decodeCommitCertificate } from "../../src/consensus/certificate.js";
import { encodeProposal, encodeVote } from "../../src/consensus/codec.js";
import { encodeEvidence } from "../../src/consensus/evidence.js";
import { encodeProposerCredential } from "../../src/consensus/proposer-credential.js";
import type { Vote } from "../../src/consensus/messages.js";
import { encodeBlockAnnouncement } from "../../src/node/network.js";
import { VerityNode } from "../../src/node/node.js";
import { encodeEnvelope } from "../../src/p2p/envelope.js";
import { KIND_CODE, TOPIC_KINDS, topicName, type TopicKind } from "../../src/p2p/topics.js";
import { encodeTxBatch } from "../../src/p2p/tx-batch.js";
import { createLogger } from "../../src/util/logger.js";
import { transfer1559 } from "../helpers/txs.js";
import { waitFor } from "../helpers/p2p.js";
import { RpcClient } from "../helpers/rpc-node.js";
import { decoderInput, mutatedBytes } from "./bytes-arbitraries.js";
import { FuzzTally, fuzzRuns, FUZZ_SEED } from "./budget.js";

type Host = Libp2p<{ identify: Identify; pubsub: GossipSub }>;

/** Identities (bursts) in CI, and messages per burst: 6 x 30 = 180 messages. */
const CI_BURSTS = 6;
const BURST = 30;
const CHAIN_ID = 31337n;

let node: VerityNode;
let datadir: string;
let nodeAddr: string;
const lines: string[] = [];
const hosts: Host[] = [];
const tally = new FuzzTally("gossip messages");

beforeAll(async () => {
  datadir = mkdtempSync(join(tmpdir(), "verity-fuzz-gossip-"));
  const genesis = devGenesis();
  node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    p2p: { host: "127.0.0.1", port: 0, bootnodes: [], maxPeers: 64 },
    metrics: { host: "127.0.0.1", port: 0 },
    blockTimeMs: 250,
    devAccounts: [],
    validators: genesis.validators.map((_, i) => devValidatorKeys(i)),
    logger: createLogger({ level: "info", write: (line) => lines.push(line) }),
  });
  const listening = lines.find((l) => l.includes("p2p listening"));
  const addr = /addrs=(\S+)/.exec(listening ?? "")?.[1]?.split(",")[0];
  const peerId = /peerId=(\S+)/.exec(listening ?? "")?.[1];
  if (addr === undefined || peerId === undefined) throw new Error(`no p2p address in the log: ${listening}`);
  nodeAddr = addr.includes("/p2p/") ? addr : `${addr}/p2p/${peerId}`;
  await waitFor("a few committed blocks", () => node.chain.head.header.number >= 3n, 30_000);
}, 60_000);

afterAll(async () => {
  tally.print();
  await Promise.allSettled(hosts.map((h) => h.stop()));
  await node?.stop();
  if (datadir) rmSync(datadir, { recursive: true, force: true });
});

async function attacker(subscribe = true): Promise<Host> {
  const host: Host = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ globalSignaturePolicy: "StrictNoSign", allowPublishToZeroTopicPeers: true }) },
  });
  hosts.push(host);
  if (subscribe) for (const k of TOPIC_KINDS) host.services.pubsub.subscribe(topicName(CHAIN_ID, k));
  const conn = await host.dial(multiaddr(nodeAddr));
  await waitFor("the node's subscriptions", () => TOPIC_KINDS.every((k) => host.services.pubsub.getSubscribers(topicName(CHAIN_ID, k)).some((p) => p.equals(conn.remotePeer))), 10_000);
  return host;
}

/** Real encodings of the running chain, for the mutations and forgeries. */
async function chainSamples() {
  const chain = node.chain;
  const head = chain.head.header.number;
  const hash = (await chain.getCanonicalHash(head))!;
  const block = (await chain.store.getBlockBytes(hash))!;
  const certificate = (await chain.getCertificate(hash))!;
  const cert = decodeCommitCertificate(certificate);
  if (!cert.ok) throw new Error(cert.error);
  const [a, b] = deriveDevAccounts(2);
  const tx = transfer1559(a!.privateKey, { nonce: 10_000n, to: b!.address }).serialize();
  return { head: Number(head), block, certificate, precommits: cert.value.precommits, valueHash: cert.value.valueHash, tx };
}

/** One fuzzed gossip message: its topic and envelope bytes. */
function message(s: Awaited<ReturnType<typeof chainSamples>>): fc.Arbitrary<{ kind: TopicKind; data: Uint8Array }> {
  const next = s.head + 1;
  const voter = fc.oneof(fc.constantFrom(...s.precommits.map((p) => p.voter)), fc.uint8Array({ minLength: 20, maxLength: 20 }));
  const height = fc.oneof(fc.constant(next), fc.constant(next + 1), fc.constant(s.head), fc.integer({ min: 0, max: 2 ** 40 }));
  const vote = fc
    .record({ step: fc.constantFrom("prevote" as const, "precommit" as const), height, round: fc.integer({ min: 0, max: 3 }), nil: fc.boolean(), voter, signature: fc.uint8Array({ minLength: 64, maxLength: 64 }) })
    .map((v): Vote => ({ kind: "vote", step: v.step, height: v.height, round: v.round, valueHash: v.nil ? null : s.valueHash, voter: v.voter, vrfProof: new Uint8Array(0), signature: v.signature }))
    .map(encodeVote);
  const proposal = fc
    .record({ height, round: fc.integer({ min: 0, max: 3 }), proposer: voter, signature: fc.uint8Array({ minLength: 64, maxLength: 64 }), value: fc.oneof(fc.constant(s.block), mutatedBytes([s.block])) })
    .map((p) => encodeProposal({ kind: "proposal", height: p.height, round: p.round, validRound: -1, proposer: p.proposer, valueHash: s.valueHash, value: p.value, vrfProof: new Uint8Array(80), signature: p.signature }));
  const realPrecommit: Vote = { kind: "vote", step: "precommit", height: s.head, round: 0, valueHash: s.valueHash, ...s.precommits[0]! };
  const realVote = encodeVote(realPrecommit);
  const payloads: Record<TopicKind, fc.Arbitrary<Uint8Array>> = {
    tx: fc.oneof(decoderInput([encodeTxBatch([s.tx])]), mutatedBytes([s.tx]).map((raw) => encodeTxBatch([raw]))),
    vote: fc.oneof(vote, decoderInput([realVote])),
    proposal: fc.oneof(proposal, decoderInput([encodeProposal({ kind: "proposal", height: next, round: 0, validRound: -1, proposer: s.precommits[0]!.voter, valueHash: s.valueHash, value: s.block, vrfProof: new Uint8Array(80), signature: new Uint8Array(64) })])),
    block: fc.oneof(decoderInput([encodeBlockAnnouncement(s.block, s.certificate)]), mutatedBytes([s.certificate]).map((c) => encodeBlockAnnouncement(s.block, c))),
    // Evidence from a real precommit and a forged conflicting one (bad signature), mutated.
    evidence: decoderInput([encodeEvidence({ kind: "conflicting-votes", first: realPrecommit, second: { ...realPrecommit, valueHash: null } })]),
    // A credential of the height being agreed with a forged VRF proof, mutated.
    credential: decoderInput([encodeProposerCredential({ height: next, round: 0, proposer: s.precommits[0]!.voter, vrfProof: new Uint8Array(80).fill(3) })]),
  };
  return fc.constantFrom(...TOPIC_KINDS).chain((kind) =>
    fc.oneof(
      { weight: 6, arbitrary: payloads[kind].filter((p) => p.length > 0).map((p) => ({ kind, data: encodeEnvelope(kind, p) })) },
      // Envelopes with a wrong version or kind byte, or nothing after the header (versions 1 and 2 are valid).
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 })).map(([v, k, p]) => ({ kind, data: Uint8Array.of(v, k === KIND_CODE[kind] && (v === 1 || v === 2) ? 0 : k, ...p) })) },
    ),
  );
}

/** Verdicts the node counted, from its /metrics. */
async function verdicts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${node.metricsUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^verity_p2p_gossip_received_total\{topic="(\w+)",verdict="(\w+)"\} (\d+)/gm)) out[`${m[1]}/${m[2]}`] = Number(m[3]);
  return out;
}

describe("gossip validation under fuzzed messages", () => {
  it("rejects and bans, never throws, and the node keeps committing", async () => {
    const samples = await chainSamples();
    const bursts = Math.max(1, Math.ceil(fuzzRuns(CI_BURSTS * BURST) / BURST));
    const all = fc.sample(fc.array(message(samples), { minLength: BURST, maxLength: BURST }), { seed: FUZZ_SEED, numRuns: bursts });
    const ids: string[] = [];
    for (const burst of all) {
      const host = await attacker();
      ids.push(host.peerId.toString());
      for (const m of burst) {
        tally.add(m.kind);
        await host.services.pubsub.publish(topicName(CHAIN_ID, m.kind), m.data).catch(() => undefined);
      }
      // Each identity that sent something invalid is banned (the ban check runs on the next heartbeats).
      const id = host.peerId.toString();
      await waitFor(`the node to ban ${id}`, () => lines.some((l) => l.includes("peer banned") && l.includes(id)), 20_000);
      await host.stop();
    }
    const counted = await verdicts();
    const received = Object.values(counted).reduce((a, b) => a + b, 0);
    console.info(`gossip fuzz: ${all.length * BURST} published by ${all.length} identities; the node counted ${received} (by topic/verdict: ${JSON.stringify(counted)})`);
    expect(received).toBeGreaterThan(0);
    expect(Object.entries(counted).filter(([k]) => k.endsWith("/reject")).reduce((a, [, n]) => a + n, 0)).toBeGreaterThan(0);
    // No handler threw, no validation escaped, nothing crashed.
    expect(lines.filter((l) => /gossip handler threw|gossip validation failed|ERROR/.test(l))).toEqual([]);
    // The node still agrees and serves.
    const before = node.chain.head.header.number;
    await waitFor("two more committed blocks", () => node.chain.head.header.number >= before + 2n, 30_000);
    expect(BigInt(await new RpcClient(node.rpcUrl).call<string>("eth_blockNumber"))).toBeGreaterThanOrEqual(before + 2n);
  }, 240_000);

  // The decision on replays (see "Replayed gossip" in docs/architecture.md): a peer that replays old,
  // genuine messages is not penalised. Within gossipsub's seen-cache window a replay is dropped as a
  // duplicate by its content-addressed id; after it, the validator answers "ignore" (old height, known
  // block, nonce already used), which costs no signature check and charges nobody, because an honest
  // peer relays the same bytes after a partition heals or its own cache expires.
  it("a peer replaying genuine old messages is ignored, not penalised", async () => {
    const s = await chainSamples();
    const before = await verdicts();
    // Not subscribed: it has seen none of the chain's messages, so its gossipsub lets it publish them.
    const host = await attacker(false);
    const id = host.peerId.toString();
    // Genuine traffic of the chain: precommits with their real signatures, the committed block with its
    // certificate, and a transaction that was already mined.
    const oldVote = encodeVote({ kind: "vote", step: "precommit", height: s.head, round: 0, valueHash: s.valueHash, ...s.precommits[0]! });
    const [a, b] = deriveDevAccounts(2);
    const rpc = new RpcClient(node.rpcUrl);
    const mined = transfer1559(a!.privateKey, { nonce: BigInt(await rpc.call<string>("eth_getTransactionCount", [`0x${Buffer.from(a!.address).toString("hex")}`, "latest"])), to: b!.address }).serialize();
    await rpc.receipt(await rpc.call<string>("eth_sendRawTransaction", [`0x${Buffer.from(mined).toString("hex")}`]));
    await waitFor("a later height", () => node.chain.head.header.number > BigInt(s.head) + 1n, 30_000);
    // Byte-identical replays (the node's seen-cache may still drop them as duplicates), and the mined
    // transaction again in a batch of its own bytes, which gets past the cache to the validator.
    const replays: Array<[TopicKind, Uint8Array]> = [
      ["vote", encodeEnvelope("vote", oldVote)],
      ["block", encodeEnvelope("block", encodeBlockAnnouncement(s.block, s.certificate))],
      ["tx", encodeEnvelope("tx", encodeTxBatch([mined]))],
      ["tx", encodeEnvelope("tx", encodeTxBatch([mined, mined]))],
    ];
    for (const [kind, data] of replays) {
      tally.add(`replayed ${kind}`);
      await host.services.pubsub.publish(topicName(CHAIN_ID, kind), data);
    }
    await waitFor("the re-batched transaction to be judged", async () => ((await verdicts())["tx/ignore"] ?? 0) > (before["tx/ignore"] ?? 0), 15_000);
    const after = await verdicts();
    for (const k of ["vote", "block", "tx"]) expect(after[`${k}/reject`] ?? 0, `${k} rejects`).toBe(before[`${k}/reject`] ?? 0);
    // Two heartbeats later it is still connected, neither penalised nor banned.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(lines.filter((l) => l.includes(id) && /peer banned|peer penalized|gossip message rejected/.test(l))).toEqual([]);
    expect(host.getConnections().length).toBeGreaterThan(0);
    await host.stop();
  }, 90_000);
});
