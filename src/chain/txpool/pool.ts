// The transaction pool: a pure in-memory core (no I/O, clocks or async) modelled on geth's
// core/txpool/legacypool. The node recovers senders, reads their committed state and passes both
// in; the pool validates, orders and evicts, and returns what changed instead of emitting events.
//
// Per sender, transactions sit in one nonce-ordered list (txpool-account.ts): the run contiguous
// from the account nonce is pending (executable), the rest queued behind a gap. Capacity is counted
// in geth's 32 KiB slots; when full, the tails of the cheapest senders make room for a better
// paying newcomer (txpool-evict.ts). Admission, lookup and selection cost O(log n) per transaction;
// re-validation after a block and base-fee changes cost O(n), like geth's reset.
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import type { StatusChanges } from "./account.js";
import { AccountTxs, PoolEntry, comparePrice, evictsBefore } from "./account.js";
import * as E from "./errors.js";
import { TxPoolError } from "./errors.js";
import { planEvictions } from "./evict.js";
import { IndexedHeap } from "./heap.js";
import { BlockTxSelection } from "./select.js";
import type { AddResult, BlockCommit, BlockCommitResult, DropReason, DroppedTx, PoolContent, PooledTx, TxPoolConfig } from "./types.js";
import type { AccountState } from "../../primitives/types.js";
import { DEFAULT_TXPOOL_CONFIG } from "./types.js";
import { validateTxBasics } from "./validate.js";

export type TxPoolOptions = Partial<TxPoolConfig> & Pick<TxPoolConfig, "chainId" | "blockGasLimit">;

/** What one mutation did, gathered while it runs. */
interface Changes extends StatusChanges {
  dropped: DroppedTx[];
}

const tailOrder = (a: AccountTxs, b: AccountTxs) => evictsBefore(a.tail as PoolEntry, b.tail as PoolEntry);

export class TxPool {
  readonly config: TxPoolConfig;
  private readonly all = new Map<string, PoolEntry>();
  private readonly accounts = new Map<string, AccountTxs>();
  /** Eviction order over all senders, and over those with queued transactions. */
  private readonly byPrice = new IndexedHeap<AccountTxs>(tailOrder, (a) => a.allSlot);
  private readonly queuedByPrice = new IndexedHeap<AccountTxs>(tailOrder, (a) => a.queuedSlot);
  private currentBaseFee: bigint;
  private seq = 0;
  private pendingTotal = 0;
  private queuedTotal = 0;
  private slotsTotal = 0;

  /** @param baseFee the next block's base fee, the price level eviction compares tips at. */
  constructor(options: TxPoolOptions, baseFee = 0n) {
    this.config = { ...DEFAULT_TXPOOL_CONFIG, ...options };
    this.currentBaseFee = baseFee;
  }

  get baseFee(): bigint {
    return this.currentBaseFee;
  }

  /**
   * Admits a transaction whose sender the caller recovered, given the sender's committed state
   * and the next block's base fee. A refusal leaves the pool unchanged.
   */
  add(tx: TypedTransaction, sender: Uint8Array, account: AccountState, baseFee: bigint): AddResult {
    if (!tx.isSigned()) return { ok: false, error: E.unsigned() };
    const hash = tx.hash();
    const hashHex = bytesToHex(hash);
    if (this.all.has(hashHex)) return { ok: false, error: E.alreadyKnown() };
    const facts = validateTxBasics(tx, sender, this.config);
    if (facts instanceof TxPoolError) return { ok: false, error: facts };

    const senderHex = bytesToHex(sender);
    const known = this.accounts.get(senderHex);
    // Judge by the fresher of the pool's and the caller's view of the account.
    const takeGiven = known === undefined || account.nonce >= known.nonce;
    const nonce = takeGiven ? account.nonce : known.nonce;
    const balance = takeGiven ? account.balance : known.balance;
    if (tx.nonce < nonce) return { ok: false, error: E.nonceTooLow(nonce, tx.nonce) };
    const acct = known ?? new AccountTxs(sender.slice(), senderHex, account.nonce, account.balance);
    const entry = new PoolEntry(tx, hash, hashHex, acct, facts.maxFee, facts.tip, facts.size, this.seq);
    if (entry.cost > balance) return { ok: false, error: E.insufficientFunds(balance, entry.cost) };

    // The sender's live transactions (nonce >= account nonce) before this one must stay covered.
    const entries = acct.entries;
    const firstLive = acct.indexOf(nonce);
    const at = acct.indexOf(tx.nonce);
    const old = entries[at]?.nonce === tx.nonce ? entries[at] : undefined;
    const liveBase = firstLive > 0 ? entries[firstLive - 1].cumCost : 0n;
    const spent = at > firstLive ? entries[at - 1].cumCost - liveBase : 0n;
    if (spent + entry.cost > balance) return { ok: false, error: E.insufficientFundsQueued(balance, spent, entry.cost) };
    if (old !== undefined && !this.outbids(entry, old)) return { ok: false, error: E.replaceUnderpriced() };

    this.setBaseFee(baseFee);
    entry.reprice(this.currentBaseFee);
    const pendingEnd = acct.nextNonceFrom(nonce);
    const queuedLive = entries.length - firstLive - Number(pendingEnd - nonce);
    const willQueue = tx.nonce > pendingEnd;

    // A sender over its queue limit makes room from its own tail, or is refused.
    const forced: PoolEntry[] = [];
    if (willQueue && old === undefined && queuedLive >= this.config.maxQueuedPerSender) {
      const tail = acct.tail as PoolEntry;
      if (tail.nonce < tx.nonce) return { ok: false, error: E.accountLimitExceeded(queuedLive) };
      forced.push(tail);
    }
    const evict = this.planRoom({ acct, known, entry, old, at, firstLive, nonce, willQueue, forced });
    if (evict instanceof TxPoolError) return { ok: false, error: evict };

    // Accepted: from here on the pool changes.
    this.seq++;
    const changes: Changes = { promoted: [], demoted: [], dropped: [] };
    if (known !== undefined && takeGiven) {
      known.balance = account.balance;
      if (account.nonce > known.nonce) this.revalidate(known, account.nonce, null, changes);
    }
    for (const e of forced) if (!e.removed) this.removeEntry(e, "account-queue-limit", changes);
    for (const e of evict) if (!e.removed) this.removeEntry(e, "evicted", changes);
    this.accounts.set(senderHex, acct);
    // The old tx may already be gone: unaffordable at the fresher balance.
    const replaced = old !== undefined && !old.removed ? old : null;
    if (replaced !== null) this.replace(acct, replaced, entry, changes);
    else this.insert(acct, entry, changes);
    this.touch(acct);
    return {
      ok: true,
      tx: entry,
      status: entry.pending ? "pending" : "queued",
      replaced,
      promoted: changes.promoted.filter((e) => !e.removed),
      dropped: changes.dropped,
    };
  }

  /**
   * Re-validates the pool against the state after a committed block: drops included and stale
   * transactions and those the sender can no longer pay for (later ones of that sender go back to
   * queued), promotes queued ones that became executable, re-prices at the new base fee and
   * re-applies the caps. `accountOf` should answer for every sender in senders().
   */
  onBlockCommitted(commit: BlockCommit): BlockCommitResult {
    const changes: Changes = { promoted: [], demoted: [], dropped: [] };
    const included = new Set<string>();
    const includedNext = new Map<AccountTxs, bigint>();
    for (const hash of commit.includedHashes) {
      const hex = bytesToHex(hash);
      included.add(hex);
      const e = this.all.get(hex);
      if (e !== undefined && (includedNext.get(e.account) ?? -1n) <= e.nonce) includedNext.set(e.account, e.nonce + 1n);
    }
    const repriced = commit.baseFee !== this.currentBaseFee;
    if (repriced) {
      this.currentBaseFee = commit.baseFee;
      for (const e of this.all.values()) e.reprice(commit.baseFee);
    }
    const touched: AccountTxs[] = [];
    for (const acct of [...this.accounts.values()]) {
      const state = commit.accountOf(acct.address);
      let nonce = acct.nonce;
      let changed = includedNext.has(acct);
      if (state !== undefined) {
        changed ||= state.nonce !== acct.nonce || state.balance !== acct.balance;
        nonce = state.nonce;
        acct.balance = state.balance;
      } else {
        const next = includedNext.get(acct);
        if (next !== undefined && next > nonce) nonce = next;
      }
      if (changed) {
        this.revalidate(acct, nonce, included, changes);
        this.touch(acct);
        touched.push(acct);
      } else if (repriced) {
        acct.recomputeFrom(0);
      }
    }
    if (repriced) this.rebuildHeaps();
    this.enforceCaps(touched, changes);
    return {
      dropped: changes.dropped,
      promoted: changes.promoted.filter((e) => !e.removed && e.pending),
      demoted: changes.demoted.filter((e) => !e.removed && !e.pending),
    };
  }

  /** The executable transactions in the order a block on `baseFee` should include them. */
  selectForBlock(opts: { baseFee: bigint; gasLimit: bigint }): BlockTxSelection {
    const lists: PoolEntry[][] = [];
    for (const acct of this.accounts.values()) {
      if (acct.pendingCount > 0) lists.push(acct.entries.slice(0, acct.pendingCount));
    }
    return new BlockTxSelection(lists, opts.baseFee, opts.gasLimit);
  }

  /**
   * How many executable transactions a block on `baseFee` could take, gas aside: for each sender,
   * those from its first executable one on that each pay the base fee (a later nonce cannot go in
   * before an earlier one that cannot pay). What selectForBlock would offer, counted.
   */
  includableCount(baseFee: bigint): number {
    let count = 0;
    for (const acct of this.accounts.values()) {
      for (let i = 0; i < acct.pendingCount && acct.entries[i]!.maxFeePerGas >= baseFee; i++) count++;
    }
    return count;
  }

  get(hash: Uint8Array | string): PooledTx | undefined {
    return this.all.get(typeof hash === "string" ? hash.toLowerCase() : bytesToHex(hash));
  }

  has(hash: Uint8Array | string): boolean {
    return this.get(hash) !== undefined;
  }

  /** The nonce after the sender's pooled transactions contiguous from `accountNonce` (eth_getTransactionCount "pending"). */
  pendingNonce(sender: Uint8Array, accountNonce: bigint): bigint {
    const acct = this.accounts.get(bytesToHex(sender));
    return acct === undefined ? accountNonce : acct.nextNonceFrom(accountNonce);
  }

  stats(): { pending: number; queued: number; slots: number } {
    return { pending: this.pendingTotal, queued: this.queuedTotal, slots: this.slotsTotal };
  }

  /** Senders with transactions in the pool: the accounts whose state onBlockCommitted needs. */
  senders(): Uint8Array[] {
    return [...this.accounts.values()].map((a) => a.address);
  }

  content(): PoolContent {
    const content: PoolContent = { pending: new Map(), queued: new Map() };
    for (const acct of this.accounts.values()) {
      const { pending, queued } = this.split(acct);
      if (pending.length > 0) content.pending.set(acct.key, pending);
      if (queued.length > 0) content.queued.set(acct.key, queued);
    }
    return content;
  }

  contentFrom(sender: Uint8Array): { pending: PooledTx[]; queued: PooledTx[] } {
    const acct = this.accounts.get(bytesToHex(sender));
    return acct === undefined ? { pending: [], queued: [] } : this.split(acct);
  }

  private split(acct: AccountTxs): { pending: PooledTx[]; queued: PooledTx[] } {
    return { pending: acct.entries.slice(0, acct.pendingCount), queued: acct.entries.slice(acct.pendingCount) };
  }

  /**
   * What must leave a full pool for `entry` to fit (nothing if there is room), or why it cannot.
   * Transactions below the account nonce given with `entry` and the ones set aside in `forced`
   * leave anyway, so they count as room.
   */
  private planRoom(p: {
    acct: AccountTxs;
    known: AccountTxs | undefined;
    entry: PoolEntry;
    old: PoolEntry | undefined;
    at: number;
    firstLive: number;
    nonce: bigint;
    willQueue: boolean;
    forced: PoolEntry[];
  }): PoolEntry[] | TxPoolError {
    const { entries } = p.acct;
    let freedSlots = (p.old?.slots ?? 0) + p.forced.reduce((n, e) => n + e.slots, 0);
    let freedQueued = p.forced.length;
    for (let i = 0; i < p.firstLive; i++) {
      freedSlots += entries[i].slots;
      if (!entries[i].pending) freedQueued++;
    }
    const slots = this.slotsTotal - freedSlots + p.entry.slots - this.config.maxSlots;
    const addsQueued = p.willQueue && p.old === undefined;
    const queued = addsQueued ? this.queuedTotal - freedQueued + 1 - this.config.maxQueued : 0;
    if (slots <= 0 && queued <= 0) return [];
    const pred = p.at > p.firstLive ? entries[p.at - 1].floor : undefined;
    return planEvictions({
      heap: p.willQueue ? this.queuedByPrice : this.byPrice,
      queuedOnly: p.willQueue,
      slots,
      queued,
      worth: pred !== undefined && comparePrice(pred, p.entry) < 0 ? pred : p.entry,
      account: p.known,
      keepFrom: p.nonce,
      keepTo: p.entry.nonce,
      alreadyTaken: p.forced,
    });
  }

  /** geth's replacement rule: both fee cap and tip above the old ones and by at least priceBump %. */
  private outbids(entry: PoolEntry, old: PoolEntry): boolean {
    const factor = 100n + this.config.priceBump;
    const { maxFeePerGas: fee, maxPriorityFeePerGas: tip } = entry;
    if (fee <= old.maxFeePerGas || tip <= old.maxPriorityFeePerGas) return false;
    return fee >= (old.maxFeePerGas * factor) / 100n && tip >= (old.maxPriorityFeePerGas * factor) / 100n;
  }

  /** Re-prices every transaction at a new base fee; eviction order depends on it. */
  private setBaseFee(baseFee: bigint): void {
    if (baseFee === this.currentBaseFee) return;
    this.currentBaseFee = baseFee;
    for (const e of this.all.values()) e.reprice(baseFee);
    for (const acct of this.accounts.values()) acct.recomputeFrom(0);
    this.rebuildHeaps();
  }

  private rebuildHeaps(): void {
    const accounts = [...this.accounts.values()];
    this.byPrice.rebuild(accounts);
    this.queuedByPrice.rebuild(accounts.filter((a) => a.queuedCount > 0));
  }

  /** Applies an account nonce and balance: drops included, stale and unaffordable transactions. */
  private revalidate(acct: AccountTxs, nonce: bigint, included: Set<string> | null, changes: Changes): void {
    const keep: PoolEntry[] = [];
    for (const e of acct.entries) {
      const reason: DropReason | null =
        included?.has(e.hashHex) ? "included"
        : e.nonce < nonce ? "stale"
        : e.cost > acct.balance ? "insufficient-funds"
        : null;
      if (reason === null) keep.push(e);
      else this.detach(e, reason, changes);
    }
    acct.entries = keep;
    acct.nonce = nonce;
    acct.recomputeFrom(0);
    this.applyDelta(acct.settle(0, changes));
  }

  private insert(acct: AccountTxs, entry: PoolEntry, changes: Changes): void {
    const at = acct.indexOf(entry.nonce);
    const pendingBefore = acct.pendingCount;
    acct.entries.splice(at, 0, entry);
    this.attach(entry);
    this.applyDelta(acct.settle(Math.min(at, pendingBefore), changes));
    acct.recomputeFrom(at);
  }

  private replace(acct: AccountTxs, old: PoolEntry, entry: PoolEntry, changes: Changes): void {
    const at = acct.indexOf(old.nonce);
    acct.entries[at] = entry;
    entry.pending = old.pending;
    this.detach(old, null, changes);
    this.attach(entry);
    acct.recomputeFrom(at);
    if (entry.pending) changes.promoted.push(entry);
  }

  /** Removes one transaction; its sender's later ones become queued behind the gap. */
  private removeEntry(entry: PoolEntry, reason: DropReason, changes: Changes): void {
    const acct = entry.account;
    const at = acct.indexOf(entry.nonce);
    const pendingBefore = acct.pendingCount;
    acct.entries.splice(at, 1);
    this.detach(entry, reason, changes);
    this.applyDelta(acct.settle(Math.min(at, pendingBefore), changes));
    acct.recomputeFrom(at);
    this.touch(acct);
  }

  /** Evicts tails until the per-sender queue limit, the queued limit and the slot limit hold. */
  private enforceCaps(touched: AccountTxs[], changes: Changes): void {
    for (const acct of touched) {
      while (acct.queuedCount > this.config.maxQueuedPerSender) {
        this.removeEntry(acct.tail as PoolEntry, "account-queue-limit", changes);
      }
    }
    for (let acct = this.queuedByPrice.peek(); acct && this.queuedTotal > this.config.maxQueued; acct = this.queuedByPrice.peek()) {
      this.removeEntry(acct.tail as PoolEntry, "evicted", changes);
    }
    for (let acct = this.byPrice.peek(); acct && this.slotsTotal > this.config.maxSlots; acct = this.byPrice.peek()) {
      this.removeEntry(acct.tail as PoolEntry, "evicted", changes);
    }
    this.truncatePending(changes);
  }

  /**
   * geth's truncatePending: while more than maxPending transactions are executable, the senders
   * with the most of them give up their highest pending nonces, the largest first and then evenly
   * (each cut to the next-largest's count), never below minPendingPerSender. A sender within that
   * floor keeps everything, so pending may stay above maxPending when no sender is over it (geth
   * does the same). O(senders log senders + removed), only when over.
   */
  private truncatePending(changes: Changes): void {
    const { maxPending, minPendingPerSender: floor } = this.config;
    if (this.pendingTotal <= maxPending) return;
    const spammers = [...this.accounts.values()].filter((a) => a.pendingCount > floor).sort((a, b) => b.pendingCount - a.pendingCount);
    for (let k = 1; k <= spammers.length && this.pendingTotal > maxPending; k++) {
      // Cut the k largest, round robin, down to the (k+1)-th's count (or the floor after the last).
      const target = Math.max(spammers[k]?.pendingCount ?? floor, floor);
      for (let cut = true; cut && this.pendingTotal > maxPending; ) {
        cut = false;
        for (let i = 0; i < k && this.pendingTotal > maxPending; i++) {
          const acct = spammers[i]!;
          if (acct.pendingCount <= target) continue;
          this.removeEntry(acct.entries[acct.pendingCount - 1]!, "pending-limit", changes);
          cut = true;
        }
      }
    }
  }

  private attach(entry: PoolEntry): void {
    this.all.set(entry.hashHex, entry);
    this.slotsTotal += entry.slots;
    if (entry.pending) this.pendingTotal++;
    else this.queuedTotal++;
  }

  /** Takes an entry out of the lookup and the counters (the caller fixes its sender's list). */
  private detach(entry: PoolEntry, reason: DropReason | null, changes: Changes): void {
    this.all.delete(entry.hashHex);
    this.slotsTotal -= entry.slots;
    if (entry.pending) this.pendingTotal--;
    else this.queuedTotal--;
    entry.removed = true;
    if (reason !== null) changes.dropped.push({ tx: entry, reason });
  }

  /** Books `delta` entries moving from queued to pending (negative: the other way). */
  private applyDelta(delta: number): void {
    this.pendingTotal += delta;
    this.queuedTotal -= delta;
  }

  /** Puts a sender back in order in the eviction heaps after its list changed. */
  private touch(acct: AccountTxs): void {
    if (acct.entries.length === 0) {
      this.byPrice.remove(acct);
      this.queuedByPrice.remove(acct);
      if (this.accounts.get(acct.key) === acct) this.accounts.delete(acct.key);
      return;
    }
    this.byPrice.upsert(acct);
    if (acct.queuedCount > 0) this.queuedByPrice.upsert(acct);
    else this.queuedByPrice.remove(acct);
  }
}

export type { BlockTxSelection } from "./select.js";
export { TxPoolError, TxPoolErrorCode } from "./errors.js";
export type * from "./types.js";
export { DEFAULT_TXPOOL_CONFIG } from "./types.js";
