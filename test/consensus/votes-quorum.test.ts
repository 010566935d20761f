import { describe, expect, it } from "vitest";
import { exceedsOneThird, expectedCommitteeWeight, isQuorum } from "../../src/consensus/committee.js";
import { createSimulatedInsecureCrypto } from "../../src/consensus/simulated-crypto.js";
import { VoteSet, valueKey } from "../../src/consensus/vote-set.js";
import { MessageFactory, blockHash, classicParams, makeValidators } from "../helpers/engine-fixtures.js";

describe("quorum arithmetic", () => {
  it("is strictly more than 2/3 and 1/3 of the expected weight, in integers", () => {
    expect(isQuorum(2n, 3n)).toBe(false); // exactly 2/3 is not enough
    expect(isQuorum(3n, 3n)).toBe(true);
    expect(isQuorum(66n, 100n)).toBe(false);
    expect(isQuorum(67n, 100n)).toBe(true);
    expect(isQuorum(3n, 4n)).toBe(true); // 3 of 4 equal validators
    expect(isQuorum(2n, 4n)).toBe(false); // 2 of 4 never commit
    expect(exceedsOneThird(1n, 3n)).toBe(false);
    expect(exceedsOneThird(2n, 4n)).toBe(true); // f+1 of 4
    expect(exceedsOneThird(1n, 4n)).toBe(false);
    expect(exceedsOneThird(34n, 100n)).toBe(true);
    expect(exceedsOneThird(33n, 100n)).toBe(false);
  });

  it("uses min(tau, W) as the expected committee weight", () => {
    const p = { chainId: 1n, committeeTau: 100n, proposerTau: 10n };
    expect(expectedCommitteeWeight(p, 1000n)).toBe(100n);
    expect(expectedCommitteeWeight(p, 40n)).toBe(40n);
    expect(expectedCommitteeWeight(p, 100n)).toBe(100n);
  });
});

describe("VoteSet", () => {
  const crypto = createSimulatedInsecureCrypto();
  const params = classicParams();
  const vals = makeValidators(crypto, [10n, 20n, 30n, 40n]);
  const f = new MessageFactory(crypto, params, vals);
  const a = blockHash(new Uint8Array([1]));
  const b = blockHash(new Uint8Array([2]));

  it("tallies weight per value and detects quorums", () => {
    const set = new VoteSet(1, 0, "prevote", 100n);
    expect(set.add(f.vote(3, "prevote", 1, 0, a), 40n)).toEqual({ kind: "added" });
    expect(set.add(f.vote(2, "prevote", 1, 0, a), 30n)).toEqual({ kind: "added" });
    expect(set.hasQuorumFor(a)).toBe(true); // 70 > 66.67
    expect(set.add(f.vote(1, "prevote", 1, 0, null), 20n)).toEqual({ kind: "added" });
    expect(set.weightFor(a)).toBe(70n);
    expect(set.weightFor(null)).toBe(20n);
    expect(set.weightFor(b)).toBe(0n);
    expect(set.totalWeight).toBe(90n);
    expect(set.quorumKeys()).toEqual([valueKey(a)]);
    expect(set.votesFor(a).map((cv) => cv.weight)).toEqual([40n, 30n]);
  });

  it("counts a voter once: duplicates ignored, conflicting votes reported", () => {
    const set = new VoteSet(1, 0, "precommit", 100n);
    const first = f.vote(3, "precommit", 1, 0, a);
    set.add(first, 40n);
    expect(set.isDuplicate(f.vote(3, "precommit", 1, 0, a))).toBe(true);
    expect(set.add(f.vote(3, "precommit", 1, 0, a), 40n)).toEqual({ kind: "duplicate" });
    const conflict = set.add(f.vote(3, "precommit", 1, 0, b), 40n);
    expect(conflict).toEqual({ kind: "conflict", existing: first });
    expect(set.totalWeight).toBe(40n);
    expect(set.weightFor(b)).toBe(0n);
  });

  it("needs more than 2/3 of any values for hasQuorumAny, and more than 1/3 for the round skip", () => {
    const set = new VoteSet(1, 2, "prevote", 100n);
    set.add(f.vote(0, "prevote", 1, 2, a), 10n);
    set.add(f.vote(1, "prevote", 1, 2, b), 20n);
    expect(set.hasOneThirdAny()).toBe(false); // 30
    set.add(f.vote(2, "prevote", 1, 2, null), 30n);
    expect(set.hasOneThirdAny()).toBe(true); // 60
    expect(set.hasQuorumAny()).toBe(false);
    set.add(f.vote(3, "prevote", 1, 2, null), 40n);
    expect(set.hasQuorumAny()).toBe(true);
    expect(set.quorumKeys()).toEqual(["nil"]);
  });

  it("rejects votes of another height, round or step", () => {
    const set = new VoteSet(1, 0, "prevote", 100n);
    expect(() => set.add(f.vote(0, "precommit", 1, 0, a), 10n)).toThrow();
    expect(() => set.add(f.vote(0, "prevote", 1, 1, a), 10n)).toThrow();
  });
});
