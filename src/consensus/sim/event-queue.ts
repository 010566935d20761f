// A min-priority queue of simulator events keyed by virtual time; ties are broken by insertion
// order (a sequence number), so the processing order is fully deterministic.
//
// A binary heap kept as three parallel arrays (times, sequence numbers, items) rather than one
// entry object per push: the simulator pushes once per message delivery (hundreds of thousands of
// times per run), and those entries were a good part of its garbage.

export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(time: number, item: T): void {
    const { times, seqs, items } = this;
    const seq = this.seq++;
    let i = items.length;
    times.push(time);
    seqs.push(seq);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(time, seq, times[parent] as number, seqs[parent] as number)) break;
      this.move(parent, i);
      i = parent;
    }
    this.put(i, time, seq, item);
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  /** Removes and returns the earliest item (peekTime() gave its time), or undefined when empty. */
  pop(): T | undefined {
    const { times, seqs, items } = this;
    if (items.length === 0) return undefined;
    const top = items[0] as T;
    const time = times.pop() as number;
    const seq = seqs.pop() as number;
    const item = items.pop() as T;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && less(times[r] as number, seqs[r] as number, times[l] as number, seqs[l] as number) ? r : l;
        if (!less(times[child] as number, seqs[child] as number, time, seq)) break;
        this.move(child, i);
        i = child;
      }
      this.put(i, time, seq, item);
    }
    return top;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.items[to] = this.items[from] as T;
  }

  private put(at: number, time: number, seq: number, item: T): void {
    this.times[at] = time;
    this.seqs[at] = seq;
    this.items[at] = item;
  }
}

function less(timeA: number, seqA: number, timeB: number, seqB: number): boolean {
  return timeA < timeB || (timeA === timeB && seqA < seqB);
}
