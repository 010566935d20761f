// The buffer of next-height proposer credentials (early-credentials.ts): what it keeps, its bounds,
// and that each kept credential is handed back once, for its height only.
import { describe, expect, it } from "vitest";
import { COPIES_PER_SLOT, EARLY_ROUNDS, EarlyCredentials } from "../../src/node/consensus/early-credentials.js";
import { encodeProposerCredential, type ProposerCredential } from "../../src/consensus/proposer-credential.js";

const proposer = (i: number) => new Uint8Array(20).fill(i);
const proof = (b: number) => new Uint8Array(80).fill(b);
const cred = (height: number, round: number, p: number, b = 1): [ProposerCredential, Uint8Array] => {
  const c = { height, round, proposer: proposer(p), vrfProof: proof(b) };
  return [c, encodeProposerCredential(c)];
};

describe("EarlyCredentials", () => {
  it("keeps credentials of one height and hands them back once when it starts", () => {
    const early = new EarlyCredentials();
    expect(early.keep(...cred(10, 0, 1))).toBe(true);
    expect(early.keep(...cred(10, 1, 2))).toBe(true);
    expect(early.keep(...cred(10, 0, 1))).toBe(false); // the same bytes again
    expect(early.size).toBe(2);
    const taken = early.takeFor(10);
    expect(taken).toHaveLength(2);
    expect(taken).toContainEqual(cred(10, 0, 1)[1]);
    expect(taken).toContainEqual(cred(10, 1, 2)[1]);
    expect(early.takeFor(10)).toEqual([]);
  });

  it("drops rounds past the racing ones, older heights, and another height's credentials at takeFor", () => {
    const early = new EarlyCredentials();
    expect(early.keep(...cred(10, EARLY_ROUNDS, 1))).toBe(false);
    expect(early.keep(...cred(10, 0, 1))).toBe(true);
    // A later height replaces the buffer (the node moved on); an earlier one is not kept.
    expect(early.keep(...cred(11, 0, 2))).toBe(true);
    expect(early.keep(...cred(10, 0, 3))).toBe(false);
    expect(early.size).toBe(1);
    expect(early.takeFor(12)).toEqual([]);
    expect(early.size).toBe(0);
  });

  it("holds at most COPIES_PER_SLOT payloads per proposer and round, whatever is sent in its name", () => {
    const early = new EarlyCredentials();
    let kept = 0;
    for (let b = 0; b < 50; b++) if (early.keep(...cred(10, 0, 1, b))) kept++;
    expect(kept).toBe(COPIES_PER_SLOT);
    // Another proposer's slot is unaffected.
    expect(early.keep(...cred(10, 0, 2))).toBe(true);
    expect(early.size).toBe(COPIES_PER_SLOT + 1);
  });
});
