// A small least-recently-used map (Map keeps insertion order; re-inserting marks as recent). Bounded
// by entry count, and optionally by a total weight too (e.g. the transactions of cached blocks,
// whose sizes differ by a thousand times): the least recent entries go until both bounds hold.
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  private readonly weights = new Map<K, number>();
  private totalWeight = 0;

  /**
   * @param capacity most entries kept
   * @param weigh with `maxWeight`: an entry's weight (non-negative), fixed while it is cached
   */
  constructor(
    private readonly capacity: number,
    private readonly weigh?: (value: V) => number,
    private readonly maxWeight = Infinity,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Total weight of the entries held (0 without a weigher). */
  get weight(): number {
    return this.totalWeight;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.delete(key);
    this.map.set(key, value);
    if (this.weigh !== undefined) {
      const w = this.weigh(value);
      this.weights.set(key, w);
      this.totalWeight += w;
    }
    // The newest entry stays even if it alone outweighs the bound: a cache that drops what was just
    // read would make every reader go to the database twice.
    while (this.map.size > 1 && (this.map.size > this.capacity || this.totalWeight > this.maxWeight)) {
      this.delete(this.map.keys().next().value as K);
    }
  }

  delete(key: K): void {
    if (!this.map.delete(key)) return;
    const w = this.weights.get(key);
    if (w !== undefined) {
      this.totalWeight -= w;
      this.weights.delete(key);
    }
  }
}
