// The claims the consensus sweep tests, stated from the measured figures (never assumed):
// messages per validator stay flat as N grows with sortition; a height commits within ~4 network
// delays at N = 1000 on the WAN with sampled committees.
import type { CommitteeMode } from "../../src/consensus/sim/scenarios.js";
import { fmt, type Summary } from "../harness/stats.js";
import type { ConsensusRunResult, NetworkName } from "./consensus-run.js";

export interface SweepRow {
  readonly network: NetworkName;
  readonly mode: CommitteeMode;
  readonly n: number;
  readonly runs: readonly ConsensusRunResult[];
  readonly summary: {
    readonly committedTxPerSecond: Summary;
    readonly finalityP50: Summary;
    readonly finalityP95: Summary;
    readonly finalityP99: Summary;
    readonly roundsPerHeight: Summary;
    readonly messagesPerValidator: Summary;
    readonly bytesPerValidator: Summary;
    readonly broadcastsPerValidator: Summary;
    readonly wallSeconds: Summary;
    readonly wallHeightsPerSecond: Summary;
  };
}

/**
 * Growth exponent of y over x between two points: y ~ x^k. 0 = flat, 1 = linear in N.
 * Messages per validator under all-to-all voting grow linearly (k ~ 1).
 */
export function growthExponent(x1: number, y1: number, x2: number, y2: number): number {
  if (!(x1 > 0 && x2 > x1 && y1 > 0 && y2 > 0)) return Number.NaN;
  return Math.log(y2 / y1) / Math.log(x2 / x1);
}

function series(rows: readonly SweepRow[], network: NetworkName, mode: CommitteeMode): SweepRow[] {
  return rows.filter((r) => r.network === network && r.mode === mode).sort((a, b) => a.n - b.n);
}

/** Within this factor of the last point (and growing no faster than N^0.1 to it), messages per validator count as flat. */
const PLATEAU_TOLERANCE = 1.1;
const PLATEAU_MAX_EXPONENT = 0.1;

/**
 * The smallest N of a series from which messages per validator stay flat up to its largest N:
 * every later point within PLATEAU_TOLERANCE of the last one and the growth from it to the last at
 * most N^PLATEAU_MAX_EXPONENT. Null when even the last two points are not flat.
 */
export function plateauStart(points: readonly { n: number; messages: number }[]): number | null {
  const last = points[points.length - 1];
  if (last === undefined || points.length < 2) return null;
  let start: number | null = null;
  for (let i = points.length - 2; i >= 0; i--) {
    const p = points[i]!;
    const flat = points.slice(i).every((q) => q.messages <= last.messages * PLATEAU_TOLERANCE && last.messages <= q.messages * PLATEAU_TOLERANCE);
    if (!flat || growthExponent(p.n, p.messages, last.n, last.messages) > PLATEAU_MAX_EXPONENT) break;
    start = p.n;
  }
  return start;
}

function flatnessNote(rows: readonly SweepRow[], network: NetworkName): string | null {
  const sampled = series(rows, network, "sampled");
  const everyone = series(rows, network, "everyone");
  if (sampled.length < 2) return null;
  const list = (s: SweepRow[]) => s.map((r) => `N=${r.n}: ${fmt(r.summary.messagesPerValidator.median)}`).join(", ");
  const m = (r: SweepRow) => r.summary.messagesPerValidator.median;
  const last = sampled[sampled.length - 1]!;
  const prev = sampled[sampled.length - 2]!;
  const kSampled = growthExponent(prev.n, m(prev), last.n, m(last));
  const evLast = everyone[everyone.length - 1];
  const evPrev = everyone[everyone.length - 2];
  const kEveryone = evPrev && evLast ? growthExponent(evPrev.n, m(evPrev), evLast.n, m(evLast)) : Number.NaN;
  const plateau = plateauStart(sampled.map((r) => ({ n: r.n, messages: m(r) })));
  const verdict =
    kSampled <= 0.2
      ? "flat: the claim holds over this step"
      : kSampled < 0.8
        ? "growing sub-linearly: the committee is still approaching its cap (about tau seats per step) at these N"
        : "growing about linearly: the claim does NOT hold at these N (the sampled committee still includes nearly everyone)";
  const plateauText =
    plateau === null
      ? `No plateau within these N (flat = within ${PLATEAU_TOLERANCE}x of the largest N's figure and growing at most N^${PLATEAU_MAX_EXPONENT}).`
      : `Plateau: from N = ${plateau} on, messages per validator stay at about ${fmt(m(last))} (within ${PLATEAU_TOLERANCE}x, growing at most N^${PLATEAU_MAX_EXPONENT}), while everyone voting grows with N.`;
  return (
    `Claim "with sortition, messages per validator stay flat as N grows" (${network}): messages received per validator per height, sampled: ${list(sampled)}; everyone: ${list(everyone)}. ` +
    `From N = ${prev.n} to ${last.n} they grow as N^${fmt(kSampled, 2)} with sampled committees (0 = flat, 1 = linear): ${verdict}; with everyone voting as N^${fmt(kEveryone, 2)}${evPrev && evLast ? ` from N = ${evPrev.n} to ${evLast.n}` : ""}. ${plateauText}`
  );
}

function wanFinalityNote(rows: readonly SweepRow[], meanDelayMs: number): string | null {
  const sampled = series(rows, "WAN", "sampled");
  const largest = sampled[sampled.length - 1];
  if (largest === undefined) return null;
  const p50 = largest.summary.finalityP50.median;
  const p99 = largest.summary.finalityP99.median;
  const delays = p50 / meanDelayMs;
  return (
    `Target "N = 1000, WAN, sampled committees: a height commits within 4 network delays plus execution" (largest N here: ${largest.n}): finality p50 ${fmt(p50)} ms = ${fmt(delays, 1)} mean one-way delays (${fmt(meanDelayMs, 1)} ms), p99 ${fmt(p99)} ms = ${fmt(p99 / meanDelayMs, 1)}; ` +
    `${delays <= 4 ? "met" : "MISSED"} at the median${largest.n < 1000 ? " (but N = 1000 was not run)" : ""}. A height is one proposal hop, the propose window (one largest delay, 150 ms, for better-priority competitors), a prevote hop and a precommit hop; the simulator does not execute blocks, so "plus execution" is not included.`
  );
}

export function claimNotes(rows: readonly SweepRow[], wanMeanDelayMs: number): string[] {
  return [flatnessNote(rows, "LAN"), flatnessNote(rows, "WAN"), wanFinalityNote(rows, wanMeanDelayMs)].filter((x): x is string => x !== null);
}
