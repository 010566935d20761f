import { describe, expect, it } from "vitest";
import { LocalProposerRace } from "../../src/node/consensus/local-proposers.js";

const priority = (b: number) => new Uint8Array(32).fill(b);

describe("LocalProposerRace: only the best local proposer of a round builds", () => {
  it("builds every proposal when the node runs one validator, without waiting", async () => {
    const race = new LocalProposerRace(1);
    expect(await race.shouldBuild(5, 0, priority(9))).toBe(true);
    expect(await race.shouldBuild(5, 0, priority(1))).toBe(true);
  });

  it("lets only the lowest priority among requests of the same round build", async () => {
    const race = new LocalProposerRace(4);
    const answers = await Promise.all([race.shouldBuild(5, 0, priority(7)), race.shouldBuild(5, 0, priority(3)), race.shouldBuild(5, 0, priority(8))]);
    expect(answers).toEqual([false, true, false]);
    // Another round and another height race separately.
    expect(await Promise.all([race.shouldBuild(5, 1, priority(9)), race.shouldBuild(6, 0, priority(9))])).toEqual([true, true]);
  });

  it("after the choice, a late request builds only if it beats every priority seen", async () => {
    const race = new LocalProposerRace(3);
    expect(await race.shouldBuild(2, 0, priority(5))).toBe(true);
    expect(await race.shouldBuild(2, 0, priority(6))).toBe(false);
    expect(await race.shouldBuild(2, 0, priority(4))).toBe(true);
    expect(await race.shouldBuild(2, 0, priority(5))).toBe(false);
  });

  it("forgets rounds of heights below the one started", async () => {
    const race = new LocalProposerRace(2);
    expect(await race.shouldBuild(2, 0, priority(1))).toBe(true);
    race.forgetBelow(3);
    // A fresh race for (2, 0): nothing remembered, so this request wins its own race again.
    expect(await race.shouldBuild(2, 0, priority(9))).toBe(true);
  });
});
