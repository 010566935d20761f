// The one address/topic matcher (eth_getLogs, log filters, "logs" subscriptions) and its bloom
// prefilter.
import { describe, expect, it } from "vitest";
import { logsBloom } from "../../src/primitives/bloom.js";
import { bloomMayMatch, logMatches } from "../../src/primitives/log-filter.js";
import type { Log } from "../../src/primitives/types.js";

const A = new Uint8Array(20).fill(0xaa);
const B = new Uint8Array(20).fill(0xbb);
const [T1, T2, T3] = [1, 2, 3].map((n) => new Uint8Array(32).fill(n)) as [Uint8Array, Uint8Array, Uint8Array];
const log: Log = { address: A, topics: [T1, T2], data: new Uint8Array(0) };

describe("log filter", () => {
  it("matches any listed address, any address when none is listed", () => {
    expect(logMatches(log, { addresses: [], topics: [] })).toBe(true);
    expect(logMatches(log, { addresses: [B, A], topics: [] })).toBe(true);
    expect(logMatches(log, { addresses: [B], topics: [] })).toBe(false);
    // Equal bytes, not the same array.
    expect(logMatches(log, { addresses: [new Uint8Array(20).fill(0xaa)], topics: [] })).toBe(true);
  });

  it("matches per topic position: null or an empty list is anything, else any listed topic", () => {
    expect(logMatches(log, { addresses: [], topics: [[T1]] })).toBe(true);
    expect(logMatches(log, { addresses: [], topics: [[T2]] })).toBe(false);
    expect(logMatches(log, { addresses: [], topics: [null, [T3, T2]] })).toBe(true);
    expect(logMatches(log, { addresses: [], topics: [[], [T2]] })).toBe(true);
    expect(logMatches(log, { addresses: [], topics: [[T1], [T1]] })).toBe(false);
    // A position the log has no topic at matches only anything.
    expect(logMatches(log, { addresses: [], topics: [null, null, null] })).toBe(true);
    expect(logMatches(log, { addresses: [], topics: [null, null, [T3]] })).toBe(false);
    expect(logMatches(log, { addresses: [A], topics: [[T1], [T2]] })).toBe(true);
    expect(logMatches(log, { addresses: [B], topics: [[T1], [T2]] })).toBe(false);
  });

  it("lets through a bloom that may hold a match, by address and topic but not position", () => {
    const bloom = logsBloom([log]);
    expect(bloomMayMatch(bloom, { addresses: [], topics: [] })).toBe(true);
    expect(bloomMayMatch(bloom, { addresses: [B, A], topics: [[T2], null, []] })).toBe(true);
    expect(bloomMayMatch(bloom, { addresses: [B], topics: [] })).toBe(false);
    expect(bloomMayMatch(bloom, { addresses: [], topics: [null, [T3]] })).toBe(false);
    expect(bloomMayMatch(new Uint8Array(256), { addresses: [], topics: [[T1]] })).toBe(false);
  });
});
