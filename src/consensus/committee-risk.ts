// The chance that one committee step fails, for the operator's log at node start. A report, not
// consensus: floating point is fine here (sortition itself is exact, see sortition.ts).
//
// Model. Stake is split into W units; the byzantine side holds B = ceil(h*W) of them (rounded
// against us), the honest side H = W - B. With p = min(tau/W, 1) every unit is an independent
// Binomial trial (this is what binomial sortition gives, summed over validators), so
//   X_h ~ Binomial(H, p) honest votes,  X_b ~ Binomial(B, p) byzantine votes.
// The expected committee is T = min(tau, W) votes and a quorum is strictly more than 2/3 of it:
//   Q = floor(2T/3) + 1 votes.
// - Liveness fails when honest votes alone cannot reach a quorum (byzantine validators abstain):
//     P(X_h < Q).
// - Safety fails when two conflicting quorums can both form. Byzantine validators vote for both
//   values, honest ones for at most one, and a network adversary can split the honest votes as it
//   likes, so the two quorums hold at most 2 X_b + X_h votes together:
//     P(2 X_b + X_h >= 2Q).
//   With p = 1 this is exact arithmetic: W + B >= 2Q > 4W/3 needs B > W/3, so h < 1/3 gives 0.
//
// Numerics. Binomial probabilities are computed in log space with Loader's saddle-point form
// ("Fast and accurate computation of binomial probabilities", 2000; the algorithm behind R's dbinom),
// which stays accurate for n up to ~1e18 and tiny p. Tails are summed from their boundary away from
// the mode until the terms stop mattering (or via the complement when the boundary is past the
// mode), so they are right however deep they are; the byzantine sum in the safety term runs over
// mean +- (40 sd + 300), outside which its mass is below e^-300 (Bernstein's inequality).
export interface CommitteeRiskInput {
  /** Total stake units. */
  W: bigint | number;
  /** Expected committee size (votes) of the step. */
  tau: bigint | number;
  /** Assumed byzantine share of the stake, in [0, 1]. */
  byzantineFraction: number;
}

export interface CommitteeRisk {
  /** P(2 X_b + X_h >= 2Q): two conflicting quorums are possible. */
  safety: number;
  /** P(X_h < Q): honest votes miss the quorum. */
  liveness: number;
  /** log10 of `safety` (-Infinity for 0); still meaningful where `safety` underflows to 0. */
  log10Safety: number;
  /** log10 of `liveness` (-Infinity for 0). */
  log10Liveness: number;
  /** T = min(tau, W) votes. */
  expectedCommittee: number;
  /** Q = floor(2T/3) + 1 votes. */
  quorum: number;
}

const LN_2PI = Math.log(2 * Math.PI);
const LN_10 = Math.log(10);
const WINDOW_SDS = 40;
const WINDOW_EXTRA = 300;
/** More terms than this means a committee of ~1e9 votes or more: not a configuration worth modelling. */
const MAX_TERMS = 5_000_000;
/** A tail term below e^-46 (~1e-20) of the running sum no longer changes a double. */
const NEGLIGIBLE_LOG_RATIO = -46;

export function committeeFailureProbabilities(input: CommitteeRiskInput): CommitteeRisk {
  const W = BigInt(input.W);
  const tau = BigInt(input.tau);
  const h = input.byzantineFraction;
  if (W <= 0n) throw new RangeError("W must be > 0");
  if (tau < 0n) throw new RangeError("tau must be >= 0");
  if (!(h >= 0 && h <= 1)) throw new RangeError("byzantineFraction must be in [0, 1]");

  const committee = tau < W ? tau : W;
  const quorum = (2n * committee) / 3n + 1n;
  let byzantineUnits = BigInt(Math.ceil(h * Number(W)));
  if (byzantineUnits > W) byzantineUnits = W;
  const honestUnits = W - byzantineUnits;
  // p and 1 - p from the integers, so neither loses precision when the other is tiny.
  const p = tau >= W ? 1 : Number(tau) / Number(W);
  const q = tau >= W ? 0 : Number(W - tau) / Number(W);
  const honest = new Binomial(Number(honestUnits), p, q);
  const byzantine = new Binomial(Number(byzantineUnits), p, q);
  const Q = Number(quorum);

  const lnLiveness = honest.logLowerTail(Q - 1);

  // Safety: sum over x_b of P(X_b = x_b) * P(X_h >= 2Q - 2 x_b), x_b over the byzantine window. The
  // honest tails needed form a range walked once from its top: tail(k) = tail(k+1) + pmf(k).
  const [lo, hi] = byzantine.window();
  const needTop = 2 * Q - 2 * lo;
  const needBottom = 2 * Q - 2 * hi;
  const tails = new Map<number, number>();
  let tail = honest.logUpperTail(needTop + 1);
  for (let k = needTop; k >= needBottom; k--) {
    tail = logAddExp(tail, honest.logPmf(k));
    tails.set(k, tail);
  }
  const safetyTerms: number[] = [];
  for (let xb = lo; xb <= hi; xb++) {
    safetyTerms.push(byzantine.logPmf(xb) + (tails.get(2 * Q - 2 * xb) ?? -Infinity));
  }
  const lnSafety = logSumExp(safetyTerms);

  return {
    safety: Math.min(1, Math.exp(lnSafety)),
    liveness: Math.min(1, Math.exp(lnLiveness)),
    log10Safety: Math.min(0, lnSafety / LN_10),
    log10Liveness: Math.min(0, lnLiveness / LN_10),
    expectedCommittee: Number(committee),
    quorum: Q,
  };
}

/** One line for the node's start-up log. */
export function formatCommitteeRisk(input: CommitteeRiskInput, risk: CommitteeRisk): string {
  const pct = (input.byzantineFraction * 100).toFixed(1).replace(/\.0$/, "");
  return (
    `committee risk (tau=${String(input.tau)}, W=${String(input.W)}, byzantine stake ${pct}%): ` +
    `expected committee ${risk.expectedCommittee} votes, quorum ${risk.quorum}; ` +
    `P(safety failure)=${formatProbability(risk.log10Safety)}, ` +
    `P(liveness failure)=${formatProbability(risk.log10Liveness)} per step`
  );
}

/** "3.2e-15" from log10 p, also for p far below the smallest double. */
export function formatProbability(log10p: number): string {
  if (log10p === -Infinity) return "0";
  if (log10p >= -3) return Number((10 ** log10p).toPrecision(3)).toString();
  let exponent = Math.floor(log10p);
  let mantissa = 10 ** (log10p - exponent);
  if (Number(mantissa.toFixed(1)) >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  return `${mantissa.toFixed(1)}e${exponent}`;
}

/** Binomial(n, p) in log space; q = 1 - p is given separately so that neither loses precision. */
class Binomial {
  private readonly mode: number;

  constructor(
    private readonly n: number,
    private readonly p: number,
    private readonly q: number,
  ) {
    this.mode = q === 0 ? n : Math.min(n, Math.floor((n + 1) * p));
  }

  logPmf(k: number): number {
    return logBinomialPmf(k, this.n, this.p, this.q);
  }

  /** [lo, hi] = mean +- (40 sd + 300) within [0, n]: all but < e^-300 of the mass. */
  window(): [number, number] {
    const { n, p, q } = this;
    const mean = n * p;
    const spread = WINDOW_SDS * Math.sqrt(n * p * q) + WINDOW_EXTRA;
    if (2 * spread > MAX_TERMS) throw new RangeError("committee too large for the risk report (tau around 1e9 or more)");
    return [Math.max(0, Math.floor(mean - spread)), Math.min(n, Math.ceil(mean + spread))];
  }

  /** log P(X <= k). */
  logLowerTail(k: number): number {
    if (k < 0) return -Infinity;
    if (k >= this.n) return 0;
    if (k >= this.mode) return log1mExp(this.logUpperTail(k + 1));
    return this.sumAwayFromMode(k, -1);
  }

  /** log P(X >= k). */
  logUpperTail(k: number): number {
    if (k <= 0) return 0;
    if (k > this.n) return -Infinity;
    if (k <= this.mode) return log1mExp(this.logLowerTail(k - 1));
    return this.sumAwayFromMode(k, 1);
  }

  /** log of sum of pmf(k), pmf(k + step), ... : the terms shrink away from the mode, so stop once negligible. */
  private sumAwayFromMode(k: number, step: 1 | -1): number {
    const first = this.logPmf(k);
    if (first === -Infinity) return -Infinity; // outside the support (p = 0 or 1): so is everything beyond
    let acc = first;
    for (let i = k + step, terms = 1; i >= 0 && i <= this.n && terms < MAX_TERMS; i += step, terms++) {
      const term = this.logPmf(i);
      if (term < acc + NEGLIGIBLE_LOG_RATIO) break;
      acc = logAddExp(acc, term);
    }
    return acc;
  }
}

/** log P(X = x), X ~ Binomial(n, p), Loader's form: exact at the ends, saddle point inside. */
export function logBinomialPmf(x: number, n: number, p: number, q: number = 1 - p): number {
  if (x < 0 || x > n) return -Infinity;
  if (p === 0) return x === 0 ? 0 : -Infinity;
  if (q === 0) return x === n ? 0 : -Infinity;
  if (x === 0) return p < 0.5 ? n * Math.log1p(-p) : n * Math.log(q);
  if (x === n) return q < 0.5 ? n * Math.log1p(-q) : n * Math.log(p);
  const lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

// stirlingError(n) = ln(n!) - [(n + 1/2) ln n - n + ln sqrt(2 pi)] for integers n >= 1.
const SMALL_STIRLING_ERRORS: number[] = (() => {
  const out = [0];
  let lnFactorial = 0;
  for (let n = 1; n <= 15; n++) {
    lnFactorial += Math.log(n);
    out.push(lnFactorial - ((n + 0.5) * Math.log(n) - n + 0.5 * LN_2PI));
  }
  return out;
})();

function stirlingError(n: number): number {
  if (n <= 15) return SMALL_STIRLING_ERRORS[Math.round(n)] ?? 0;
  // Asymptotic series 1/(12n) - 1/(360n^3) + 1/(1260n^5) - 1/(1680n^7) + 1/(1188n^9), truncated as in R.
  const nn = n * n;
  const S0 = 1 / 12, S1 = 1 / 360, S2 = 1 / 1260, S3 = 1 / 1680, S4 = 1 / 1188;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/** x ln(x/np) + np - x, computed without cancellation when x is near np. */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / np) + np - x;
}

/** log(1 - e^x) for x <= 0, accurate at both ends. */
function log1mExp(x: number): number {
  if (x === -Infinity) return 0;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

function logSumExp(values: number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
