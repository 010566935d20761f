// Summaries of repeated measurements: the harness reports medians with min and max, never a mean of
// a handful of noisy runs (the machines here have 2 cores shared with other work).

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: how far apart the runs were, a direct noise figure. */
  spread: number;
  samples: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const med = median(samples);
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return { median: med, min, max, spread: med > 0 ? (max - min) / med : 0, samples: [...samples] };
}

/** "1,234" style integers and fixed decimals for tables. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
