// Which committed blocks this node announces on the block topic, and when. Every validator commits
// every block at about the same time; when each announced what it committed, every block reached
// every peer once per validator (the copies differ by certificate, so gossipsub cannot drop them as
// duplicates): in a 4-validator localnet under load, a sixth of the bytes a validator received were
// announcements of blocks it had committed itself.
//
// Now the block's proposer announces it at once. Everyone else who committed it through consensus
// waits `backupDelayMs` and announces it only if no announcement of that block reached it meanwhile
// (the proposer crashed, or was cut off): a peer that missed the agreement still gets the block.
import { bytesToHex } from "@ethereumjs/util";

export interface AnnouncerTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface BlockAnnouncerOptions {
  /** Whether one of this node's validators is `proposer` (a block header's proposer address). */
  isLocalProposer(proposer: Uint8Array): boolean;
  publish(announcement: Uint8Array): void;
  backupDelayMs: number;
  timers?: AnnouncerTimers;
}

/** Backups waiting at most; each waits about one block time, so a handful is the normal number. */
const MAX_WAITING = 64;
/** Announcements seen remembered, for one that arrives while this node's own commit of the block runs. */
const MAX_SEEN = 64;

const realTimers: AnnouncerTimers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class BlockAnnouncer {
  /** Backup announcements waiting, by block hash (hex), in the order they were scheduled. */
  private readonly waiting = new Map<string, unknown>();
  /** Blocks (hash, hex) whose announcement came from a peer, most recent last. */
  private readonly seenHashes = new Set<string>();
  private readonly timers: AnnouncerTimers;
  private stopped = false;

  constructor(private readonly o: BlockAnnouncerOptions) {
    this.timers = o.timers ?? realTimers;
  }

  /** A block this node's consensus committed, with its announcement (block and certificate). */
  committed(blockHash: Uint8Array, proposer: Uint8Array, announcement: Uint8Array): void {
    if (this.stopped) return;
    if (this.o.isLocalProposer(proposer)) {
      this.o.publish(announcement);
      return;
    }
    const key = bytesToHex(blockHash);
    if (this.waiting.has(key) || this.seenHashes.has(key)) return;
    if (this.waiting.size >= MAX_WAITING) {
      // Only when timers stall: the oldest backup is dropped (its proposer announced the block, and a
      // peer that missed that announcement syncs when the next one shows it behind).
      const [oldest, handle] = this.waiting.entries().next().value as [string, unknown];
      this.timers.clear(handle);
      this.waiting.delete(oldest);
    }
    const handle = this.timers.set(() => {
      if (!this.waiting.delete(key) || this.stopped) return;
      this.o.publish(announcement);
    }, this.o.backupDelayMs);
    this.waiting.set(key, handle);
  }

  /** An announcement of this block (hash) arrived from a peer and found it known here: no backup needed. */
  seen(blockHash: Uint8Array): void {
    const key = bytesToHex(blockHash);
    // It may come before this node's commit of the block is told (the commit was running): remembered.
    this.seenHashes.delete(key);
    this.seenHashes.add(key);
    if (this.seenHashes.size > MAX_SEEN) this.seenHashes.delete(this.seenHashes.values().next().value as string);
    const handle = this.waiting.get(key);
    if (handle === undefined) return;
    this.timers.clear(handle);
    this.waiting.delete(key);
  }

  /** How many backups wait (metrics, tests). */
  get pending(): number {
    return this.waiting.size;
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.waiting.values()) this.timers.clear(handle);
    this.waiting.clear();
    this.seenHashes.clear();
  }
}
