import { describe, expect, it } from "vitest";
import { ProposerRace } from "../../src/node/consensus/proposer-race.js";

const priority = (b: number) => new Uint8Array(32).fill(b);

describe("ProposerRace: only the best local proposer of a round builds", () => {
  it("builds every proposal when the node runs one validator and has no peers, without waiting", async () => {
    const race = new ProposerRace(1);
    expect(await race.shouldBuild(5, 0, priority(9))).toBe("build");
    expect(await race.shouldBuild(5, 0, priority(1))).toBe("build");
  });

  it("lets only the lowest priority among requests of the same round build", async () => {
    const race = new ProposerRace(4);
    const answers = await Promise.all([race.shouldBuild(5, 0, priority(7)), race.shouldBuild(5, 0, priority(3)), race.shouldBuild(5, 0, priority(8))]);
    expect(answers).toEqual(["local-better", "build", "local-better"]);
    // Another round and another height race separately.
    expect(await Promise.all([race.shouldBuild(5, 1, priority(9)), race.shouldBuild(6, 0, priority(9))])).toEqual(["build", "build"]);
  });

  it("after the choice, a late request builds only if it beats every priority seen", async () => {
    const race = new ProposerRace(3);
    expect(await race.shouldBuild(2, 0, priority(5))).toBe("build");
    expect(await race.shouldBuild(2, 0, priority(6))).toBe("local-better");
    expect(await race.shouldBuild(2, 0, priority(4))).toBe("build");
    expect(await race.shouldBuild(2, 0, priority(5))).toBe("local-better");
  });

  it("forgets rounds of heights below the one started", async () => {
    const race = new ProposerRace(2);
    expect(await race.shouldBuild(2, 0, priority(1))).toBe("build");
    race.forgetBelow(3);
    // A fresh race for (2, 0): nothing remembered, so this request wins its own race again.
    expect(await race.shouldBuild(2, 0, priority(9))).toBe("build");
  });
});

describe("ProposerRace with peers: announced credentials decide who builds", () => {
  it("a lone local validator waits the announcement window and stands back for a better credential that arrives in it", async () => {
    const race = new ProposerRace(1, 30);
    const asked = race.shouldBuild(7, 0, priority(5));
    // A peer's better credential arrives within the window; a worse one is not worth relaying.
    expect(race.observeCredential(7, 0, priority(2))).toBe(true);
    expect(race.observeCredential(7, 0, priority(3))).toBe(false);
    expect(await asked).toBe("remote-better");
    // With no better credential, the window closes and it builds.
    const other = race.shouldBuild(7, 1, priority(5));
    expect(race.observeCredential(7, 1, priority(8))).toBe(true);
    expect(await other).toBe("build");
  });

  it("a credential known before the request makes it stand back at once; a late request still beats worse ones", async () => {
    const race = new ProposerRace(1, 30);
    race.observeCredential(3, 0, priority(4));
    expect(await race.shouldBuild(3, 0, priority(6))).toBe("remote-better");
    expect(await race.shouldBuild(3, 0, priority(1))).toBe("build");
  });

  it("falls back to building when the better-credentialed proposer's block did not come, not when it did", () => {
    const race = new ProposerRace(1, 30);
    race.observeCredential(9, 0, priority(2));
    expect(race.fallbackFor(9, 0, priority(5))).toBe(true);
    race.observeProposal(9, 0, priority(7)); // a worse block: ours would still win
    expect(race.fallbackFor(9, 0, priority(5))).toBe(true);
    race.observeProposal(9, 0, priority(2)); // the winner's block arrived
    expect(race.fallbackFor(9, 0, priority(5))).toBe(false);
  });

  it("with several local validators beaten by a peer, only the best local one may fall back", async () => {
    const race = new ProposerRace(3, 20);
    const asked = [race.shouldBuild(4, 0, priority(6)), race.shouldBuild(4, 0, priority(5)), race.shouldBuild(4, 0, priority(9))];
    race.observeCredential(4, 0, priority(1));
    expect(await Promise.all(asked)).toEqual(["local-better", "remote-better", "local-better"]);
  });
});
