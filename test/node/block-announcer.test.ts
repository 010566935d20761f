// The announcement policy: the proposer announces a committed block at once; any other validator only
// after the backup delay, and not at all when the block's announcement reached it meanwhile.
import { describe, expect, it } from "vitest";
import { BlockAnnouncer, type AnnouncerTimers } from "../../src/node/block-announcer.js";

/** Timers run by hand: the test decides when the backup delay has passed. */
class ManualTimers implements AnnouncerTimers {
  private next = 0;
  readonly due = new Map<number, { run: () => void; ms: number }>();
  set(run: () => void, ms: number): unknown {
    const id = ++this.next;
    this.due.set(id, { run, ms });
    return id;
  }
  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }
  fireAll(): void {
    const all = [...this.due.values()];
    this.due.clear();
    for (const t of all) t.run();
  }
}

const me = new Uint8Array(20).fill(1);
const other = new Uint8Array(20).fill(2);
const hash = (b: number) => new Uint8Array(32).fill(b);
const ann = (b: number) => new Uint8Array([b]);

function setup() {
  const timers = new ManualTimers();
  const published: number[] = [];
  const a = new BlockAnnouncer({
    isLocalProposer: (p) => p[0] === me[0],
    publish: (bytes) => published.push(bytes[0]!),
    backupDelayMs: 1_000,
    timers,
  });
  return { timers, published, a };
}

describe("BlockAnnouncer", () => {
  it("announces a block its own validator proposed at once, with no backup waiting", () => {
    const { timers, published, a } = setup();
    a.committed(hash(1), me, ann(1));
    expect(published).toEqual([1]);
    expect(timers.due.size).toBe(0);
  });

  it("announces another proposer's block only after the backup delay, when no announcement came", () => {
    const { timers, published, a } = setup();
    a.committed(hash(2), other, ann(2));
    expect(published).toEqual([]);
    expect([...timers.due.values()].map((t) => t.ms)).toEqual([1_000]);
    timers.fireAll();
    expect(published).toEqual([2]);
    expect(a.pending).toBe(0);
  });

  it("skips the backup when the block's announcement was seen, and only for that block", () => {
    const { timers, published, a } = setup();
    a.committed(hash(3), other, ann(3));
    a.committed(hash(4), other, ann(4));
    a.seen(hash(3));
    a.seen(hash(9)); // an announcement of a block not waiting changes nothing
    expect(a.pending).toBe(1);
    timers.fireAll();
    expect(published).toEqual([4]);
  });

  it("schedules no backup for a block whose announcement came while its own commit ran", () => {
    const { timers, published, a } = setup();
    a.seen(hash(8));
    a.committed(hash(8), other, ann(8));
    expect(timers.due.size).toBe(0);
    // What is remembered is bounded: 64 later announcements push the first out.
    for (let i = 100; i < 164; i++) a.seen(hash(i));
    a.committed(hash(8), other, ann(8));
    timers.fireAll();
    expect(published).toEqual([8]);
  });

  it("schedules one backup per block and none after stop", () => {
    const { timers, published, a } = setup();
    a.committed(hash(5), other, ann(5));
    a.committed(hash(5), other, ann(5));
    expect(timers.due.size).toBe(1);
    a.stop();
    expect(timers.due.size).toBe(0);
    a.committed(hash(6), me, ann(6));
    a.committed(hash(7), other, ann(7));
    timers.fireAll();
    expect(published).toEqual([]);
  });

  it("bounds the backups waiting, dropping the oldest", () => {
    const { timers, published, a } = setup();
    for (let i = 0; i < 70; i++) a.committed(hash(i), other, ann(i));
    expect(a.pending).toBe(64);
    timers.fireAll();
    expect(published).toEqual(Array.from({ length: 64 }, (_, i) => i + 6));
  });
});
