// Decisions learned by sync, junk bytes under an honest block's hash, and observers.

import { describe, expect, it } from "vitest";
import { toHex } from "../../src/consensus/bytes.js";
import { buildCommitCertificate } from "../../src/consensus/certificate.js";
import { expectedCommitteeWeight } from "../../src/consensus/committee.js";
import { ConsensusEngine } from "../../src/consensus/engine.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import { VoteSet } from "../../src/consensus/vote-set.js";
import { EngineHarness, FAST_TIMEOUTS, MessageFactory, SEED, blockHash, classicParams, makeValidators } from "../helpers/engine-fixtures.js";

const crypto = createSimulatedInsecureCrypto();
const params = classicParams();
const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
const f = new MessageFactory(crypto, params, vals);
const H = 1;
const text = (s: string) => new TextEncoder().encode(s);

function boot(secretsIndex: number | null) {
  const engine = new ConsensusEngine({ params, crypto, secrets: secretsIndex === null ? null : vals.secrets[secretsIndex]!, timeouts: FAST_TIMEOUTS });
  const harness = new EngineHarness(engine);
  harness.send({ type: "StartHeight", height: H, validatorSet: vals.set, seed: SEED, previousCommit: null });
  return { engine, harness };
}

function certificateFor(value: Uint8Array, voters: number[]) {
  const set = new VoteSet(H, 0, "precommit", expectedCommitteeWeight(params, vals.set.totalStake));
  for (const i of voters) set.add(f.vote(i, "precommit", H, 0, blockHash(value)), 1n);
  return set;
}

describe("decisions received by sync", () => {
  it("commits a block whose certificate verifies, once the block validates", () => {
    const { engine, harness } = boot(0);
    const value = text("synced block");
    const cert = buildCommitCertificate(certificateFor(value, [1, 2, 3]), blockHash(value));
    const out = harness.send({ type: "DecisionReceived", value, certificate: cert });
    expect(out.map((a) => a.type)).toEqual(["ValidateBlock", "Commit"]);
    expect(engine.status.decided).toBe(true);
  });

  it("ignores a certificate that does not verify, or belongs to another height", () => {
    const { engine, harness } = boot(0);
    const value = text("synced block");
    const good = buildCommitCertificate(certificateFor(value, [1, 2, 3]), blockHash(value));
    const short = { ...good, precommits: good.precommits.slice(0, 2) };
    expect(harness.send({ type: "DecisionReceived", value, certificate: short }).some((a) => a.type === "Commit")).toBe(false);
    expect(engine.counters.badCertificates).toBe(1);
    harness.send({ type: "DecisionReceived", value, certificate: { ...good, height: H + 1 } });
    expect(engine.counters.stale).toBe(1);
    expect(engine.status.decided).toBe(false);
  });
});

describe("junk bytes under an honest block's hash", () => {
  it("tries the other version when the first one fails validation, and can still commit the honest block", () => {
    const { engine, harness } = boot(0);
    const honest = text("honest block");
    const real = f.proposal(1, H, 0, honest);
    // Validator 2 (a byzantine proposer) claims the honest hash for junk bytes and is heard first.
    const junk = f.proposal(2, H, 0, text("junk"));
    const forged = { ...junk, valueHash: real.valueHash };
    harness.send({ type: "ProposalReceived", proposal: forged }); // bad signature: dropped outright
    expect(engine.counters.badSignature).toBe(1);
    // A correctly signed junk claim: the proposer signs the honest hash with junk value bytes.
    const signedJunk = { ...f.proposal(2, H, 0, honest), value: text("junk bytes") };
    harness.send({ type: "ProposalReceived", proposal: signedJunk });
    expect(engine.counters.invalidBlocks).toBe(1);
    harness.send({ type: "ProposalReceived", proposal: real });
    for (const i of [1, 2, 3]) harness.send({ type: "VoteReceived", vote: f.vote(i, "precommit", H, 0, real.valueHash) });
    const commit = harness.actions.find((a) => a.type === "Commit");
    expect(commit?.type === "Commit" && toHex(commit.value)).toBe(toHex(honest));
  });
});

describe("observer", () => {
  it("follows and commits without ever signing", () => {
    const { engine, harness } = boot(null);
    const value = text("block");
    harness.send({ type: "ProposalReceived", proposal: f.proposal(1, H, 0, value) });
    harness.send({ type: "TimeoutFired", height: H, round: 0, step: "propose" });
    for (const i of [1, 2, 3]) harness.send({ type: "VoteReceived", vote: f.vote(i, "prevote", H, 0, blockHash(value)) });
    for (const i of [1, 2, 3]) harness.send({ type: "VoteReceived", vote: f.vote(i, "precommit", H, 0, blockHash(value)) });
    expect(harness.actions.some((a) => a.type === "Broadcast" || a.type === "PersistSigned" || a.type === "BuildProposal")).toBe(false);
    expect(harness.actions.some((a) => a.type === "Commit")).toBe(true);
    expect(engine.exportState().lastSigned).toBeNull();
  });
});
