// A binary min-heap whose items remember their own position, so that an item whose key changed can
// be moved, or any item removed, in O(log n). The pool keeps its senders in two of these (eviction
// order) and block selection keeps one of per-sender cursors (inclusion order).

export interface HeapSlot {
  /** Position in the heap, -1 when not in it. Only the heap writes it. */
  heapPos: number;
}

export class IndexedHeap<T> {
  private items: T[] = [];

  /**
   * @param before true when `a` must come out before `b`.
   * @param slot the position field of an item (an item may sit in several heaps, one field each).
   */
  constructor(
    private readonly before: (a: T, b: T) => boolean,
    private readonly slot: (item: T) => HeapSlot,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.slot(item).heapPos >= 0;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.place(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  remove(item: T): void {
    const pos = this.slot(item).heapPos;
    if (pos >= 0) this.removeAt(pos);
  }

  /** Inserts the item, or restores heap order after its key changed. */
  upsert(item: T): void {
    const pos = this.slot(item).heapPos;
    if (pos < 0) {
      this.push(item);
      return;
    }
    if (!this.up(pos)) this.down(pos);
  }

  /** Replaces the content with `items` in O(n). */
  rebuild(items: T[]): void {
    for (const item of this.items) this.slot(item).heapPos = -1;
    this.items = items.slice();
    this.items.forEach((item, i) => this.place(item, i));
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private removeAt(pos: number): void {
    const items = this.items;
    this.slot(items[pos]).heapPos = -1;
    const last = items.pop() as T;
    if (pos === items.length) return;
    this.place(last, pos);
    if (!this.up(pos)) this.down(pos);
  }

  private place(item: T, pos: number): void {
    this.items[pos] = item;
    this.slot(item).heapPos = pos;
  }

  /** Moves the item at `pos` towards the root; true if it moved. */
  private up(pos: number): boolean {
    const items = this.items;
    const item = items[pos];
    const start = pos;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.before(item, items[parent])) break;
      this.place(items[parent], pos);
      pos = parent;
    }
    if (pos !== start) this.place(item, pos);
    return pos !== start;
  }

  private down(pos: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[pos];
    const start = pos;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(items[right], items[left]) ? right : left;
      if (!this.before(items[child], item)) break;
      this.place(items[child], pos);
      pos = child;
    }
    if (pos !== start) this.place(item, pos);
  }
}
