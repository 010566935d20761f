// Choosing what a full pool gives up for a newcomer. Candidates are senders' tails, cheapest floor
// first (see txpool-account.ts): evicting a tail never strands a later nonce. Each candidate must be
// strictly cheaper than the newcomer is worth, else the newcomer is refused ("transaction
// underpriced" if not even the cheapest one is, "txpool is full" if room runs out part way).
// Planning mutates nothing, so a refusal leaves the pool as it was.
import type { AccountTxs, PoolEntry } from "./account.js";
import { comparePrice, evictsBefore } from "./account.js";
import type { TxPoolError } from "./errors.js";
import { poolFull, underpriced } from "./errors.js";
import type { IndexedHeap } from "./heap.js";

export interface EvictionRequest {
  /** Senders ordered by their tail's floor: all senders, or only those with queued transactions. */
  heap: IndexedHeap<AccountTxs>;
  /** A queued newcomer may only displace queued transactions (geth: no future tx churns pending). */
  queuedOnly: boolean;
  slots: number;
  queued: number;
  /** What the newcomer is worth: the cheapest of it and its sender's transactions before it. */
  worth: PoolEntry;
  /** The newcomer's sender, whose transactions with nonces in [keepFrom, keepTo] must stay. */
  account: AccountTxs | undefined;
  keepFrom: bigint;
  keepTo: bigint;
  /** Tails of `account` already set aside by the caller (its per-sender queue limit). */
  alreadyTaken: PoolEntry[];
}

/** The transactions to evict, in order, or why the newcomer is refused. */
export function planEvictions(req: EvictionRequest): PoolEntry[] | TxPoolError {
  const { heap, account } = req;
  let slots = req.slots;
  let queued = req.queued;
  // Senders taken out of the heap while planning, with how many tails each has given up so far.
  const taken = new Map<AccountTxs, number>();
  const setAside: AccountTxs[] = [];
  const take = (a: AccountTxs, count: number) => {
    if (!taken.has(a) && heap.has(a)) {
      heap.remove(a);
      setAside.push(a);
    }
    taken.set(a, (taken.get(a) ?? 0) + count);
  };
  if (account !== undefined && req.alreadyTaken.length > 0) take(account, req.alreadyTaken.length);
  const candidateOf = (a: AccountTxs): PoolEntry | undefined => {
    const index = a.entries.length - 1 - (taken.get(a) ?? 0);
    if (index < 0 || (req.queuedOnly && index < a.pendingCount)) return undefined;
    return a.entries[index];
  };
  const plan: PoolEntry[] = [];
  let refusal: TxPoolError | null = null;
  while (slots > 0 || queued > 0) {
    let best = heap.peek();
    let bestEntry = best === undefined ? undefined : candidateOf(best);
    for (const a of taken.keys()) {
      const e = candidateOf(a);
      if (e !== undefined && (bestEntry === undefined || evictsBefore(e, bestEntry))) {
        best = a;
        bestEntry = e;
      }
    }
    if (best === undefined || bestEntry === undefined) {
      refusal = poolFull();
      break;
    }
    if (comparePrice(bestEntry.floor, req.worth) >= 0) {
      refusal = plan.length === 0 ? underpriced() : poolFull();
      break;
    }
    if (best === account && bestEntry.nonce >= req.keepFrom && bestEntry.nonce <= req.keepTo) {
      refusal = poolFull();
      break;
    }
    plan.push(bestEntry);
    slots -= bestEntry.slots;
    if (!bestEntry.pending) queued--;
    take(best, 1);
  }
  for (const a of setAside) heap.push(a);
  return refusal ?? plan;
}
