// The Tendermint rules of the engine, one at a time, on validator 0 of four equal validators with
// the fast simulated crypto. Other validators' messages are crafted with genuine VRF proofs.

import { describe, expect, it } from "vitest";
import { toHex } from "../../src/consensus/bytes.js";
import { verifyCommitCertificate } from "../../src/consensus/certificate.js";
import { ConsensusEngine } from "../../src/consensus/engine.js";
import { DEFAULT_ENGINE_LIMITS, type ConsensusAction } from "../../src/consensus/engine-types.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import type { ConsensusParams } from "../../src/consensus/types.js";
import { makeHeightContext, verifyProposal } from "../../src/consensus/verify.js";
import { EngineHarness, FAST_TIMEOUTS, MessageFactory, SEED, blockHash, classicParams, makeValidators } from "../helpers/engine-fixtures.js";

const crypto = createSimulatedInsecureCrypto();
const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
const H = 1;
const text = (s: string) => new TextEncoder().encode(s);

function setup(params: ConsensusParams = classicParams()) {
  const engine = new ConsensusEngine({ params, crypto, secrets: vals.secrets[0]!, timeouts: FAST_TIMEOUTS });
  const harness = new EngineHarness(engine);
  const factory = new MessageFactory(crypto, params, vals);
  harness.send({ type: "StartHeight", height: H, validatorSet: vals.set, seed: SEED, previousCommit: null });
  return { engine, harness, factory };
}

/** Proposer draws are sparse with proposerTau = 1 of W = 4: find a round matching who proposes. */
function findRound(factory: MessageFactory, from: number, wanted: (proposes: boolean[]) => boolean): number {
  for (let r = from; r < from + 200; r++) {
    if (wanted([0, 1, 2, 3].map((i) => factory.weight(i, H, r, "propose") > 0n))) return r;
  }
  throw new Error("no such round");
}

const sparseProposers: ConsensusParams = { ...classicParams(), proposerTau: 1n };

function timeout(harness: EngineHarness, round: number, step: "propose" | "prevote" | "precommit"): ConsensusAction[] {
  return harness.send({ type: "TimeoutFired", height: H, round, step });
}

/** Drives validator 0 from its current round to `round` through precommit timeouts, prevoting nil. */
function advanceTo(harness: EngineHarness, round: number): void {
  for (let r = harness.engine.status.round; r < round; r++) {
    timeout(harness, r, "propose");
    timeout(harness, r, "prevote");
    timeout(harness, r, "precommit");
  }
  expect(harness.engine.status.round).toBe(round);
}

describe("engine: proposing and committing", () => {
  it("proposes on its own draw, prevotes the best-priority valid proposal at the propose timeout, commits on 2f+1 precommits", () => {
    const { engine, harness, factory } = setup();
    const own = harness.broadcasts().find((m) => m.kind === "proposal");
    expect(own).toBeDefined();
    const others = [1, 2, 3].map((i) => factory.proposal(i, H, 0, text(`block of ${i}`)));
    for (const p of others) harness.send({ type: "ProposalReceived", proposal: p });
    expect(harness.votes("prevote")).toHaveLength(0); // waits for the window to close
    const ctx = makeHeightContext(crypto, classicParams(), vals.set, SEED, H);
    const ranked = [own!, ...others]
      .map((p) => ({ p, v: verifyProposal(ctx, p as never) }))
      .map(({ p, v }) => ({ p, prio: v.ok ? toHex(v.priority) : "" }))
      .sort((a, b) => (a.prio < b.prio ? -1 : 1));
    timeout(harness, 0, "propose");
    const prevote = harness.votes("prevote")[0]!;
    const best = ranked[0]!.p;
    expect(toHex(prevote.valueHash!)).toBe(toHex(best.valueHash));

    harness.send({ type: "VoteReceived", vote: factory.vote(1, "prevote", H, 0, best.valueHash) });
    expect(harness.votes("precommit")).toHaveLength(0);
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "prevote", H, 0, best.valueHash) });
    expect(harness.votes("precommit").map((v) => toHex(v.valueHash!))).toEqual([toHex(best.valueHash)]);
    expect(engine.status).toMatchObject({ step: "precommit", lockedRound: 0, validRound: 0 });

    harness.send({ type: "VoteReceived", vote: factory.vote(1, "precommit", H, 0, best.valueHash) });
    const out = harness.send({ type: "VoteReceived", vote: factory.vote(3, "precommit", H, 0, best.valueHash) });
    const commit = out.find((a) => a.type === "Commit");
    expect(commit).toBeDefined();
    if (commit?.type !== "Commit") throw new Error("unreachable");
    expect(toHex(commit.hash)).toBe(toHex(best.valueHash));
    expect(commit.certificate.precommits).toHaveLength(3);
    expect(verifyCommitCertificate(commit.certificate, vals.set, SEED, classicParams(), crypto).ok).toBe(true);
    // After the decision, further messages of the height are stale.
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "precommit", H, 0, best.valueHash) });
    expect(engine.counters.stale).toBe(1);
  });

  it("persists before broadcasting everything it signs", () => {
    const { harness } = setup();
    timeout(harness, 0, "propose");
    const kinds = harness.actions.filter((a) => a.type === "PersistSigned" || a.type === "Broadcast").map((a) => a.type);
    expect(kinds).toEqual(["PersistSigned", "Broadcast", "PersistSigned", "Broadcast"]);
  });

  it("never prevotes an invalid block: takes the next valid candidate, or nil", () => {
    const { harness, factory } = setup(sparseProposers);
    const r = findRound(factory, 0, (p) => !p[0] && p[1]!);
    advanceTo(harness, r);
    harness.send({ type: "ProposalReceived", proposal: factory.proposal(1, H, r, text("invalid block")) });
    timeout(harness, r, "propose");
    expect(harness.votes("prevote").at(-1)).toMatchObject({ round: r, valueHash: null });
  });

  it("ignores proposals that arrive after the propose window closed", () => {
    const { harness, factory } = setup(sparseProposers);
    const r = findRound(factory, 0, (p) => !p[0] && p[1]!);
    advanceTo(harness, r);
    timeout(harness, r, "propose");
    harness.send({ type: "ProposalReceived", proposal: factory.proposal(1, H, r, text("late")) });
    expect(harness.votes("prevote").filter((v) => v.round === r)).toHaveLength(1);
    expect(harness.votes("prevote").at(-1)).toMatchObject({ round: r, valueHash: null });
  });
});

describe("engine: locking (Tendermint lines 22, 28, 36)", () => {
  /** Validator 0 locks on the value of validator 1 in round r0 and lets the round fail. */
  function lockedOnValueA() {
    const ctx = setup(sparseProposers);
    const { harness, factory, engine } = ctx;
    const r0 = findRound(factory, 0, (p) => !p[0] && p[1]!);
    advanceTo(harness, r0);
    const a = factory.proposal(1, H, r0, text("value A"));
    harness.send({ type: "ProposalReceived", proposal: a });
    timeout(harness, r0, "propose");
    harness.send({ type: "VoteReceived", vote: factory.vote(1, "prevote", H, r0, a.valueHash) });
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "prevote", H, r0, a.valueHash) });
    expect(engine.status).toMatchObject({ lockedRound: r0, step: "precommit" });
    timeout(harness, r0, "precommit");
    return { ...ctx, r0, a };
  }

  it("a locked validator prevotes nil for a fresh conflicting proposal", () => {
    const { harness, factory, r0 } = lockedOnValueA();
    const r = findRound(factory, r0 + 1, (p) => !p[0] && p[2]!);
    advanceTo(harness, r);
    harness.send({ type: "ProposalReceived", proposal: factory.proposal(2, H, r, text("value B")) });
    timeout(harness, r, "propose");
    expect(harness.votes("prevote").at(-1)).toMatchObject({ round: r, valueHash: null });
  });

  it("a locked validator re-proposes its valid value with its POL round", () => {
    const { harness, factory, r0, a } = lockedOnValueA();
    const r = findRound(factory, r0 + 1, (p) => p[0]!);
    advanceTo(harness, r);
    const own = harness.broadcasts().filter((m) => m.kind === "proposal" && m.round === r);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ validRound: r0, valueHash: a.valueHash });
  });

  it("unlocks on a proposal whose POL round is above the lock", () => {
    const { harness, factory, r0, engine } = lockedOnValueA();
    const b = text("value B");
    const polRound = r0 + 1;
    const r = findRound(factory, r0 + 2, (p) => !p[0] && p[3]!);
    // The POL for B in polRound: three prevotes (weight 3 of 4).
    for (const i of [1, 2, 3]) harness.send({ type: "VoteReceived", vote: factory.vote(i, "prevote", H, polRound, blockHash(b)) });
    advanceTo(harness, r);
    harness.send({ type: "ProposalReceived", proposal: factory.proposal(3, H, r, b, polRound) });
    timeout(harness, r, "propose");
    expect(harness.votes("prevote").at(-1)).toMatchObject({ round: r, valueHash: blockHash(b) });
    // And a 2f+1 prevote quorum for B in r moves the lock to B.
    harness.send({ type: "VoteReceived", vote: factory.vote(1, "prevote", H, r, blockHash(b)) });
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "prevote", H, r, blockHash(b)) });
    expect(engine.status).toMatchObject({ lockedRound: r, validRound: r });
    expect(harness.votes("precommit").at(-1)).toMatchObject({ round: r, valueHash: blockHash(b) });
  });

  it("keeps the lock when the proposal's POL round is below the lock round", () => {
    const { harness, factory, engine } = setup(sparseProposers);
    const b = text("value B");
    // Round 0: a genuine POL for B (three prevotes), but validator 0 never saw B's block, so no lock.
    for (const i of [1, 2, 3]) harness.send({ type: "VoteReceived", vote: factory.vote(i, "prevote", H, 0, blockHash(b)) });
    // A later round r0: validator 0 locks on A.
    const r0 = findRound(factory, 1, (p) => !p[0] && p[1]!);
    advanceTo(harness, r0);
    const a = factory.proposal(1, H, r0, text("value A"));
    harness.send({ type: "ProposalReceived", proposal: a });
    timeout(harness, r0, "propose");
    for (const i of [1, 2]) harness.send({ type: "VoteReceived", vote: factory.vote(i, "prevote", H, r0, a.valueHash) });
    expect(engine.status.lockedRound).toBe(r0);
    timeout(harness, r0, "precommit");
    // B re-proposed with its round-0 POL: older than the lock, so validator 0 prevotes nil.
    const r = findRound(factory, r0 + 1, (p) => !p[0] && p[3]!);
    advanceTo(harness, r);
    harness.send({ type: "ProposalReceived", proposal: factory.proposal(3, H, r, b, 0) });
    timeout(harness, r, "propose");
    expect(harness.votes("prevote").at(-1)).toMatchObject({ round: r, valueHash: null });
  });
});

describe("engine: rounds and timeouts", () => {
  it("skips to a higher round on more than 1/3 of its weight (f+1), not less", () => {
    const { harness, factory, engine } = setup();
    harness.send({ type: "VoteReceived", vote: factory.vote(1, "prevote", H, 3, null) });
    expect(engine.status.round).toBe(0);
    const out = harness.send({ type: "VoteReceived", vote: factory.vote(2, "precommit", H, 3, null) });
    expect(engine.status.round).toBe(0); // one prevote and one precommit: each step below f+1
    harness.send({ type: "VoteReceived", vote: factory.vote(3, "prevote", H, 3, null) });
    expect(engine.status).toMatchObject({ round: 3, step: "propose" });
    expect(out.some((a) => a.type === "ScheduleTimeout")).toBe(false);
    expect(harness.actions.filter((a) => a.type === "ScheduleTimeout" && a.round === 3)).toHaveLength(1);
  });

  it("builds no proposal of its own in a round it entered late by the skip rule, but prevotes the round's proposal (issue 15)", () => {
    const { harness, factory, engine } = setup();
    // Classic params: validator 0 is drawn to propose in every round, so entering a round on time builds.
    const round = 3;
    const theirs = factory.proposal(1, H, round, text("block of 1 in round 3"));
    harness.send({ type: "ProposalReceived", proposal: theirs });
    const before = harness.actions.length;
    for (const i of [1, 2]) harness.send({ type: "VoteReceived", vote: factory.vote(i, "prevote", H, round, theirs.valueHash) });
    expect(engine.status).toMatchObject({ round, step: "propose" });
    const entered = harness.actions.slice(before);
    expect(entered.filter((a) => a.type === "BuildProposal")).toHaveLength(0);
    expect(harness.broadcasts(entered).filter((m) => m.kind === "proposal")).toHaveLength(0);
    timeout(harness, round, "propose");
    expect(harness.votes("prevote").map((v) => [v.round, toHex(v.valueHash!)])).toEqual([[round, toHex(theirs.valueHash)]]);
    // Our prevote made the quorum: the value is valid and locked, and the next round (entered on time
    // by the precommit timeout) re-proposes it, built by nobody.
    timeout(harness, round, "precommit");
    expect(harness.actions.filter((a) => a.type === "BuildProposal").map((a) => a.type === "BuildProposal" && a.round)).toEqual([0]);
    const next = harness.broadcasts().filter((m) => m.kind === "proposal" && m.round === round + 1);
    expect(next.map((p) => p.kind === "proposal" && [p.validRound, toHex(p.valueHash)])).toEqual([[round, toHex(theirs.valueHash)]]);
  });

  it("prevotes nil, precommits nil and moves on when timeouts fire, with timeouts growing per round", () => {
    const { harness } = setup();
    advanceTo(harness, 3);
    const durations = harness.actions.flatMap((a) => (a.type === "ScheduleTimeout" ? [`${a.step}@${a.round}=${a.durationMs}`] : []));
    expect(durations).toEqual([
      "propose@0=100",
      "prevote@0=100",
      "precommit@0=100",
      "propose@1=150",
      "prevote@1=150",
      "precommit@1=150",
      "propose@2=200",
      "prevote@2=200",
      "precommit@2=200",
      "propose@3=250",
    ]);
  });

  it("ignores stale timeouts", () => {
    const { harness, engine } = setup();
    advanceTo(harness, 2);
    const before = harness.actions.length;
    timeout(harness, 0, "precommit");
    timeout(harness, 1, "propose");
    expect(harness.actions.length).toBe(before);
    expect(engine.status.round).toBe(2);
  });

  it("precommits nil on 2f+1 nil prevotes", () => {
    const { harness, factory } = setup();
    timeout(harness, 0, "propose");
    harness.send({ type: "VoteReceived", vote: factory.vote(1, "prevote", H, 0, null) });
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "prevote", H, 0, null) });
    harness.send({ type: "VoteReceived", vote: factory.vote(3, "prevote", H, 0, null) });
    expect(harness.votes("precommit").at(-1)).toMatchObject({ round: 0, valueHash: null });
  });

  it("buffers messages of the next height and replays them when it starts", () => {
    const { harness, factory, engine } = setup();
    harness.send({ type: "VoteReceived", vote: factory.vote(1, "prevote", H + 1, 2, null) });
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "prevote", H + 1, 2, null) });
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "prevote", H + 100, 0, null) });
    expect(engine.counters).toMatchObject({ buffered: 2, farFuture: 1 });
    harness.send({ type: "StartHeight", height: H + 1, validatorSet: vals.set, seed: SEED, previousCommit: null });
    expect(engine.status).toMatchObject({ height: H + 1, round: 2 });
  });

  it("drops and counts bad signatures, bad proofs and unknown validators", () => {
    const { harness, factory, engine } = setup();
    const v = factory.vote(1, "prevote", H, 0, null);
    const badSig = { ...v, signature: v.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    // Everyone votes here (tau >= W): a vote carries no proof, and one that carries a proof is bad.
    expect(v.vrfProof).toHaveLength(0);
    const badProof = { ...v, vrfProof: new Uint8Array(80).fill(7) };
    const stranger = { ...v, voter: new Uint8Array(20).fill(9) };
    for (const vote of [badSig, badProof, stranger, v, v]) harness.send({ type: "VoteReceived", vote });
    expect(engine.counters).toMatchObject({ badSignature: 1, badProof: 1, unknownValidator: 1, accepted: 1, duplicate: 1 });
  });

  it("bounds what it keeps for later: future heights per sender and overall, catch-up rounds per sender", () => {
    const params = classicParams();
    const limits = { ...DEFAULT_ENGINE_LIMITS, maxBufferedFutureMessages: 3, maxBufferedPerSender: 2, catchupRoundsPerSender: 2 };
    const engine = new ConsensusEngine({ params, crypto, secrets: vals.secrets[0]!, timeouts: FAST_TIMEOUTS, limits });
    const harness = new EngineHarness(engine);
    const factory = new MessageFactory(crypto, params, vals);
    harness.send({ type: "StartHeight", height: H, validatorSet: vals.set, seed: SEED, previousCommit: null });
    for (const round of [0, 1, 2]) harness.send({ type: "VoteReceived", vote: factory.vote(1, "prevote", H + 1, round, null) });
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "prevote", H + 1, 0, null) });
    harness.send({ type: "VoteReceived", vote: factory.vote(3, "prevote", H + 1, 0, null) });
    expect(engine.counters).toMatchObject({ buffered: 3, bufferOverflow: 2 });
    // Validator 1 may open two rounds above round 1 of the current height, not a third.
    for (const round of [5, 9, 13]) harness.send({ type: "VoteReceived", vote: factory.vote(1, "precommit", H, round, null) });
    expect(engine.counters.farFuture).toBe(1);
    // A round someone else opened is open to everyone.
    harness.send({ type: "VoteReceived", vote: factory.vote(2, "precommit", H, 9, null) });
    expect(engine.counters.farFuture).toBe(1);
  });
});
