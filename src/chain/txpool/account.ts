// One sender's transactions in the pool: a nonce-sorted array whose prefix contiguous from the
// account nonce is *pending* (executable) and whose rest is *queued* (behind a gap). Each entry also
// carries two prefix aggregates, kept up to date from the first changed index:
// - cumCost: what the sender's transactions up to this one may spend, for the balance check of a
//   new transaction (geth checks the pending list's total the same way);
// - floor: the cheapest transaction up to this one. A transaction cannot be mined before its
//   predecessors, so it is worth no more than the cheapest of them: the pool evicts the sender
//   whose tail has the cheapest floor, always from the tail, which never leaves a gap behind.
import type { TypedTransaction } from "@ethereumjs/tx";
import { effectiveTip } from "../../primitives/fees.js";
import type { HeapSlot } from "./heap.js";
import type { PooledTx } from "./types.js";

/** geth's unit of pool capacity: a transaction takes one slot per started 32 KiB. */
const SLOT_SIZE = 32 * 1024;

export class PoolEntry implements PooledTx {
  readonly slots: number;
  readonly cost: bigint;
  /** Effective tip at the pool's current base fee; negative while the fee cap is below it. */
  effTip = 0n;
  floor: PoolEntry = this;
  cumCost = 0n;
  pending = false;
  /** Set once the entry has left the pool. */
  removed = false;

  constructor(
    readonly tx: TypedTransaction,
    readonly hash: Uint8Array,
    readonly hashHex: string,
    readonly account: AccountTxs,
    readonly maxFeePerGas: bigint,
    readonly maxPriorityFeePerGas: bigint,
    readonly size: number,
    readonly seq: number,
  ) {
    this.slots = Math.max(1, Math.ceil(size / SLOT_SIZE));
    this.cost = tx.value + tx.gasLimit * maxFeePerGas;
  }

  get sender(): Uint8Array {
    return this.account.address;
  }
  get senderHex(): string {
    return this.account.key;
  }
  get nonce(): bigint {
    return this.tx.nonce;
  }
  get gasLimit(): bigint {
    return this.tx.gasLimit;
  }

  reprice(baseFee: bigint): void {
    this.effTip = effectiveTip(this.maxFeePerGas, this.maxPriorityFeePerGas, baseFee);
  }
}

/** Orders two entries by what they pay: effective tip, then fee cap (geth's priced-list order). */
export function comparePrice(a: PoolEntry, b: PoolEntry): number {
  if (a.effTip !== b.effTip) return a.effTip < b.effTip ? -1 : 1;
  if (a.maxFeePerGas !== b.maxFeePerGas) return a.maxFeePerGas < b.maxFeePerGas ? -1 : 1;
  return 0;
}

/** Whether tail `a` is evicted before tail `b`: cheaper floor first, then the newer one. */
export function evictsBefore(a: PoolEntry, b: PoolEntry): boolean {
  const c = comparePrice(a.floor, b.floor);
  return c !== 0 ? c < 0 : a.seq > b.seq;
}

export interface StatusChanges {
  promoted: PoolEntry[];
  demoted: PoolEntry[];
}

export class AccountTxs {
  entries: PoolEntry[] = [];
  pendingCount = 0;
  /** Positions in the pool's eviction heaps (all senders; senders with queued transactions). */
  readonly allSlot: HeapSlot = { heapPos: -1 };
  readonly queuedSlot: HeapSlot = { heapPos: -1 };

  constructor(
    readonly address: Uint8Array,
    readonly key: string,
    public nonce: bigint,
    public balance: bigint,
  ) {}

  get queuedCount(): number {
    return this.entries.length - this.pendingCount;
  }

  get tail(): PoolEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** Index of the first entry whose nonce is >= `nonce` (the array length if none). */
  indexOf(nonce: bigint): number {
    const entries = this.entries;
    let lo = 0;
    let hi = entries.length;
    if (hi === 0 || entries[hi - 1].nonce < nonce) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid].nonce < nonce) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  at(nonce: bigint): PoolEntry | undefined {
    const e = this.entries[this.indexOf(nonce)];
    return e !== undefined && e.nonce === nonce ? e : undefined;
  }

  /**
   * The nonce after the run of consecutive nonces that starts at `nonce` (`nonce` itself if the
   * pool has no transaction with it). Nonces are unique and sorted, so "entries i..j are
   * consecutive" is a monotone predicate of j and a binary search finds the run's end.
   */
  nextNonceFrom(nonce: bigint): bigint {
    const entries = this.entries;
    const i = this.indexOf(nonce);
    if (i === entries.length || entries[i].nonce !== nonce) return nonce;
    let lo = i;
    let hi = entries.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (entries[mid].nonce - nonce === BigInt(mid - i)) lo = mid;
      else hi = mid - 1;
    }
    return entries[lo].nonce + 1n;
  }

  /** Recomputes the prefix aggregates (floor, cumCost) from index `from` on. */
  recomputeFrom(from: number): void {
    const entries = this.entries;
    for (let i = from; i < entries.length; i++) {
      const e = entries[i];
      if (i === 0) {
        e.floor = e;
        e.cumCost = e.cost;
      } else {
        const prev = entries[i - 1];
        e.floor = comparePrice(e, prev.floor) < 0 ? e : prev.floor;
        e.cumCost = prev.cumCost + e.cost;
      }
    }
  }

  /**
   * Re-derives pending/queued from index `from` on, given that entries [0, from) are pending and
   * consecutive from the account nonce. Entries flagged pending always form a prefix of the array
   * (removals keep order, new entries arrive unflagged), so those left beyond the new pending run
   * are exactly the ones to demote. Returns the change in the number of pending entries.
   */
  settle(from: number, changes: StatusChanges): number {
    const entries = this.entries;
    let delta = 0;
    let i = from;
    let expected = this.nonce + BigInt(from);
    while (i < entries.length && entries[i].nonce === expected) {
      const e = entries[i];
      if (!e.pending) {
        e.pending = true;
        changes.promoted.push(e);
        delta++;
      }
      i++;
      expected++;
    }
    this.pendingCount = i;
    while (i < entries.length && entries[i].pending) {
      entries[i].pending = false;
      changes.demoted.push(entries[i]);
      delta--;
      i++;
    }
    return delta;
  }
}
