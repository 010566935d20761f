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

function flatnessNote(rows: readonly SweepRow[], network: NetworkName): string | null {
  const sampled = series(rows, network, "sampled");
  const everyone = series(rows, network, "everyone");
  if (sampled.length < 2) return null;
  const list = (s: SweepRow[]) => s.map((r) => `N=${r.n}: ${fmt(r.summary.messagesPerValidator.median)}`).join(", ");
  const last = sampled[sampled.length - 1]!;
  const prev = sampled[sampled.length - 2]!;
  const m = (r: SweepRow) => r.summary.messagesPerValidator.median;
  const kSampled = growthExponent(prev.n, m(prev), last.n, m(last));
  const evPrev = everyone.find((r) => r.n === prev.n);
  const evLast = everyone.find((r) => r.n === last.n);
  const kEveryone = evPrev && evLast ? growthExponent(prev.n, m(evPrev), last.n, m(evLast)) : Number.NaN;
  const verdict =
    kSampled <= 0.2
      ? "flat: the claim holds over this step"
      : kSampled < 0.8
        ? "growing sub-linearly: the committee is still approaching its cap (about tau seats per step) at these N"
        : "growing about linearly: the claim does NOT hold at these N (the sampled committee still includes nearly everyone)";
  return (
    `Claim "with sortition, messages per validator stay flat as N grows" (${network}): messages received per validator per height, sampled: ${list(sampled)}; everyone: ${list(everyone)}. ` +
    `From N = ${prev.n} to ${last.n} they grow as N^${fmt(kSampled, 2)} with sampled committees and N^${fmt(kEveryone, 2)} with everyone voting (0 = flat, 1 = linear): ${verdict}.`
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
