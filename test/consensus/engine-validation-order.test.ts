// Which received proposals the engine has executed (ValidateBlock): the best-priority candidate of a
// round that is not known invalid, and a worse one only once every better one has failed, or when
// its value gathers a quorum. Executing every proposal that arrived doubled a validator's execution
// work under load (issue 13).
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/consensus/bytes.js";
import { ConsensusEngine } from "../../src/consensus/engine.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import type { Proposal } from "../../src/consensus/messages.js";
import { makeHeightContext, verifyProposal } from "../../src/consensus/verify.js";
import { EngineHarness, FAST_TIMEOUTS, SEED, blockHash, fourEqualValidators } from "../helpers/engine-fixtures.js";

const crypto = createSimulatedInsecureCrypto();
const { params, vals, factory: f } = fourEqualValidators(crypto);
const H = 1;
const ctx = makeHeightContext(crypto, params, vals.set, SEED, H);
const text = (s: string) => new TextEncoder().encode(s);

/** An observer (it proposes nothing of its own) at height H. */
function observer() {
  const engine = new ConsensusEngine({ params, crypto, secrets: null, timeouts: FAST_TIMEOUTS });
  const harness = new EngineHarness(engine);
  harness.send({ type: "StartHeight", height: H, validatorSet: vals.set, seed: SEED, previousCommit: null });
  return harness;
}

/** Round-0 proposals of validators 1..3, best priority first; `invalid` marks bytes the harness rejects. */
function ranked(label: (i: number) => string): Proposal[] {
  const ps = [1, 2, 3].map((i) => f.proposal(i, H, 0, text(label(i))));
  const prio = (p: Proposal) => {
    const v = verifyProposal(ctx, p);
    if (!v.ok) throw new Error("fixture proposal does not verify");
    return toHex(v.priority);
  };
  return ps.sort((a, b) => (prio(a) < prio(b) ? -1 : 1));
}

const validated = (h: EngineHarness) => h.actions.flatMap((a) => (a.type === "ValidateBlock" ? [toHex(a.hash)] : []));

describe("engine: which proposals are executed", () => {
  it("the best arriving first is the only one executed; worse ones that follow are not", () => {
    const h = observer();
    const [best, second, third] = ranked((i) => `block of ${i}`);
    for (const p of [best!, second!, third!]) h.send({ type: "ProposalReceived", proposal: p });
    expect(validated(h)).toEqual([toHex(best!.valueHash)]);
    // The propose step ends with nothing more executed.
    h.send({ type: "TimeoutFired", height: H, round: 0, step: "propose" });
    expect(validated(h)).toHaveLength(1);
  });

  it("a better proposal arriving after a worse one is executed too (the worse came first)", () => {
    const h = observer();
    const [best, second] = ranked((i) => `block of ${i}`);
    h.send({ type: "ProposalReceived", proposal: second! });
    h.send({ type: "ProposalReceived", proposal: best! });
    expect(validated(h)).toEqual([toHex(second!.valueHash), toHex(best!.valueHash)]);
  });

  it("when the best fails, the next one is executed", () => {
    const h = observer();
    const all = ranked((i) => `block of ${i}`);
    // The best proposer's block is bad (the harness rejects bytes containing "invalid").
    const bestIndex = [1, 2, 3].find((i) => toHex(f.proposal(i, H, 0, text(`block of ${i}`)).valueHash) === toHex(all[0]!.valueHash))!;
    const badBest = f.proposal(bestIndex, H, 0, text(`invalid block of ${bestIndex}`));
    const others = all.slice(1);
    for (const p of [badBest, ...others]) h.send({ type: "ProposalReceived", proposal: p });
    expect(validated(h)).toEqual([toHex(badBest.valueHash), toHex(others[0]!.valueHash)]);
  });

  it("a worse value that gathers a precommit quorum is executed and committed", () => {
    const h = observer();
    const [best, second] = ranked((i) => `block of ${i}`);
    h.send({ type: "ProposalReceived", proposal: best! });
    h.send({ type: "ProposalReceived", proposal: second! });
    expect(validated(h)).toEqual([toHex(best!.valueHash)]);
    for (const i of [1, 2, 3]) h.send({ type: "VoteReceived", vote: f.vote(i, "precommit", H, 0, second!.valueHash) });
    expect(validated(h)).toEqual([toHex(best!.valueHash), toHex(second!.valueHash)]);
    const commit = h.actions.find((a) => a.type === "Commit");
    expect(commit?.type === "Commit" && toHex(blockHash(commit.value))).toBe(toHex(second!.valueHash));
  });
});
