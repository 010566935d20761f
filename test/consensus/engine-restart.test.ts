// Crash safety: a validator restarted from its last PersistSigned state never signs two different
// messages for one (height, round, step), resends what it signed, and resumes its lock.

import { describe, expect, it } from "vitest";
import { toHex } from "../../src/consensus/bytes.js";
import { encodeMessage } from "../../src/consensus/codec.js";
import { ConsensusEngine } from "../../src/consensus/engine.js";
import type { ConsensusAction } from "../../src/consensus/engine-types.js";
import type { ConsensusMessage } from "../../src/consensus/messages.js";
import { decodePersistedState, encodePersistedState, messageStep, type PersistedConsensusState } from "../../src/consensus/signing-record.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import type { ConsensusParams } from "../../src/consensus/types.js";
import { EngineHarness, FAST_TIMEOUTS, MessageFactory, SEED, classicParams, makeValidators } from "../helpers/engine-fixtures.js";

const crypto = createSimulatedInsecureCrypto();
const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
const H = 1;
const text = (s: string) => new TextEncoder().encode(s);

function lastPersisted(actions: ConsensusAction[]): PersistedConsensusState {
  const states = actions.flatMap((a) => (a.type === "PersistSigned" ? [a.state] : []));
  const last = states.at(-1);
  if (last === undefined) throw new Error("nothing persisted");
  // Through the byte encoding, as a driver's disk would store it.
  const decoded = decodePersistedState(encodePersistedState(last));
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

function boot(params: ConsensusParams, restored?: PersistedConsensusState) {
  const engine = new ConsensusEngine({ params, crypto, secrets: vals.secrets[0]!, timeouts: FAST_TIMEOUTS, ...(restored ? { restored } : {}) });
  const harness = new EngineHarness(engine);
  harness.send({ type: "StartHeight", height: H, validatorSet: vals.set, seed: SEED, previousCommit: null });
  return { engine, harness };
}

/** No two different signed messages for one (height, round, step) across all lifetimes. */
function expectNoDoubleSigning(...lifetimes: EngineHarness[]): void {
  const byPosition = new Map<string, string>();
  for (const h of lifetimes) {
    for (const m of h.broadcasts() as ConsensusMessage[]) {
      const key = `${m.height}/${m.round}/${messageStep(m)}`;
      const bytes = toHex(encodeMessage(m));
      const seen = byPosition.get(key);
      if (seen !== undefined) expect(bytes).toBe(seen);
      byPosition.set(key, bytes);
    }
  }
}

describe("restart from persisted state", () => {
  const sparse: ConsensusParams = { ...classicParams(), proposerTau: 1n };
  const factory = new MessageFactory(crypto, sparse, vals);
  // A round where validator 0 does not propose and validator 1 does.
  let r = 0;
  while (!(factory.weight(0, H, r, "propose") === 0n && factory.weight(1, H, r, "propose") > 0n)) r++;

  function advance(h: EngineHarness, to: number): void {
    for (let x = h.engine.status.round; x < to; x++) {
      for (const step of ["propose", "prevote", "precommit"] as const) h.send({ type: "TimeoutFired", height: H, round: x, step });
    }
  }

  it("resends its prevote instead of signing a different one", () => {
    const first = boot(sparse);
    advance(first.harness, r);
    first.harness.send({ type: "ProposalReceived", proposal: factory.proposal(1, H, r, text("A")) });
    first.harness.send({ type: "TimeoutFired", height: H, round: r, step: "propose" });
    expect(first.harness.votes("prevote").at(-1)!.valueHash).not.toBeNull();
    const saved = lastPersisted(first.harness.actions);

    // After the crash the proposal is not received again: on its own the engine would prevote nil.
    const second = boot(sparse, saved);
    expect(second.engine.status.round).toBe(r);
    second.harness.send({ type: "TimeoutFired", height: H, round: r, step: "propose" });
    const resent = second.harness.votes("prevote");
    expect(resent).toHaveLength(1);
    expect(second.harness.actions.filter((a) => a.type === "PersistSigned")).toHaveLength(0);
    expectNoDoubleSigning(first.harness, second.harness);
  });

  it("resumes its lock and refuses to sign below its last signature", () => {
    const first = boot(sparse);
    advance(first.harness, r);
    const a = factory.proposal(1, H, r, text("A"));
    first.harness.send({ type: "ProposalReceived", proposal: a });
    first.harness.send({ type: "TimeoutFired", height: H, round: r, step: "propose" });
    for (const i of [1, 2]) first.harness.send({ type: "VoteReceived", vote: factory.vote(i, "prevote", H, r, a.valueHash) });
    expect(first.engine.status).toMatchObject({ lockedRound: r, step: "precommit" });
    const saved = lastPersisted(first.harness.actions);
    expect(saved.roundState).toMatchObject({ lockedRound: r, round: r });

    const second = boot(sparse, saved);
    expect(second.engine.status).toMatchObject({ round: r, lockedRound: r, validRound: r });
    second.harness.send({ type: "TimeoutFired", height: H, round: r, step: "propose" });
    expect(second.harness.votes("prevote")).toHaveLength(0); // a precommit was signed later in this round
    second.harness.send({ type: "TimeoutFired", height: H, round: r, step: "prevote" });
    expect(second.harness.votes("precommit").map((v) => toHex(v.valueHash!))).toEqual([toHex(a.valueHash)]);

    // Still locked on A in later rounds: a fresh conflicting proposal gets nil.
    second.harness.send({ type: "TimeoutFired", height: H, round: r, step: "precommit" });
    let r2 = r + 1;
    while (!(factory.weight(0, H, r2, "propose") === 0n && factory.weight(2, H, r2, "propose") > 0n)) r2++;
    advance(second.harness, r2);
    second.harness.send({ type: "ProposalReceived", proposal: factory.proposal(2, H, r2, text("B")) });
    second.harness.send({ type: "TimeoutFired", height: H, round: r2, step: "propose" });
    expect(second.harness.votes("prevote").at(-1)).toMatchObject({ round: r2, valueHash: null });
    expectNoDoubleSigning(first.harness, second.harness);
  });

  it("resends its proposal instead of building a new block", () => {
    const classic = classicParams();
    const first = boot(classic);
    const proposal = first.harness.broadcasts().find((m) => m.kind === "proposal");
    expect(proposal).toBeDefined();
    const saved = lastPersisted(first.harness.actions);
    const second = boot(classic, saved);
    expect(second.harness.actions.some((a) => a.type === "BuildProposal")).toBe(false);
    expect(second.harness.broadcasts()).toEqual([proposal]);
    expectNoDoubleSigning(first.harness, second.harness);
  });

  it("many crash points never produce conflicting signatures", () => {
    // Crash after every action batch of a scripted run, restart, continue the script differently.
    const classic = classicParams();
    const f = new MessageFactory(crypto, classic, vals);
    const script = [
      (h: EngineHarness) => h.send({ type: "ProposalReceived", proposal: f.proposal(1, H, 0, text("X")) }),
      (h: EngineHarness) => h.send({ type: "TimeoutFired", height: H, round: 0, step: "propose" }),
      (h: EngineHarness) => h.send({ type: "VoteReceived", vote: f.vote(1, "prevote", H, 0, null) }),
      (h: EngineHarness) => h.send({ type: "TimeoutFired", height: H, round: 0, step: "prevote" }),
      (h: EngineHarness) => h.send({ type: "TimeoutFired", height: H, round: 0, step: "precommit" }),
      (h: EngineHarness) => h.send({ type: "TimeoutFired", height: H, round: 1, step: "propose" }),
    ];
    for (let crashAt = 1; crashAt <= script.length; crashAt++) {
      const first = boot(classic);
      for (const step of script.slice(0, crashAt)) step(first.harness);
      const second = boot(classic, lastPersisted(first.harness.actions));
      // The second life sees different inputs: a different proposal and nil prevotes.
      second.harness.send({ type: "ProposalReceived", proposal: f.proposal(2, H, 0, text("Y")) });
      for (const step of ["propose", "prevote", "precommit"] as const) second.harness.send({ type: "TimeoutFired", height: H, round: 0, step });
      for (const step of ["propose", "prevote"] as const) second.harness.send({ type: "TimeoutFired", height: H, round: 1, step });
      expectNoDoubleSigning(first.harness, second.harness);
    }
  });
});

describe("signing guard inside one life", () => {
  it("drops a block built too late: the round's prevote was already signed", () => {
    const crypto2 = createSimulatedInsecureCrypto();
    const engine = new ConsensusEngine({ params: classicParams(), crypto: crypto2, secrets: vals.secrets[0]!, timeouts: FAST_TIMEOUTS });
    const started = engine.handle({ type: "StartHeight", height: H, validatorSet: vals.set, seed: SEED, previousCommit: null });
    const build = started.find((a) => a.type === "BuildProposal");
    expect(build).toBeDefined();
    const prevote = engine.handle({ type: "TimeoutFired", height: H, round: 0, step: "propose" });
    expect(prevote.filter((a) => a.type === "Broadcast")).toHaveLength(1);
    const value = text("late block");
    const late = engine.handle({ type: "ProposalBuilt", height: H, round: 0, value, hash: new Uint8Array(32).fill(1) });
    expect(late).toEqual([]);
  });
});
