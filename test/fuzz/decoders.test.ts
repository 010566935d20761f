// Every decoder at the network edge, fuzzed with random bytes and with mutations of real encodings
// taken from a running dev chain (its blocks, headers, transactions of each type, commit certificates
// with real ed25519 signatures, precommits, the validator's signing record): none may throw anything
// but its own typed error, and the ones documented never to throw return their failure value.
import fc from "fast-check";
import { EthereumJSError, RLP } from "@ethereumjs/rlp";
import { bytesToHex } from "@ethereumjs/util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { decodeCommitCertificate } from "../../src/consensus/certificate.js";
import { decodeMessage, encodeProposal, encodeVote } from "../../src/consensus/codec.js";
import { decodeEvidence, encodeEvidence } from "../../src/consensus/evidence.js";
import { decodeProposerCredential, encodeProposerCredential } from "../../src/consensus/proposer-credential.js";
import type { Vote } from "../../src/consensus/messages.js";
import { decodePersistedState } from "../../src/consensus/signing-record.js";
import { createChainCommon } from "../../src/evm/common.js";
import { decodeBlockAnnouncement, encodeBlockAnnouncement } from "../../src/node/network.js";
import { decodeEnvelope, encodeEnvelope } from "../../src/p2p/envelope.js";
import { ProtocolViolation } from "../../src/p2p/stream-io.js";
import { decodeBlocksRequest, decodeStatus, encodeBlocksRequest, encodeStatus } from "../../src/p2p/sync-codec.js";
import { TOPIC_KINDS } from "../../src/p2p/topics.js";
import { decodeTxBatch, encodeTxBatch } from "../../src/p2p/tx-batch.js";
import { ChainDecodeError, decodeBlock, decodeHeader, decodeStoredReceipts, decodeTransaction, encodeHeader } from "../../src/primitives/encoding.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { startTestNode, type TestNode } from "../helpers/node.js";
import { RpcClient } from "../helpers/rpc-node.js";
import { transfer1559, transfer2930, transferLegacy } from "../helpers/txs.js";
import { decoderInput } from "./bytes-arbitraries.js";
import { FuzzTally, fuzzParams } from "./budget.js";

/** Inputs per decoder in CI (pure functions: 18 properties x 1,000 take a few seconds). */
const CI_RUNS = 1_000;

let t: TestNode;
const samples = {
  tx: [] as Uint8Array[],
  block: [] as Uint8Array[],
  header: [] as Uint8Array[],
  receipts: [] as Uint8Array[],
  certificate: [] as Uint8Array[],
  vote: [] as Uint8Array[],
  proposal: [] as Uint8Array[],
  evidence: [] as Uint8Array[],
  credential: [] as Uint8Array[],
  signingRecord: [] as Uint8Array[],
};
const tally = new FuzzTally("decoders");
const common = createChainCommon(31337n);

beforeAll(async () => {
  t = await startTestNode();
  const rpc = new RpcClient(t.url);
  const [a, b] = deriveDevAccounts(2);
  const txs = [transferLegacy(a!.privateKey, { nonce: 0n, to: b!.address }), transfer2930(a!.privateKey, { nonce: 1n, to: b!.address }), transfer1559(a!.privateKey, { nonce: 2n, to: b!.address, data: Uint8Array.of(1, 2, 3), gasLimit: 30_000n })];
  for (const tx of txs) {
    samples.tx.push(tx.serialize());
    await rpc.receipt(await rpc.call<string>("eth_sendRawTransaction", [bytesToHex(tx.serialize())]));
  }
  const { chain } = t.node;
  for (let n = 1n; n <= chain.head.header.number; n++) {
    const hash = (await chain.getCanonicalHash(n))!;
    const block = (await chain.store.getBlockBytes(hash))!;
    const cert = (await chain.getCertificate(hash))!;
    samples.block.push(block);
    samples.header.push(encodeHeader(decodeBlock(block, common).header));
    samples.receipts.push((await chain.store.getReceiptsBytes(hash))!);
    samples.certificate.push(cert);
    const c = decodeCommitCertificate(cert);
    if (!c.ok) throw new Error(c.error);
    // The certificate's precommits as the votes that were gossiped (real signatures).
    const votes: Vote[] = c.value.precommits.map((p) => ({ kind: "vote", step: "precommit", height: c.value.height, round: c.value.round, valueHash: c.value.valueHash, ...p }));
    samples.vote.push(...votes.map(encodeVote), encodeVote({ ...votes[0]!, step: "prevote", valueHash: null }));
    const p0 = c.value.precommits[0]!;
    const proposal = { kind: "proposal" as const, height: c.value.height, round: c.value.round, validRound: -1, proposer: p0.voter, valueHash: c.value.valueHash, value: block, vrfProof: new Uint8Array(80).fill(7), signature: p0.signature };
    samples.proposal.push(encodeProposal(proposal));
    samples.credential.push(encodeProposerCredential({ height: Number(n), round: decodeBlock(block, common).header.round, proposer: decodeBlock(block, common).header.proposer, vrfProof: decodeBlock(block, common).header.proposerVrfProof }));
    if (votes.length >= 1) samples.evidence.push(encodeEvidence({ kind: "conflicting-votes", first: votes[0]!, second: { ...votes[0]!, valueHash: null } }));
  }
  const record = await chain.store.getSigningRecord(`validator-${bytesToHex(devValidatorKeys(0).address)}`);
  if (record) samples.signingRecord.push(record);
  for (const [name, list] of Object.entries(samples)) if (list.length === 0) throw new Error(`no ${name} sample from the chain`);
}, 60_000);

afterAll(async () => {
  tally.print();
  await t?.stop();
});

/** Runs `decode` on fuzzed inputs; it may only throw errors `allowed` accepts. */
function fuzz(name: string, seeds: () => Uint8Array[], decode: (bytes: Uint8Array) => unknown, allowed: (err: unknown) => boolean = () => false): void {
  it(`${name}: random and mutated input never throws ${allowedLabel(allowed)}`, () => {
    fc.assert(
      fc.property(decoderInput(seeds()), (bytes) => {
        tally.add(name);
        try {
          decode(bytes);
        } catch (err) {
          if (!allowed(err)) throw new Error(`${name} threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} on 0x${Buffer.from(bytes).toString("hex").slice(0, 200)}`, { cause: err });
        }
      }),
      fuzzParams(CI_RUNS, name),
    );
  });
}

function allowedLabel(allowed: (err: unknown) => boolean): string {
  return allowed.name === "allowed" ? "at all" : `anything but ${allowed.name}`;
}

/** An error predicate named after the class it accepts (for the test's title). */
function only(cls: abstract new (...args: never[]) => Error): (err: unknown) => boolean {
  return Object.defineProperty((err: unknown) => err instanceof cls, "name", { value: cls.name });
}
const chainDecodeError = only(ChainDecodeError);
const ethereumjsError = only(EthereumJSError);
const protocolViolation = only(ProtocolViolation);
/** A decoder returning { ok: false } or null/undefined: it must not throw at all. */
const never = Object.defineProperty(() => false, "name", { value: "allowed" });

describe("decoders at the edge", () => {
  // Chain data (primitives/encoding.ts): gossiped proposals and announcements carry blocks; eth_sendRawTransaction and the tx topic carry transactions.
  fuzz("transaction (typed and legacy RLP)", () => samples.tx, (b) => decodeTransaction(b, common), (e) => ethereumjsError(e) || chainDecodeError(e));

  it("a type-1 transaction whose access list is a byte string: ChainDecodeError, and the RPC says why (found by this fuzzer: a TypeError)", async () => {
    const fields = RLP.decode(samples.tx[1]!.subarray(1)) as Uint8Array[];
    fields[7] = Uint8Array.of(0xd7);
    const raw = new Uint8Array([1, ...RLP.encode(fields)]);
    expect(() => decodeTransaction(raw, common)).toThrow(ChainDecodeError);
    const { error } = await new RpcClient(t.url).raw("eth_sendRawTransaction", [bytesToHex(raw)]);
    expect(error?.code).toBe(-32000);
    expect(error?.message).toMatch(/^invalid transaction: malformed transaction encoding/);
  });
  fuzz("block", () => samples.block, (b) => decodeBlock(b, common), chainDecodeError);
  fuzz("header", () => samples.header, decodeHeader, chainDecodeError);
  fuzz("stored receipts", () => samples.receipts, decodeStoredReceipts, chainDecodeError);
  // Consensus (consensus/codec.ts, certificate.ts, evidence.ts, signing-record.ts): documented never to throw.
  fuzz("consensus vote", () => samples.vote, (b) => expectFailureValue(decodeMessage(b)), never);
  fuzz("consensus proposal", () => samples.proposal, (b) => expectFailureValue(decodeMessage(b)), never);
  fuzz("commit certificate", () => samples.certificate, (b) => expectFailureValue(decodeCommitCertificate(b)), never);
  fuzz("equivocation evidence", () => samples.evidence, (b) => expectFailureValue(decodeEvidence(b)), never);
  fuzz("proposer credential", () => samples.credential, (b) => expectFailureValue(decodeProposerCredential(b)), never);
  fuzz("signing record", () => samples.signingRecord, (b) => expectFailureValue(decodePersistedState(b)), never);
  // Gossip (p2p/envelope.ts, tx-batch.ts, node/network.ts).
  for (const kind of TOPIC_KINDS) {
    fuzz(`gossip envelope (${kind})`, () => [encodeEnvelope(kind, samples.vote[0]!), encodeEnvelope(kind, samples.tx[0]!), encodeEnvelope(kind, samples.vote[0]!, 7)], (b) => expectFailureValue(decodeEnvelope(kind, b)), never);
  }
  fuzz("transaction batch", () => [encodeTxBatch(samples.tx)], decodeTxBatch, never);
  fuzz("block announcement", () => samples.block.map((b, i) => encodeBlockAnnouncement(b, samples.certificate[i]!)), decodeBlockAnnouncement, never);
  // Sync (p2p/sync-codec.ts): requests never throw; a status is exactly 40 bytes or a ProtocolViolation.
  fuzz("sync blocks request", () => [encodeBlocksRequest({ fromHeight: 1n, count: 128 })], decodeBlocksRequest, never);
  fuzz("sync status", () => [encodeStatus({ headHeight: 5n, headHash: new Uint8Array(32).fill(1) })], decodeStatus, protocolViolation);

  it("the samples are what they claim (the fuzzers mutate real encodings)", () => {
    for (const b of samples.block) expect(() => decodeBlock(b, common)).not.toThrow();
    for (const v of [...samples.vote, ...samples.proposal]) expect(decodeMessage(v).ok).toBe(true);
    for (const c of samples.certificate) expect(decodeCommitCertificate(c).ok).toBe(true);
    for (const e of samples.evidence) expect(decodeEvidence(e).ok).toBe(true);
    for (const c of samples.credential) expect(decodeProposerCredential(c).ok).toBe(true);
    for (const s of samples.signingRecord) expect(decodePersistedState(s).ok).toBe(true);
    expect(decodeTxBatch(encodeTxBatch(samples.tx))).toHaveLength(3);
    expect(samples.tx.map((raw) => decodeTransaction(raw, common).type)).toEqual([0, 1, 2]);
  });
});

/** A result-returning decoder's answer is a well-formed success or failure. */
function expectFailureValue(r: { ok: true } | { ok: false; error?: string; reason?: string } | { ok: boolean }): void {
  if (typeof r !== "object" || r === null || typeof r.ok !== "boolean") throw new Error(`not a decode result: ${String(r)}`);
  if (!r.ok && !("error" in r || "reason" in r)) throw new Error("a failure without a reason");
}
