// Binomial sortition: how many votes ("sub-users") a validator with w of W stake units gets in a
// committee of expected size tau, from its VRF output beta.
//
//   j = min{ j >= 0 : beta / 2^hashlen < sum_{k=0..j} B(k; w, p) },  p = tau / W
//
// with B(k; w, p) = C(w,k) p^k (1-p)^(w-k), beta read as an unsigned big-endian integer and
// hashlen = 8 * beta.length (512 for a VRF output). This decides votes on every node, so it must be
// exact and identical everywhere: only bigint arithmetic, no floating point.
//
// How it stays exact and fast:
// - p = a/b in lowest terms. Walk the CDF term by term, t_{k+1} = t_k * (w-k)a / ((k+1)(b-a)), with
//   terms as binary floats (bigint mantissa of P >= 640 bits, integer exponent: t_0 = (1-p)^w can be
//   2^-30000) and the running sum in fixed point with P fraction bits. Every rounding is downwards,
//   so the computed sum S' is a lower bound of the true CDF S, and S <= S' + slack with a proven slack
//   (see `slackUnits`). The ratio r is compared against [S', S' + slack]; only when r falls inside
//   (|r - S| below ~2^-620) is the step decided another way (see `decideUncertain`):
//   exact rational comparison when the integers are small enough, else the same walk at 16x the
//   precision, else the answer an exact tie would get (the strict '<' of the definition).
// - When p > 1/2 the walk runs from the top over w - X ~ Binomial(w, 1-p), so the cost is
//   O(min(j, w - j)) bigint operations plus O(log w) for the first term. Since the expected j is
//   w*tau/W <= tau, the cost is bounded by the committee size, not by the stake. tau >= W (p = 1)
//   returns w directly.
// - The walk's bounds do not depend on beta, so they are kept per (w, a, b) in a bounded table
//   (CdfTable) that every draw with the same stake and committee reads: a draw costs a few
//   comparisons, not a walk of 640-bit arithmetic.
import { toHex } from "./bytes.js";

/** Binary precision (bits) of the fast path, at least hashlen + 128. */
const MIN_PRECISION = 640;
/** Extra precision of the second try when the fast path cannot separate r from the CDF. */
const ESCALATED_PRECISION_FACTOR = 16;
/** Exact rational comparison is used when b^w has at most this many bits ... */
const EXACT_MAX_BITS = 1 << 20;
/** ... and the O(j) walk over such integers stays below this many bit-operations. */
const EXACT_MAX_WORK = 2 ** 32;
/** Keeps the error weights of the walk far below 2^precision (see `slackUnits`). */
const MAX_STAKE = 1n << 256n;
/** Float exponents are JS numbers: they stay exact below 2^53; see the check after the first term. */
const MAX_EXPONENT_MAGNITUDE = 2 ** 52;

/**
 * The number of votes j for a validator with VRF output `beta`, stake `w`, total stake `W` and
 * expected committee size `tau` (see the file comment for the definition). Throws RangeError on
 * invalid parameters (w < 0, W <= 0, tau < 0, empty beta).
 */
export function sortition(beta: Uint8Array, w: bigint, W: bigint, tau: bigint): bigint {
  if (!(beta instanceof Uint8Array) || beta.length === 0) throw new RangeError("beta must be a non-empty Uint8Array");
  if (w < 0n || w >= MAX_STAKE) throw new RangeError("stake w must be in [0, 2^256)");
  if (W <= 0n) throw new RangeError("total stake W must be > 0");
  if (tau < 0n) throw new RangeError("tau must be >= 0");
  if (w === 0n || tau === 0n) return 0n; // Binomial(0, p) or p = 0: the CDF is 1 at j = 0
  if (tau >= W) return w; // p = 1: all mass at w
  const hashBits = beta.length * 8;
  const ratioNumerator = BigInt(`0x${toHex(beta)}`); // beta big-endian (bytesToNumberBE, through the faster hex)
  // r = 0 is below the first term (1-p)^w > 0; answering here also spares the top walk O(w) steps.
  if (ratioNumerator === 0n) return 0n;

  const g = gcd(tau, W);
  const a = tau / g; // p = a / b, 0 < a < b
  const b = W / g;
  if (2n * a <= b) {
    // Smallest j with r < P(X <= j), X ~ Binomial(w, a/b).
    return smallestIndex({ w, success: a, failure: b - a, hashBits, threshold: ratioNumerator, strict: true });
  }
  // X = w - Y with Y ~ Binomial(w, (b-a)/b): r < P(X <= j)  <=>  P(Y <= w-j-1) < 1 - r, so
  // j = w - (smallest i with 1 - r <= P(Y <= i)).
  const i = smallestIndex({
    w,
    success: b - a,
    failure: a,
    hashBits,
    threshold: (1n << BigInt(hashBits)) - ratioNumerator,
    strict: false,
  });
  return w - i;
}

/** Find the smallest i with threshold/2^hashBits (<, or <= when !strict) P(Binomial(w, s/(s+f)) <= i). */
interface IndexSearch {
  w: bigint;
  success: bigint;
  failure: bigint;
  hashBits: number;
  threshold: bigint;
  strict: boolean;
}

function smallestIndex(search: IndexSearch): bigint {
  const precision = Math.max(MIN_PRECISION, search.hashBits + 128);
  const threshold = search.threshold << BigInt(precision - search.hashBits);
  // The walk's bounds depend on (w, s, f, precision) only, not on beta: read them from the shared
  // table as far as it reaches (the same values a fresh walk computes, so the same answers).
  const table = cdfTable(search.w, search.success, search.failure, precision);
  let i = 0n;
  for (let k = 0; i < search.w && k < MAX_TABLE_ENTRIES; i++, k++) {
    table.extendTo(k);
    const decided = compareWithBounds(threshold, table.lower[k] as bigint, table.slack[k] as bigint, search.strict);
    if (decided === true) return i;
    if (decided === undefined && decideUncertain(search, i)) return i;
  }
  if (i >= search.w) return search.w;
  // Beyond the table (an expected vote count in the thousands): walk on privately from index i.
  const walk = new CdfWalk(search.w, search.success, search.failure, precision);
  for (let k = 0n; k < i; k++) walk.advance();
  // At i = w the CDF is exactly 1, and threshold/2^hashBits is < 1 (strict) or <= 1 (non-strict).
  for (; i < search.w; i++, walk.advance()) {
    const decided = compareWithBounds(threshold, walk.lower, walk.slackUnits(), search.strict);
    if (decided === true) return i;
    if (decided === undefined && decideUncertain(search, i)) return i;
  }
  return search.w;
}

/** Entries one shared table holds (lower bound and slack per index, ~100 bytes each at 640 bits). */
const MAX_TABLE_ENTRIES = 4096;
/**
 * Entries all tables hold before they are dropped together (~8 MB). A validator set has a table per
 * distinct stake and tau, each only as long as its walks went (about the stake's expected votes), so
 * a realistic set stays far below this.
 */
const MAX_TOTAL_ENTRIES = 65_536;
let totalEntries = 0;

/**
 * The fast path's bounds [lower, lower + slack] of S(0), S(1), ... for one (w, s, f, precision),
 * computed once and shared: every validator with the same stake draws against the same CDF each
 * round, and only its threshold (from beta) differs. Grown on demand up to MAX_TABLE_ENTRIES.
 */
class CdfTable {
  readonly lower: bigint[] = [];
  readonly slack: bigint[] = [];
  private readonly walk: CdfWalk;

  constructor(w: bigint, success: bigint, failure: bigint, precision: number) {
    this.walk = new CdfWalk(w, success, failure, precision);
    this.record();
  }

  /** Makes index k available; call only with k < w (the walk advances only while its index < w). */
  extendTo(k: number): void {
    while (this.lower.length <= k) {
      this.walk.advance();
      this.record();
    }
  }

  private record(): void {
    this.lower.push(this.walk.lower);
    this.slack.push(this.walk.slackUnits());
    totalEntries++;
  }
}

const cdfTables = new Map<string, CdfTable>();

function cdfTable(w: bigint, success: bigint, failure: bigint, precision: number): CdfTable {
  const key = `${w}:${success}:${failure}:${precision}`;
  let table = cdfTables.get(key);
  if (table === undefined) {
    if (totalEntries >= MAX_TOTAL_ENTRIES) {
      cdfTables.clear();
      totalEntries = 0;
    }
    table = new CdfTable(w, success, failure, precision); // throws as a fresh walk would, caching nothing
    cdfTables.set(key, table);
  }
  return table;
}

/** true/false when `threshold (<|<=) S` is certain for every S in [lower, lower + slack]; else undefined. */
function compareWithBounds(threshold: bigint, lower: bigint, slack: bigint, strict: boolean): boolean | undefined {
  if (strict ? threshold < lower : threshold <= lower) return true;
  const upper = lower + slack;
  if (strict ? threshold >= upper : threshold > upper) return false;
  return undefined;
}

/** Decide `r (<|<=) P(X <= i)` when the fast path's bounds straddle r. */
function decideUncertain(search: IndexSearch, i: bigint): boolean {
  const exactBits = Number(search.w) * bitLength(search.success + search.failure);
  if (exactBits <= EXACT_MAX_BITS && exactBits * (Number(i) + 1) <= EXACT_MAX_WORK) return exactCompare(search, i);
  const precision = ESCALATED_PRECISION_FACTOR * Math.max(MIN_PRECISION, search.hashBits + 128);
  const walk = new CdfWalk(search.w, search.success, search.failure, precision);
  for (let k = 0n; k < i; k++) walk.advance();
  const threshold = search.threshold << BigInt(precision - search.hashBits);
  const decided = compareWithBounds(threshold, walk.lower, walk.slackUnits(), search.strict);
  if (decided !== undefined) return decided;
  // r is within ~2^-10000 of the CDF step and the integers are too large to compare exactly; a VRF
  // output cannot be steered there. Answer as an exact tie (r = S) would be answered: strict '<' is
  // false, '<=' is true. Deterministic on every machine, which is what consensus needs.
  return !search.strict;
}

/** Exact: threshold/2^h (<|<=) N_i / b^w with N_i = sum_{k<=i} C(w,k) s^k f^(w-k), b = s + f. */
function exactCompare(search: IndexSearch, i: bigint): boolean {
  const { w, success: s, failure: f, hashBits, threshold, strict } = search;
  let term = f ** w;
  let sum = term;
  for (let k = 0n; k < i; k++) {
    // C(w,k+1) s^(k+1) f^(w-k-1) = C(w,k) s^k f^(w-k) * (w-k) s / ((k+1) f), an exact division.
    term = (term * (w - k) * s) / ((k + 1n) * f);
    sum += term;
  }
  const lhs = threshold * (s + f) ** w;
  const rhs = sum << BigInt(hashBits);
  return strict ? lhs < rhs : lhs <= rhs;
}

/**
 * Walks the binomial CDF S(i) = P(X <= i), X ~ Binomial(w, s/(s+f)), keeping a lower bound of S(i)
 * in fixed point with `precision` fraction bits and a count of roundings for the error bound.
 *
 * Invariants: the term t_i is held as mantissa * 2^exponent with the mantissa normalized to exactly
 * `precision` bits (so each rounding loses a relative error < eps = 2^(1-precision)), every rounding
 * is towards zero (so the held term never exceeds the true one), and `lower` = sum over k <= i of
 * floor(held t_k * 2^precision).
 */
class CdfWalk {
  /** Lower bound of S(i), in units of 2^-precision. */
  lower = 0n;
  private index = 0n;
  private mantissa: bigint;
  private exponent: number;
  /**
   * Roundings behind the current term, each weighted by how often its error is multiplied in: the
   * held term is >= true term * (1 - eps)^roundings.
   */
  private roundings: bigint;
  private readonly failureBits: number;

  constructor(
    private readonly w: bigint,
    private readonly success: bigint,
    private readonly failure: bigint,
    private readonly precision: number,
  ) {
    this.failureBits = bitLength(failure);
    // t_0 = (f / (s+f))^w by square-and-multiply; base and every product are rounded down. A
    // squaring doubles the weight of the errors already in the accumulator, a multiplication by the
    // base adds the base's two roundings: the weight ends near 6w, harmless against eps = 2^-639.
    const total = success + failure;
    const shift = precision + bitLength(total);
    const base = this.normalize((failure << BigInt(shift)) / total, -shift);
    const baseRoundings = 2n;
    let acc = { mantissa: 1n << BigInt(precision - 1), exponent: 1 - precision }; // exactly 1
    let roundings = 0n;
    for (let bit = bitLength(w) - 1; bit >= 0; bit--) {
      acc = this.normalize(acc.mantissa * acc.mantissa, 2 * acc.exponent);
      roundings = 2n * roundings + 1n;
      if ((w >> BigInt(bit)) & 1n) {
        acc = this.normalize(acc.mantissa * base.mantissa, acc.exponent + base.exponent);
        roundings += baseRoundings + 1n;
      }
    }
    // The exponent is about log2(t_0) - precision >= -w*log2(b/f); beyond 2^52 the walk to the
    // answer would take more than ~2^40 steps anyway, so such parameters are rejected, not mis-added.
    if (-acc.exponent > MAX_EXPONENT_MAGNITUDE) throw new RangeError("sortition: expected vote count too large");
    this.mantissa = acc.mantissa;
    this.exponent = acc.exponent;
    this.roundings = roundings;
    this.lower = this.termUnits();
  }

  /** Move from S(i) to S(i+1): t_{i+1} = t_i * (w-i) s / ((i+1) f). Call only while i < w. */
  advance(): void {
    const i = this.index;
    const numerator = (this.w - i) * this.success;
    const denominator = (i + 1n) * this.failure;
    // Shift left by >= bitLength(denominator) so the quotient keeps >= precision bits.
    const shift = bitLength(i + 1n) + this.failureBits;
    const next = this.normalize(((this.mantissa * numerator) << BigInt(shift)) / denominator, this.exponent - shift);
    this.mantissa = next.mantissa;
    this.exponent = next.exponent;
    this.roundings += 2n; // the division and the normalization
    this.index = i + 1n;
    this.lower += this.termUnits();
  }

  /**
   * An upper bound of S(i) - lower, in units of 2^-precision. The weights only grow with k, so with
   * n = the current weight, t_k <= held_k / (1-eps)^n <= held_k (1 + 2 n eps) (as n eps <= 1/2), and
   * held_k < floored_k + 1 unit, so
   *   S(i) <= (lower + (i+1)) (1 + 2 n eps) <= lower + (i+1) + 4n + 1
   * using lower <= 2^precision and 4n(i+1) < 2^precision (w < 2^256 and i <= w keep n and i far below
   * that). Returned with one more unit to spare.
   */
  slackUnits(): bigint {
    return this.index + 1n + 4n * this.roundings + 2n;
  }

  /** floor(t_i * 2^precision), the current term in fixed point (exact truncation of the held float). */
  private termUnits(): bigint {
    const shift = this.exponent + this.precision;
    if (shift >= 0) return this.mantissa << BigInt(shift);
    return -shift >= this.precision ? 0n : this.mantissa >> BigInt(-shift); // the mantissa has `precision` bits
  }

  /** Truncate a positive mantissa to exactly `precision` bits (rounding toward zero). */
  private normalize(mantissa: bigint, exponent: number): { mantissa: bigint; exponent: number } {
    const excess = bitLength(mantissa) - this.precision;
    if (excess > 0) return { mantissa: mantissa >> BigInt(excess), exponent: exponent + excess };
    if (excess < 0) return { mantissa: mantissa << BigInt(-excess), exponent: exponent + excess };
    return { mantissa, exponent };
  }
}

function bitLength(x: bigint): number {
  if (x <= 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(Number.parseInt(hex[0] ?? "0", 16)));
}

function gcd(x: bigint, y: bigint): bigint {
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}
