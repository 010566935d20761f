// The localnet bench's record of consensus rounds during a load (bench/harness/rounds.ts).
import { describe, expect, it } from "vitest";
import { summarizeRounds } from "../../bench/harness/rounds.js";

describe("summarizeRounds", () => {
  it("counts the rounds lost before each block and the blocks that lost any", () => {
    expect(summarizeRounds([0, 0, 2, 0, 1], 500)).toEqual({ blocks: 5, blocksAfterRound0: 2, roundsLost: 3, maxRound: 2, txs: 500 });
  });

  it("an empty window lost nothing", () => {
    expect(summarizeRounds([], 0)).toEqual({ blocks: 0, blocksAfterRound0: 0, roundsLost: 0, maxRound: 0, txs: 0 });
  });

  it("refuses what is not a round", () => {
    expect(() => summarizeRounds([0, -1], 0)).toThrow(/not a round/);
    expect(() => summarizeRounds([1.5], 0)).toThrow(/not a round/);
  });
});
