// LruCache: the least recently used entries go first, by count and, with a weigher, by total weight.
import { describe, expect, it } from "vitest";
import { LruCache } from "../../src/util/lru.js";

describe("LruCache", () => {
  it("drops the least recently used entry past its capacity", () => {
    const c = new LruCache<string, number>(2);
    c.set("a", 1);
    c.set("b", 2);
    expect(c.get("a")).toBe(1); // a is now the most recent
    c.set("c", 3);
    expect([c.get("a"), c.get("b"), c.get("c")]).toEqual([1, undefined, 3]);
    expect(c.size).toBe(2);
  });

  it("keeps the total weight within its bound, and the newest entry even if it alone is heavier", () => {
    const c = new LruCache<string, number[]>(100, (v) => v.length, 10);
    c.set("a", [1, 2, 3, 4]);
    c.set("b", [1, 2, 3, 4]);
    expect(c.weight).toBe(8);
    c.get("a");
    c.set("c", [1, 2, 3]); // 11 > 10: b, the least recent, goes
    expect([c.get("a") !== undefined, c.get("b") !== undefined, c.get("c") !== undefined]).toEqual([true, false, true]);
    expect(c.weight).toBe(7);
    c.set("a", [1]); // replacing re-weighs
    expect(c.weight).toBe(4);
    c.set("huge", new Array<number>(50).fill(0));
    expect(c.size).toBe(1);
    expect(c.weight).toBe(50);
    c.delete("huge");
    expect([c.size, c.weight]).toEqual([0, 0]);
  });
});
