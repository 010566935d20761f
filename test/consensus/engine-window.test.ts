// The early close of the propose window (TimeoutConfig.proposeWindowMs): once a valid candidate is in
// hand the engine waits only the window, not the whole propose timeout, and still takes the best
// candidate that arrived inside it.
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/consensus/bytes.js";
import { ConsensusEngine } from "../../src/consensus/engine.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import { makeHeightContext, verifyProposal } from "../../src/consensus/verify.js";
import { EngineHarness, FAST_TIMEOUTS, MessageFactory, SEED, classicParams, makeValidators } from "../helpers/engine-fixtures.js";

const crypto = createSimulatedInsecureCrypto();
const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
const text = (s: string) => new TextEncoder().encode(s);

function setup(proposeWindowMs?: number) {
  const timeouts = proposeWindowMs === undefined ? FAST_TIMEOUTS : { ...FAST_TIMEOUTS, proposeWindowMs };
  const engine = new ConsensusEngine({ params: classicParams(), crypto, secrets: vals.secrets[0]!, timeouts });
  const harness = new EngineHarness(engine);
  const factory = new MessageFactory(crypto, classicParams(), vals);
  const start = harness.send({ type: "StartHeight", height: 1, validatorSet: vals.set, seed: SEED, previousCommit: null });
  return { harness, factory, start };
}

const proposeTimeouts = (actions: ReturnType<EngineHarness["send"]>) =>
  actions.filter((a) => a.type === "ScheduleTimeout" && a.step === "propose").map((a) => (a.type === "ScheduleTimeout" ? a.durationMs : -1));

describe("engine: early propose window", () => {
  it("schedules only the full propose timeout when no window is configured", () => {
    const { start } = setup();
    expect(proposeTimeouts(start)).toEqual([FAST_TIMEOUTS.proposeMs]);
  });

  it("schedules the short window once a valid candidate (its own) exists, once per round", () => {
    const { harness, factory, start } = setup(7);
    // Validator 0 proposes at once (everyone is drawn): the full timeout and then the window.
    expect(proposeTimeouts(start)).toEqual([FAST_TIMEOUTS.proposeMs, 7]);
    const more = harness.send({ type: "ProposalReceived", proposal: factory.proposal(1, 1, 0, text("block of 1")) });
    expect(proposeTimeouts(more)).toEqual([]);
  });

  it("prevotes the best candidate seen when the window fires, before the propose timeout", () => {
    const { harness, factory } = setup(7);
    const others = [1, 2, 3].map((i) => factory.proposal(i, 1, 0, text(`block of ${i}`)));
    for (const p of others) harness.send({ type: "ProposalReceived", proposal: p });
    expect(harness.votes("prevote")).toHaveLength(0);
    // The window's timer fires as a propose timeout of round 0.
    harness.send({ type: "TimeoutFired", height: 1, round: 0, step: "propose" });
    const ctx = makeHeightContext(crypto, classicParams(), vals.set, SEED, 1);
    const own = harness.broadcasts().find((m) => m.kind === "proposal")!;
    const best = [own, ...others]
      .map((p) => ({ p, v: verifyProposal(ctx, p as never) }))
      .sort((a, b) => (toHex(a.v.ok ? a.v.priority : new Uint8Array()) < toHex(b.v.ok ? b.v.priority : new Uint8Array()) ? -1 : 1))[0]!.p;
    expect(toHex(harness.votes("prevote")[0]!.valueHash!)).toBe(toHex(best.valueHash));
  });
});
