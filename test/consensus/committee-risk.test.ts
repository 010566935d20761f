import { describe, expect, it } from "vitest";
import {
  committeeFailureProbabilities,
  formatCommitteeRisk,
  formatProbability,
  logBinomialPmf,
} from "../../src/consensus/committee-risk.js";

/** Binomial pmf by brute force for small n: the definition, multiplied out in log space. */
function pmfTable(n: number, p: number): number[] {
  const out: number[] = [];
  let logCoefficient = 0; // log C(n, k)
  for (let k = 0; k <= n; k++) {
    out.push(Math.exp(logCoefficient + k * Math.log(p) + (n - k) * Math.log(1 - p)));
    logCoefficient += Math.log((n - k) / (k + 1));
  }
  return out;
}

/** The model of committee-risk.ts evaluated by enumeration, for small W. */
function bruteForce(W: number, tau: number, h: number): { safety: number; liveness: number } {
  const p = Math.min(tau / W, 1);
  const committee = Math.min(tau, W);
  const quorum = Math.floor((2 * committee) / 3) + 1;
  const byzantine = Math.ceil(h * W);
  const honestPmf = pmfTable(W - byzantine, p);
  const byzantinePmf = pmfTable(byzantine, p);
  let safety = 0;
  let liveness = 0;
  honestPmf.forEach((ph, xh) => {
    if (xh < quorum) liveness += ph;
    byzantinePmf.forEach((pb, xb) => {
      if (2 * xb + xh >= 2 * quorum) safety += ph * pb;
    });
  });
  return { safety, liveness };
}

describe("committeeFailureProbabilities", () => {
  it("a hand-checkable case: W = 12, tau = 6, h = 1/4", () => {
    const risk = committeeFailureProbabilities({ W: 12n, tau: 6n, byzantineFraction: 0.25 });
    expect(risk.expectedCommittee).toBe(6);
    expect(risk.quorum).toBe(5); // more than 2/3 of 6
    // Honest 9 units at p = 1/2: P(X_h <= 4) = (1 + 9 + 36 + 84 + 126) / 512 = 1/2.
    expect(risk.liveness).toBeCloseTo(0.5, 12);
    // Safety: P(2 X_b + X_h >= 10) with X_b ~ Bin(3, 1/2), X_h ~ Bin(9, 1/2), over 2^12 outcomes:
    // sum_{x_b} C(3,x_b) * #{x_h : x_h >= 10 - 2 x_b} = 1*0 + 3*10 + 3*130 + 1*382 = 802 (of 4096),
    // e.g. x_b = 1 needs x_h >= 8: C(9,8) + C(9,9) = 10 outcomes.
    expect(risk.safety).toBeCloseTo(802 / 4096, 12);
  });

  it("matches enumeration of the same model on small committees", () => {
    for (const [W, tau, h] of [
      [30, 9, 0.2],
      [60, 20, 0.25],
      [100, 50, 0.3],
      [200, 199, 0.1],
      [150, 12, 1 / 3],
    ] as const) {
      const risk = committeeFailureProbabilities({ W, tau, byzantineFraction: h });
      const expected = bruteForce(W, tau, h);
      expect(risk.safety).toBeCloseTo(expected.safety, 10);
      expect(risk.liveness).toBeCloseTo(expected.liveness, 10);
      if (expected.safety > 1e-200) expect(Math.abs(risk.safety / expected.safety - 1)).toBeLessThan(1e-6);
      if (expected.liveness > 1e-200) expect(Math.abs(risk.liveness / expected.liveness - 1)).toBeLessThan(1e-6);
    }
  });

  it("tau >= W with h < 1/3 never fails; h > 1/3 always can", () => {
    for (const h of [0, 0.1, 0.25, 0.33]) {
      const risk = committeeFailureProbabilities({ W: 1000n, tau: 5000n, byzantineFraction: h });
      expect(risk.expectedCommittee).toBe(1000);
      expect(risk.quorum).toBe(667);
      expect(risk.safety).toBe(0);
      expect(risk.liveness).toBe(0);
    }
    const bad = committeeFailureProbabilities({ W: 1000n, tau: 1000n, byzantineFraction: 0.4 });
    expect(bad.safety).toBe(1);
    expect(bad.liveness).toBe(1);
  });

  it("a tiny committee shows visible failure probabilities", () => {
    const risk = committeeFailureProbabilities({ W: 1_000_000_000n, tau: 10n, byzantineFraction: 0.25 });
    expect(risk.safety).toBeGreaterThan(0.01);
    expect(risk.liveness).toBeGreaterThan(0.01);
    expect(risk.safety).toBeLessThan(1);
  });

  it("both probabilities fall as tau grows (h = 1/5 and 1/4)", () => {
    for (const h of [0.2, 0.25]) {
      let previous = { safety: 2, liveness: 2 };
      for (const tau of [50n, 100n, 200n, 400n, 800n, 1600n, 3200n, 6400n]) {
        const risk = committeeFailureProbabilities({ W: 1_000_000_000n, tau, byzantineFraction: h });
        expect(risk.safety).toBeLessThan(previous.safety);
        expect(risk.liveness).toBeLessThan(previous.liveness);
        previous = risk;
      }
    }
  });

  it("keeps tiny probabilities in log10 where doubles underflow", () => {
    const risk = committeeFailureProbabilities({ W: 100_000n, tau: 50_000n, byzantineFraction: 0.2 });
    expect(risk.liveness).toBe(0);
    expect(risk.log10Liveness).toBeLessThan(-330);
    expect(Number.isFinite(risk.log10Liveness)).toBe(true);
    expect(risk.log10Safety).toBeLessThan(-200);
  });

  it("handles a stake of 1e18 units and rejects invalid input", () => {
    const risk = committeeFailureProbabilities({ W: 10n ** 18n, tau: 2_000n, byzantineFraction: 0.2 });
    expect(risk.safety).toBeGreaterThan(0);
    expect(risk.safety).toBeLessThan(1e-3);
    expect(() => committeeFailureProbabilities({ W: 0n, tau: 1n, byzantineFraction: 0.2 })).toThrow(RangeError);
    expect(() => committeeFailureProbabilities({ W: 10n, tau: 1n, byzantineFraction: 1.5 })).toThrow(RangeError);
  });
});

describe("logBinomialPmf", () => {
  it("agrees with direct evaluation", () => {
    for (const [n, p] of [
      [10, 0.3],
      [200, 0.01],
      [500, 0.5],
      [1000, 0.97],
    ] as const) {
      pmfTable(n, p).forEach((value, k) => {
        if (value < 1e-250) return;
        expect(Math.abs(Math.exp(logBinomialPmf(k, n, p)) / value - 1), `n=${n} p=${p} k=${k}`).toBeLessThan(1e-9);
      });
    }
  });
});

describe("formatting", () => {
  it("formats probabilities from log10, below the double range too", () => {
    expect(formatProbability(-Infinity)).toBe("0");
    expect(formatProbability(Math.log10(0.5))).toBe("0.5");
    expect(formatProbability(Math.log10(3.2e-15))).toBe("3.2e-15");
    expect(formatProbability(-450.3)).toBe("5.0e-451");
    expect(formatProbability(Math.log10(9.99e-7))).toBe("1.0e-6");
  });

  it("prints one line with the parameters and both probabilities", () => {
    const input = { W: 1_000_000_000n, tau: 2_000n, byzantineFraction: 0.25 };
    const line = formatCommitteeRisk(input, committeeFailureProbabilities(input));
    expect(line).not.toContain("\n");
    expect(line).toMatch(/tau=2000, W=1000000000, byzantine stake 25%/);
    expect(line).toMatch(/quorum 1334/);
    expect(line).toMatch(/P\(safety failure\)=0\.00255,/);
    expect(line).toMatch(/P\(liveness failure\)=6\.0e-6 per step$/);
  });
});
