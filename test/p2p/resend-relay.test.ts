// The re-send relay limit alone: one relayed re-send per payload per interval, and a bounded memory.
import { describe, expect, it } from "vitest";
import { ResendRelayLimiter } from "../../src/p2p/resend-relay.js";

const payload = (i: number) => Uint8Array.of(1, 2, i & 0xff, i >> 8);

describe("ResendRelayLimiter", () => {
  it("relays a payload's re-send once per interval, each payload on its own clock", () => {
    const l = new ResendRelayLimiter(1_500, 100);
    expect(l.admit(payload(1), 10_000)).toBe(true);
    expect(l.admit(payload(1), 10_001)).toBe(false);
    expect(l.admit(payload(1), 11_499)).toBe(false);
    expect(l.admit(payload(2), 11_499)).toBe(true); // another payload is not held back
    expect(l.admit(payload(1), 11_500)).toBe(true);
    expect(l.admit(payload(1), 12_000)).toBe(false); // the interval restarts at the last relay
  });

  it("forgets the oldest payloads past its bound, so memory stays bounded", () => {
    const l = new ResendRelayLimiter(1_500, 100);
    for (let i = 0; i < 101; i++) expect(l.admit(payload(i), 0)).toBe(true);
    expect(l.admit(payload(0), 1)).toBe(true); // evicted: relayed again
    expect(l.admit(payload(100), 1)).toBe(false); // still remembered
  });
});
