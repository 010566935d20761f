import { describe, expect, it } from "vitest";
import { Reputation } from "../../src/p2p/reputation.js";

describe("reputation", () => {
  it("decays points by the half-life and lifts bans when they expire", () => {
    let now = 1_000_000;
    const rep = new Reputation({ halfLifeMs: 60_000, banDurationMs: 10_000, now: () => now });
    expect(rep.penalize("p", 40)).toBe(40);
    now += 60_000;
    expect(rep.points("p")).toBeCloseTo(20, 6);
    expect(rep.penalize("p", 10)).toBeCloseTo(30, 6);
    expect(rep.points("never")).toBe(0);

    rep.ban("p");
    expect(rep.isBanned("p")).toBe(true);
    expect(rep.bannedPeers()).toEqual(["p"]);
    now += 9_999;
    expect(rep.isBanned("p")).toBe(true);
    now += 1;
    expect(rep.isBanned("p")).toBe(false);
    expect(rep.bannedPeers()).toEqual([]);
  });

  it("stays bounded under a flood of identities, keeping the banned and the most penalized", () => {
    let now = 0;
    const rep = new Reputation({ halfLifeMs: 1e12, banDurationMs: 1e9, now: () => now });
    rep.penalize("banned", 1);
    rep.ban("banned");
    rep.penalize("worst", 1_000);
    for (let i = 0; i < 10_000; i++) {
      now++;
      rep.penalize(`sybil-${i}`, 1 + (i % 5));
    }
    expect(rep.isBanned("banned")).toBe(true);
    expect(rep.points("worst")).toBeCloseTo(1_000, 3);
    const kept = Array.from({ length: 10_000 }, (_, i) => rep.points(`sybil-${i}`)).filter((p) => p > 0).length;
    expect(kept).toBeLessThanOrEqual(4096);
  });
});
