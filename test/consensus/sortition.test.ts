import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { sortition } from "../../src/consensus/sortition.js";
import { readSharedVectors } from "../helpers/consensus-crypto-vectors.js";

interface SortitionCase {
  label: string;
  w: number | string;
  W: number | string;
  tau: number | string;
  ratio_numerator_hex: string;
  hashlen: number;
  expected_j: number | string;
}

const vectorFile = readSharedVectors("vectors/sortition-binomial.json") as { definition: string; cases: SortitionCase[] };

/** Deterministic 64-byte "VRF outputs": SHA-512 of a labelled counter. */
function seededBeta(label: string, i: number): Uint8Array {
  return sha512(new TextEncoder().encode(`${label}/${i}`));
}

function binomialCoefficient(n: bigint, k: bigint): bigint {
  let result = 1n;
  for (let i = 0n; i < k; i++) result = (result * (n - i)) / (i + 1n);
  return result;
}

/**
 * Independent reference straight from the definition: the CDF as the exact rational
 * sum_k C(w,k) tau^k (W-tau)^(w-k) / W^w, compared with m / 2^hashBits by cross-multiplication.
 */
function referenceSortition(m: bigint, hashBits: number, w: bigint, W: bigint, tau: bigint): bigint {
  const p = tau >= W ? { num: 1n, den: 1n } : { num: tau, den: W };
  let cdfNumerator = 0n;
  const denominator = p.den ** w;
  for (let j = 0n; j <= w; j++) {
    cdfNumerator += binomialCoefficient(w, j) * p.num ** j * (p.den - p.num) ** (w - j);
    if (m * denominator < cdfNumerator << BigInt(hashBits)) return j;
  }
  throw new Error("unreachable: the CDF reaches 1 at j = w");
}

function betaOf(m: bigint): Uint8Array {
  return numberToBytesBE(m, 64);
}

describe("sortition against the shared vectors", () => {
  it("reads the definition and all public cases", () => {
    expect(vectorFile.definition).toContain("strict '<'");
    expect(vectorFile.cases.length).toBe(40);
  });

  for (const [index, c] of vectorFile.cases.entries()) {
    it(`case ${index} ${c.label} (w=${c.w}, W=${c.W}, tau=${c.tau})`, () => {
      const beta = hexToBytes(c.ratio_numerator_hex);
      expect(beta.length * 8).toBe(c.hashlen); // hashlen is the bit length of the VRF output
      expect(sortition(beta, BigInt(c.w), BigInt(c.W), BigInt(c.tau))).toBe(BigInt(c.expected_j));
    });
  }
});

describe("sortition is exact", () => {
  it("matches the exact rational reference on random small parameters", () => {
    for (let i = 0; i < 300; i++) {
      const seed = bytesToNumberBE(seededBeta("params", i));
      const w = seed % 41n;
      const W = ((seed >> 8n) % 300n) + 1n;
      const tau = (seed >> 20n) % (W + 3n);
      const beta = seededBeta("ratio", i);
      const expected = referenceSortition(bytesToNumberBE(beta), 512, w, W, tau);
      expect(sortition(beta, w, W, tau), `w=${w} W=${W} tau=${tau}`).toBe(expected);
    }
  });

  it("decides ratios at and next to every CDF step (ties follow the strict '<')", () => {
    const params: [bigint, bigint, bigint][] = [
      [7n, 10n, 3n], // p = 0.3, walked from the bottom
      [9n, 1000n, 999n], // p = 0.999, walked from the top
      [12n, 2n, 1n], // p = 1/2: dyadic steps, exact ties
      [5n, 4n, 3n], // p = 3/4, dyadic, walked from the top
      [20n, 97n, 13n],
    ];
    const scale = 1n << 512n;
    for (const [w, W, tau] of params) {
      let cdfNumerator = 0n;
      const denominator = W ** w;
      for (let j = 0n; j < w; j++) {
        cdfNumerator += binomialCoefficient(w, j) * tau ** j * (W - tau) ** (w - j);
        // m0 = floor(F(j) * 2^512): F(j) is within 2^-512 of m0 / 2^512, or equal to it.
        const m0 = (cdfNumerator * scale) / denominator;
        for (const m of [m0 - 1n, m0, m0 + 1n]) {
          if (m < 0n || m >= scale) continue;
          const expected = referenceSortition(m, 512, w, W, tau);
          expect(sortition(betaOf(m), w, W, tau), `w=${w} W=${W} tau=${tau} j=${j} m-m0=${m - m0}`).toBe(expected);
        }
      }
    }
  });

  it("exact ties at p = 1/2 and p = 3/4", () => {
    const half = 1n << 511n;
    // w odd, p = 1/2: F((w-1)/2) = 1/2 exactly, so r = 1/2 is not below it.
    expect(sortition(betaOf(half), 101n, 2n, 1n)).toBe(51n);
    expect(sortition(betaOf(half - 1n), 101n, 2n, 1n)).toBe(50n);
    // w = 1, p = 3/4: F(0) = 1/4.
    expect(sortition(betaOf(1n << 510n), 1n, 4n, 3n)).toBe(1n);
    expect(sortition(betaOf((1n << 510n) - 1n), 1n, 4n, 3n)).toBe(0n);
  });

  it("an exact tie too large for exact integers still follows the strict '<' (escalated precision)", () => {
    // b^w has 140002 bits and the walk to j needs 35000 steps: beyond the exact-comparison budget,
    // so the step is decided by the 10240-bit walk, and r = F(35000) = 1/2 exactly is a tie.
    expect(sortition(betaOf(1n << 511n), 70_001n, 2n, 1n)).toBe(35_001n);
    expect(sortition(betaOf((1n << 511n) - 1n), 70_001n, 2n, 1n)).toBe(35_000n);
  });

  it("answers across the end of the shared CDF table (4,096 indices) as the definition says", () => {
    // p = 1/2 and w odd: F((w-1)/2) = 1/2 exactly. For w = 8191 the answers 4095 and 4096 are the
    // table's last index and the first one past it; for w = 8193 both lie past it.
    const half = 1n << 511n;
    for (const w of [8191n, 8193n]) {
      const mid = (w - 1n) / 2n;
      expect(sortition(betaOf(half), w, 2n, 1n), `w=${w}`).toBe(mid + 1n);
      expect(sortition(betaOf(half - 1n), w, 2n, 1n), `w=${w}`).toBe(mid);
      expect(sortition(betaOf(half + (1n << 400n)), w, 2n, 1n), `w=${w}`).toBe(mid + 1n);
    }
  });

  it("answers the same while the shared tables fill past their budget and are dropped", () => {
    // 18 stakes whose walks each fill ~4,000 table entries: more than the 65,536 all tables keep, so
    // the tables are dropped and rebuilt on the way; the first stake is asked again at the end.
    const half = 1n << 511n;
    const stakes = Array.from({ length: 18 }, (_, i) => 8001n + 2n * BigInt(i));
    for (const w of [...stakes, stakes[0]!]) {
      expect(sortition(betaOf(half - 1n), w, 2n, 1n), `w=${w}`).toBe((w - 1n) / 2n);
    }
  });

  it("handles the edges and rejects invalid parameters", () => {
    const beta = seededBeta("edges", 0);
    expect(sortition(beta, 0n, 10n, 5n)).toBe(0n);
    expect(sortition(beta, 10n, 10n, 0n)).toBe(0n);
    expect(sortition(beta, 7n, 10n, 10n)).toBe(7n);
    expect(sortition(beta, 7n, 10n, 1000n)).toBe(7n); // tau > W means p = 1
    expect(sortition(new Uint8Array(64), 1_000_000n, 1_000_001n, 1_000_000n)).toBe(0n); // r = 0
    expect(sortition(new Uint8Array([0xff]), 3n, 2n, 1n)).toBe(3n); // a 1-byte output: hashlen 8
    expect(() => sortition(new Uint8Array(0), 1n, 2n, 1n)).toThrow(RangeError);
    expect(() => sortition(beta, -1n, 2n, 1n)).toThrow(RangeError);
    expect(() => sortition(beta, 1n, 0n, 1n)).toThrow(RangeError);
    expect(() => sortition(beta, 1n, 2n, -1n)).toThrow(RangeError);
  });

  it("is non-decreasing in beta and in stake", () => {
    const ms = Array.from({ length: 40 }, (_, i) => bytesToNumberBE(seededBeta("monotone", i))).sort((a, b) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    let previous = -1n;
    for (const m of ms) {
      const j = sortition(betaOf(m), 5_000_000n, 1_000_000_000n, 2_000n);
      expect(j >= previous).toBe(true);
      previous = j;
    }
    const beta = seededBeta("monotone-stake", 0);
    let previousJ = -1n;
    for (let w = 0n; w <= 2_000_000n; w += 100_000n) {
      const j = sortition(beta, w, 1_000_000_000n, 5_000n);
      expect(j >= previousJ).toBe(true);
      previousJ = j;
    }
  });
});

function meanAndVariance(samples: number[]): { mean: number; variance: number } {
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  const variance = samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (samples.length - 1);
  return { mean, variance };
}

/** Exact Binomial(n, p) pmf for small n (doubles are fine for a test statistic). */
function binomialPmf(n: number, p: number): number[] {
  const out: number[] = [];
  for (let k = 0; k <= n; k++) out.push(Number(binomialCoefficient(BigInt(n), BigInt(k))) * p ** k * (1 - p) ** (n - k));
  return out;
}

/** Pearson chi-square of counts against expected probabilities, bins with expectation < 5 merged. */
function chiSquare(counts: number[], probabilities: number[], total: number): { statistic: number; bins: number } {
  let statistic = 0;
  let bins = 0;
  let observed = 0;
  let expected = 0;
  for (let k = 0; k < probabilities.length; k++) {
    observed += counts[k] ?? 0;
    expected += (probabilities[k] ?? 0) * total;
    const remaining = probabilities.slice(k + 1).reduce((s, x) => s + x, 0) * total;
    if (expected >= 5 && remaining >= 5) {
      statistic += (observed - expected) ** 2 / expected;
      bins++;
      observed = 0;
      expected = 0;
    }
  }
  if (expected > 0) {
    statistic += (observed - expected) ** 2 / expected;
    bins++;
  }
  return { statistic, bins };
}

// Chi-square critical values at alpha = 0.001 for df = 1..25.
const CHI2_CRITICAL_0_001 = [
  10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59, 31.26, 32.91, 34.53, 36.12, 37.7, 39.25,
  40.79, 42.31, 43.82, 45.31, 46.8, 48.27, 49.73, 51.18, 52.62,
];

describe("sortition statistics (seeded)", () => {
  it("mean and variance of j match Binomial(w, tau/W)", () => {
    const w = 10_000_000n;
    const W = 1_000_000_000n;
    const tau = 1_000n;
    const n = 2_000;
    const samples = Array.from({ length: n }, (_, i) => Number(sortition(seededBeta("mean", i), w, W, tau)));
    const { mean, variance } = meanAndVariance(samples);
    const expectedMean = Number((w * tau) / W); // 10
    const expectedVariance = expectedMean * (1 - 1e-6);
    // 5 standard errors: sd(mean) = sqrt(10/2000) ~ 0.071; sd(variance) ~ sqrt((mu4 - sigma^4)/n) ~ 0.32.
    expect(Math.abs(mean - expectedMean)).toBeLessThan(5 * Math.sqrt(expectedVariance / n));
    expect(Math.abs(variance - expectedVariance)).toBeLessThan(5 * 0.33);
  });

  it("splitting a stake into two validators leaves the distribution of total votes unchanged", () => {
    const W = 100_000n;
    const tau = 1_000n; // p = 0.01
    const [w1, w2] = [150n, 450n];
    const n = 4_000;
    const whole: number[] = [];
    const split: number[] = [];
    for (let i = 0; i < n; i++) {
      whole.push(Number(sortition(seededBeta("whole", i), w1 + w2, W, tau)));
      split.push(Number(sortition(seededBeta("part1", i), w1, W, tau) + sortition(seededBeta("part2", i), w2, W, tau)));
    }
    const pmf = binomialPmf(600, 0.01);
    const histogram = (xs: number[]) => {
      const h = new Array<number>(601).fill(0);
      for (const x of xs) h[x] = (h[x] ?? 0) + 1;
      return h;
    };
    for (const sample of [whole, split]) {
      const { statistic, bins } = chiSquare(histogram(sample), pmf, n);
      expect(bins).toBeGreaterThan(8);
      expect(statistic).toBeLessThan(CHI2_CRITICAL_0_001[bins - 2] ?? 0);
      const { mean, variance } = meanAndVariance(sample);
      expect(Math.abs(mean - 6)).toBeLessThan(5 * Math.sqrt(5.94 / n));
      expect(Math.abs(variance - 5.94)).toBeLessThan(1.2);
    }
    // And the two samples against each other: their means differ by less than 5 standard errors.
    const diff = meanAndVariance(whole).mean - meanAndVariance(split).mean;
    expect(Math.abs(diff)).toBeLessThan(5 * Math.sqrt((2 * 5.94) / n));
  });
});
