import { describe, expect, it } from "vitest";
import { ConsensusEngine } from "../../src/consensus/engine.js";
import { EvidencePool, decodeEvidence, encodeEvidence, evidenceOffender, verifyEvidence, votesEvidence } from "../../src/consensus/evidence.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import { EngineHarness, FAST_TIMEOUTS, MessageFactory, SEED, blockHash, classicParams, makeValidators } from "../helpers/engine-fixtures.js";

const crypto = createSimulatedInsecureCrypto();
const params = classicParams();
const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
const f = new MessageFactory(crypto, params, vals);
const A = new TextEncoder().encode("A");
const B = new TextEncoder().encode("B");

function engine() {
  const e = new ConsensusEngine({ params, crypto, secrets: vals.secrets[0]!, timeouts: FAST_TIMEOUTS });
  const h = new EngineHarness(e);
  h.send({ type: "StartHeight", height: 1, validatorSet: vals.set, seed: SEED, previousCommit: null });
  return { e, h };
}

describe("equivocation evidence", () => {
  it("turns two conflicting votes of one validator into evidence, counted once", () => {
    const { e, h } = engine();
    h.send({ type: "VoteReceived", vote: f.vote(2, "prevote", 1, 0, blockHash(A)) });
    h.send({ type: "VoteReceived", vote: f.vote(2, "prevote", 1, 0, blockHash(B)) });
    h.send({ type: "VoteReceived", vote: f.vote(2, "prevote", 1, 0, null) });
    h.send({ type: "VoteReceived", vote: f.vote(2, "precommit", 1, 0, blockHash(A)) }); // another step: fine
    expect(e.counters.equivocations).toBe(2);
    const evidence = e.evidence.list();
    expect(evidence).toHaveLength(1); // one per (validator, height, round, step)
    const ev = evidence[0]!;
    expect(ev.kind).toBe("conflicting-votes");
    expect(evidenceOffender(ev)).toEqual(vals.secrets[2]!.address);
    expect(verifyEvidence(ev, vals.set, params.chainId, crypto)).toBe(true);
  });

  it("turns two different proposals of one proposer into evidence, without keeping the blocks", () => {
    const { e, h } = engine();
    h.send({ type: "ProposalReceived", proposal: f.proposal(3, 1, 0, A) });
    h.send({ type: "ProposalReceived", proposal: f.proposal(3, 1, 0, B) });
    const [ev] = e.evidence.list();
    expect(ev?.kind).toBe("conflicting-proposals");
    if (ev?.kind !== "conflicting-proposals") throw new Error("unreachable");
    expect(ev.first.value).toHaveLength(0);
    expect(verifyEvidence(ev, vals.set, params.chainId, crypto)).toBe(true);
  });

  it("is not fooled by identical votes, unsigned conflicts, or votes of different rounds", () => {
    const a = f.vote(1, "prevote", 1, 0, blockHash(A));
    expect(verifyEvidence(votesEvidence(a, a), vals.set, params.chainId, crypto)).toBe(false);
    const b = f.vote(1, "prevote", 1, 0, blockHash(B));
    const forged = { ...b, signature: new Uint8Array(64) };
    expect(verifyEvidence(votesEvidence(a, forged), vals.set, params.chainId, crypto)).toBe(false);
    expect(verifyEvidence(votesEvidence(a, f.vote(1, "prevote", 1, 1, blockHash(B))), vals.set, params.chainId, crypto)).toBe(false);
    expect(verifyEvidence(votesEvidence(a, f.vote(2, "prevote", 1, 0, blockHash(B))), vals.set, params.chainId, crypto)).toBe(false);
    expect(verifyEvidence(votesEvidence(a, b), vals.set, params.chainId, crypto)).toBe(true);
  });

  it("round-trips through its encoding and rejects garbage", () => {
    const ev = votesEvidence(f.vote(1, "precommit", 4, 2, blockHash(A)), f.vote(1, "precommit", 4, 2, null));
    const bytes = encodeEvidence(ev);
    expect(decodeEvidence(bytes)).toEqual({ ok: true, value: ev });
    for (let n = 0; n < bytes.length; n += 5) expect(decodeEvidence(bytes.subarray(0, n)).ok).toBe(false);
  });

  it("keeps a bounded pool", () => {
    const pool = new EvidencePool(2);
    for (let round = 0; round < 5; round++) {
      pool.add(votesEvidence(f.vote(1, "prevote", 1, round, blockHash(A)), f.vote(1, "prevote", 1, round, null)));
    }
    expect(pool.size).toBe(2);
    expect(pool.dropped).toBe(3);
    expect(pool.drain()).toHaveLength(2);
    expect(pool.size).toBe(0);
  });
});
