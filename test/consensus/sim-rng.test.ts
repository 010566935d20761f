// The simulator's seeded generator: bytes() runs the generator in locals (issue 13) and must give
// the bytes, and leave the state, that one nextUint32() per byte gives.
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../src/consensus/sim/rng.js";

describe("SeededRandom.bytes", () => {
  it("is the low byte of one nextUint32() per byte, and the stream continues alike", () => {
    for (const length of [0, 1, 7, 256, 110_000]) {
      const fast = new SeededRandom(`rng-${length}`);
      const slow = new SeededRandom(`rng-${length}`);
      const bytes = fast.bytes(length);
      const expected = Uint8Array.from({ length }, () => slow.nextUint32() & 0xff);
      expect(bytes).toEqual(expected);
      expect([fast.nextUint32(), fast.next(), fast.int(1000)]).toEqual([slow.nextUint32(), slow.next(), slow.int(1000)]);
    }
  });

  it("differs between seeds", () => {
    expect(new SeededRandom("a").bytes(32)).not.toEqual(new SeededRandom("b").bytes(32));
  });
});
