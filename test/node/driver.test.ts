// The consensus driver with in-memory fakes of its ports (chain head, signing records, block
// pipeline, candidates) and the real engine and consensus crypto: pacing, gossip admission, and the
// import of blocks proven final through the observer engine.
import { RLP } from "@ethereumjs/rlp";
import { afterEach, describe, expect, it } from "vitest";
import type { ProposalFields } from "../../src/chain/block-builder.js";
import type { CommitOrigin } from "../../src/chain/chain.js";
import { buildCommitCertificate, encodeCommitCertificate } from "../../src/consensus/certificate.js";
import { drawRole, expectedCommitteeWeight } from "../../src/consensus/committee.js";
import { encodeMessage } from "../../src/consensus/codec.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import type { ConsensusParams } from "../../src/consensus/types.js";
import { makeHeightContext } from "../../src/consensus/verify.js";
import { VoteSet } from "../../src/consensus/vote-set.js";
import { createChainCommon } from "../../src/evm/common.js";
import { ConsensusDriver } from "../../src/node/consensus/driver.js";
import type { BlockPipelinePort, ChainHead, SigningRecords } from "../../src/node/consensus/ports.js";
import type { ProducedBlock } from "../../src/chain/block-producer.js";
import { EMPTY_EVIDENCE_HASH, encodeBlock, hashHeader } from "../../src/primitives/encoding.js";
import { ZERO_HASH } from "../../src/primitives/hash.js";
import type { Block, BlockHeader, GenesisValidator } from "../../src/primitives/types.js";
import { silentLogger } from "../../src/util/logger.js";
import { validatorSetHash } from "../../src/consensus/validator-set-hash.js";
import { FAST_TIMEOUTS, MessageFactory, SEED, classicParams, makeValidators, type TestValidators } from "../helpers/engine-fixtures.js";

const crypto = createEd25519EcvrfCrypto();
const params: ConsensusParams = classicParams();
const common = createChainCommon(params.chainId);
const BAD = new TextEncoder().encode("bad");

function header(fields: Partial<BlockHeader> & { number: bigint }): BlockHeader {
  return {
    parentHash: ZERO_HASH,
    timestamp: 1_000n,
    proposer: new Uint8Array(20),
    stateRoot: ZERO_HASH,
    transactionsRoot: ZERO_HASH,
    receiptsRoot: ZERO_HASH,
    logsBloom: new Uint8Array(256),
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    baseFeePerGas: 1n,
    extraData: new Uint8Array(0),
    round: 0,
    proposerVrfProof: new Uint8Array(0),
    seed: SEED,
    lastCommitHash: ZERO_HASH,
    evidenceHash: EMPTY_EVIDENCE_HASH,
    nextValidatorsHash: ZERO_HASH,
    ...fields,
  };
}

function makeBlock(h: BlockHeader, lastCommit: Uint8Array = new Uint8Array(0)): Block {
  return { header: h, hash: hashHeader(h), transactions: [], lastCommit, evidence: [] };
}

/** Chain, signing records, pipeline and candidates in memory. */
class FakeNode implements ChainHead, SigningRecords, BlockPipelinePort {
  head: Block = makeBlock(header({ number: 0n }));
  readonly certificates = new Map<string, Uint8Array>();
  readonly records = new Map<string, Uint8Array>();
  readonly commits: Array<{ number: bigint; origin: CommitOrigin }> = [];
  readonly validateBounds: Array<bigint | undefined> = [];
  pending = 0;
  readonly genesis: { validators: GenesisValidator[] };

  constructor(vals: TestValidators) {
    this.genesis = { validators: vals.secrets.map((s) => vals.set.get(s.address)!) };
  }

  async getCertificate(hash: Uint8Array) {
    return this.certificates.get(Buffer.from(hash).toString("hex")) ?? null;
  }
  async getSigningRecord(id: string) {
    return this.records.get(id);
  }
  async putSigningRecord(id: string, bytes: Uint8Array) {
    this.records.set(id, bytes);
  }
  async produce(f: ProposalFields): Promise<ProducedBlock> {
    const h = header({
      number: this.head.header.number + 1n,
      parentHash: this.head.hash,
      proposer: f.proposer,
      round: f.round,
      proposerVrfProof: f.proposerVrfProof,
      seed: f.seed,
      lastCommitHash: f.lastCommitHash,
      nextValidatorsHash: f.nextValidatorsHash,
      timestamp: f.now,
    });
    return { block: makeBlock(h, f.lastCommit), receipts: [], skipped: [] };
  }
  async validate(block: Block, _now: bigint, maxFutureSeconds?: bigint): Promise<ProducedBlock> {
    this.validateBounds.push(maxFutureSeconds);
    if (Buffer.from(block.header.parentHash).compare(Buffer.from(this.head.hash)) !== 0) throw new Error("not on the head");
    if (Buffer.from(block.header.extraData).equals(Buffer.from(BAD))) throw new Error("bad block");
    return { block, receipts: [], skipped: [] };
  }
  async commit(produced: ProducedBlock, certificateBytes: Uint8Array | undefined, origin: CommitOrigin) {
    if (produced.block.header.number !== this.head.header.number + 1n) throw new Error("does not extend the head");
    this.head = produced.block;
    this.certificates.set(Buffer.from(produced.block.hash).toString("hex"), certificateBytes!);
    this.commits.push({ number: produced.block.header.number, origin });
    this.pending = 0;
  }
  readonly candidates = {
    select: () => ({ [Symbol.iterator]: () => [][Symbol.iterator]() }) as never,
    includableCount: () => this.pending,
  };
}

const drivers: ConsensusDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop();
});

function driverFor(node: FakeNode, vals: TestValidators, keys: number[], blockTimeMs: number): ConsensusDriver {
  const d = new ConsensusDriver({
    common,
    chain: node,
    store: node,
    producer: node,
    candidates: node.candidates,
    crypto,
    params,
    validators: keys.map((i) => ({ address: vals.secrets[i]!.address, signingSecretKey: vals.secrets[i]!.signingSecret, vrfSecretKey: vals.secrets[i]!.vrfSecret })),
    blockTimeMs,
    timeouts: FAST_TIMEOUTS,
    logger: silentLogger,
  });
  drivers.push(d);
  return d;
}

async function until(cond: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Block 1 proposed by validator 0 of a 4-validator set, and a certificate of 2f+1 precommits for it. */
function finalBlockOne(vals: TestValidators, parent: Block, extraData = new Uint8Array(0)) {
  const s = vals.secrets[0]!;
  const v = vals.set.get(s.address)!;
  const ctx = makeHeightContext(crypto, params, vals.set, SEED, 1);
  const proof = drawRole(ctx, s.vrfSecret, v.vrfKey, v.stake, 0, "propose").proof;
  const block = makeBlock(header({ number: 1n, parentHash: parent.hash, proposer: s.address, proposerVrfProof: proof, extraData, nextValidatorsHash: validatorSetHash(vals.set) }));
  const factory = new MessageFactory(crypto, params, vals);
  const set = new VoteSet(1, 0, "precommit", expectedCommitteeWeight(params, vals.set.totalStake));
  for (let i = 0; i < vals.secrets.length && !set.hasQuorumFor(block.hash); i++) set.add(factory.vote(i, "precommit", 1, 0, block.hash), factory.weight(i, 1, 0, "precommit"));
  const cert = buildCommitCertificate(set, block.hash);
  return { block, bytes: encodeBlock(block), cert, certBytes: encodeCommitCertificate(cert) };
}

describe("consensus driver", () => {
  it("a single validator builds, commits and starts the next height", async () => {
    const vals = makeValidators(crypto, [10n], "solo");
    const node = new FakeNode(vals);
    const d = driverFor(node, vals, [0], 1);
    await d.start();
    await until(() => node.commits.length >= 2);
    expect(node.commits.slice(0, 2)).toEqual([
      { number: 1n, origin: "consensus" },
      { number: 2n, origin: "consensus" },
    ]);
    expect(node.validateBounds.every((b) => b === undefined)).toBe(true);
    await until(() => (d.status?.height ?? 0) >= 3);
  });

  it("with blockTimeMs 0 waits for work and starts on notifyPending()", async () => {
    const vals = makeValidators(crypto, [10n], "solo");
    const node = new FakeNode(vals);
    const d = driverFor(node, vals, [0], 0);
    await d.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(node.commits).toEqual([]);
    expect(d.status?.height).toBe(0);
    node.pending = 1;
    d.notifyPending();
    await until(() => node.commits.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(node.commits).toEqual([{ number: 1n, origin: "consensus" }]);
    expect(d.status?.height).toBe(1);
  });

  describe("with four validators and no keys", () => {
    const vals = makeValidators(crypto, [10n, 10n, 10n, 10n]);

    it("rejects a current-height message from an unknown validator, ignores an older height", async () => {
      const node = new FakeNode(vals);
      const d = driverFor(node, vals, [], 0);
      await d.start();
      const stranger = new MessageFactory(crypto, params, makeValidators(crypto, [10n], "stranger"));
      expect(d.onNetworkMessage(encodeMessage(stranger.vote(0, "prevote", 1, 0, null)))).toMatchObject({ verdict: "reject" });
      const member = new MessageFactory(crypto, params, vals);
      expect(d.onNetworkMessage(encodeMessage(member.vote(1, "prevote", 1, 0, null)))).toEqual({ verdict: "accept" });
      const one = finalBlockOne(vals, node.head);
      expect(await d.applyFinalized(one.bytes, one.certBytes)).toEqual({ kind: "committed" });
      expect(d.onNetworkMessage(encodeMessage(member.vote(1, "prevote", 1, 0, null)))).toEqual({ verdict: "ignore", reason: "old height" });
      expect(d.onNetworkMessage(new Uint8Array([1, 2, 3]))).toMatchObject({ verdict: "reject" });
    });

    it("imports a final block through the observer engine: committed, then known; gap ahead", async () => {
      const node = new FakeNode(vals);
      const d = driverFor(node, vals, [], 0);
      await d.start();
      const one = finalBlockOne(vals, node.head);
      expect(await d.applyFinalized(one.bytes, one.certBytes, { startNext: false })).toEqual({ kind: "committed" });
      expect(node.commits).toEqual([{ number: 1n, origin: "import" }]);
      expect(node.certificates.get(Buffer.from(one.block.hash).toString("hex"))).toEqual(one.certBytes);
      // The finalized bound (clock skew), not the proposal bound.
      expect(node.validateBounds).toEqual([60n]);
      expect(await d.applyFinalized(one.bytes, one.certBytes)).toEqual({ kind: "known" });
      // The head is known by its header's hash alone: what follows the header is not decoded.
      const headerOnly = RLP.decode(one.bytes) as Uint8Array[];
      expect(await d.applyFinalized(RLP.encode([headerOnly[0]!, [new Uint8Array([0xff])], new Uint8Array(0)]), one.certBytes)).toEqual({ kind: "known" });
      const three = makeBlock(header({ number: 3n }));
      expect(await d.applyFinalized(encodeBlock(three), one.certBytes)).toEqual({ kind: "gap", head: 1n });
      await d.resumeAtHead();
    });

    it("a bad certificate or a block that fails validation is invalid; a good one still commits after them", async () => {
      const node = new FakeNode(vals);
      const d = driverFor(node, vals, [], 0);
      await d.start();
      const one = finalBlockOne(vals, node.head);
      const forged = { ...one.cert, precommits: one.cert.precommits.map((p, i) => (i === 0 ? { ...p, signature: new Uint8Array(64) } : p)) };
      const bad = await d.applyFinalized(one.bytes, encodeCommitCertificate(forged));
      expect(bad.kind).toBe("invalid");
      expect(bad.kind === "invalid" && bad.reason).toMatch(/certificate does not verify/);
      const short = { ...one.cert, precommits: one.cert.precommits.slice(1) };
      expect((await d.applyFinalized(one.bytes, encodeCommitCertificate(short))).kind).toBe("invalid");
      const other = finalBlockOne(vals, node.head, BAD);
      expect(await d.applyFinalized(other.bytes, one.certBytes)).toEqual({ kind: "invalid", reason: "the certificate is not for this block" });
      expect(await d.applyFinalized(other.bytes, other.certBytes)).toEqual({ kind: "invalid", reason: "bad block" });
      expect(node.commits).toEqual([]);
      expect(await d.applyFinalized(one.bytes, one.certBytes)).toEqual({ kind: "committed" });
      expect(node.head.header.number).toBe(1n);
    });
  });
});
