// Address/topic log filters, the one set of rules eth_getLogs, log filters and "logs" subscriptions
// share: any listed address (none listed: any address), and per topic position either anything or
// any of the listed topics. A position that is null, missing or an empty list matches anything, as
// geth reads it (rpc/'s parser already turns an empty list into null). Also the bloom prefilter:
// whether a block's (or receipt's) logs bloom may hold a log that matches.
import { equalsBytes } from "@ethereumjs/util";
import { bloomContains } from "./bloom.js";
import type { Address20, Hash32, Log } from "./types.js";

export interface LogCriteria {
  /** Any of these addresses (empty: any). */
  addresses: Address20[];
  /** Per position: null (or an empty list) matches anything, otherwise any of the listed topics. */
  topics: Array<Hash32[] | null>;
}

export function logMatches(log: Pick<Log, "address" | "topics">, criteria: LogCriteria): boolean {
  if (criteria.addresses.length > 0 && !criteria.addresses.some((a) => equalsBytes(a, log.address))) return false;
  for (const [i, alternatives] of criteria.topics.entries()) {
    if (!alternatives || alternatives.length === 0) continue;
    const topic = log.topics[i];
    if (!topic || !alternatives.some((t) => equalsBytes(t, topic))) return false;
  }
  return true;
}

/** false when no log under `bloom` can match (a bloom has false positives, never false negatives). */
export function bloomMayMatch(bloom: Uint8Array, criteria: LogCriteria): boolean {
  if (criteria.addresses.length > 0 && !criteria.addresses.some((a) => bloomContains(bloom, a))) return false;
  for (const alternatives of criteria.topics) {
    if (alternatives && alternatives.length > 0 && !alternatives.some((t) => bloomContains(bloom, t))) return false;
  }
  return true;
}
