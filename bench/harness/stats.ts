// Summaries of measurements. Repeated runs are reported as median with min and max (never a mean of
// a few noisy runs: the machines here have 2 cores shared with other work); latency samples within
// one run as percentiles.

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The per-run values the summary was taken over, in run order. */
  readonly samples: readonly number[];
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The q-quantile (0 <= q <= 1) by linear interpolation between closest ranks (Hyndman-Fan type 7,
 * what numpy and R use by default). NaN for no values.
 */
export function quantileOfSorted(s: readonly number[], q: number): number {
  if (s.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileOfSorted(sorted(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function percentiles(values: readonly number[]): Percentiles {
  const s = sorted(values);
  return {
    count: s.length,
    p50: quantileOfSorted(s, 0.5),
    p95: quantileOfSorted(s, 0.95),
    p99: quantileOfSorted(s, 0.99),
    max: s.length > 0 ? s[s.length - 1]! : Number.NaN,
  };
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [] };
  const s = sorted(samples);
  return { median: quantileOfSorted(s, 0.5), min: s[0]!, max: s[s.length - 1]!, samples: [...samples] };
}

/** A ratio of medians, NaN when the denominator is not a positive number. */
export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 && Number.isFinite(numerator) ? numerator / denominator : Number.NaN;
}

/** "1,234" style numbers for tables; "n/a" for NaN. */
export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return "n/a";
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "median (min-max)" for a table cell. */
export function fmtSummary(s: Summary, digits = 0): string {
  if (s.samples.length <= 1) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

/** A long list of problems in one line: the first few, then how many more. */
export function summarizeProblems(problems: readonly string[], show = 2): string {
  if (problems.length <= show + 1) return problems.join("; ");
  return `${problems.slice(0, show).join("; ")}; and ${problems.length - show} more`;
}
