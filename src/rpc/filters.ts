// Polling filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter): each gathers
// what happened since its last poll (block hashes, pending transaction hashes, or matching logs) until
// eth_getFilterChanges takes it. Filters are shared by every transport of a server; one that nobody
// polls for `timeoutMs` (geth: 5 minutes) is removed, so abandoned filters cannot pile up.
import type { ChainEventSource, CommittedBlockEvent, PooledTransaction } from "./backend/port.js";
import { serverError } from "./errors.js";
import { formatLogWithContext } from "./format.js";
import { type Json } from "../util/json.js";
import { data } from "./hex.js";
import { logsOfBlock } from "./block-logs.js";
import { logMatches } from "../primitives/log-filter.js";
import type { LogFilter } from "./params-objects.js";
import { newRpcId } from "./random-id.js";

export type FilterKind = "blocks" | "pendingTransactions" | "logs";

export interface InstalledFilter {
  readonly kind: FilterKind;
  /** The criteria of a log filter, as the client gave them. */
  readonly logFilter?: LogFilter;
  /** Items gathered since the last poll, already in their JSON shape. */
  buffered: Json[];
  lastUsed: number;
}

export interface FilterOptions {
  /** Idle time after which a filter is removed. */
  timeoutMs: number;
  /** Most filters installed at once. */
  maxFilters: number;
  /** Most items one filter buffers between polls; older ones are dropped first. */
  maxBuffered: number;
  now?: () => number;
}

/** geth's words for a filter id that is unknown or expired. */
export const FILTER_NOT_FOUND = "filter not found";

/** Does a live log at `blockNumber` fall inside a filter's range? Tags ("latest", ...) bound nothing. */
function inRange(filter: LogFilter, blockNumber: bigint): boolean {
  if (filter.kind === "hash") return false; // that block exists already: nothing new can match
  if (typeof filter.fromBlock === "object" && blockNumber < filter.fromBlock.number) return false;
  if (typeof filter.toBlock === "object" && blockNumber > filter.toBlock.number) return false;
  return true;
}

export class FilterManager {
  private readonly filters = new Map<string, InstalledFilter>();
  private stopListening: (() => void) | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(
    private readonly events: ChainEventSource,
    private readonly options: FilterOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.filters.size;
  }

  install(kind: FilterKind, logFilter?: LogFilter): string {
    this.sweep();
    if (this.filters.size >= this.options.maxFilters) {
      throw serverError(`too many filters installed (at most ${this.options.maxFilters}): remove unused ones with eth_uninstallFilter`);
    }
    const id = newRpcId();
    this.filters.set(id, { kind, ...(logFilter ? { logFilter } : {}), buffered: [], lastUsed: this.now() });
    this.listen();
    return id;
  }

  /** A filter by id (touching it, so it stays alive), or null when unknown or expired. */
  get(id: string): InstalledFilter | null {
    const filter = this.filters.get(id);
    if (filter === undefined) return null;
    if (this.expired(filter)) {
      this.uninstall(id);
      return null;
    }
    filter.lastUsed = this.now();
    return filter;
  }

  /** What the filter gathered since the last poll, emptying its buffer; null when unknown. */
  poll(id: string): { kind: FilterKind; items: Json[] } | null {
    const filter = this.get(id);
    if (filter === null) return null;
    const items = filter.buffered;
    filter.buffered = [];
    return { kind: filter.kind, items };
  }

  uninstall(id: string): boolean {
    const removed = this.filters.delete(id);
    if (this.filters.size === 0) this.quiet();
    return removed;
  }

  /** Removes every filter idle for longer than the timeout. */
  sweep(): void {
    for (const [id, filter] of this.filters) if (this.expired(filter)) this.filters.delete(id);
    if (this.filters.size === 0) this.quiet();
  }

  close(): void {
    this.filters.clear();
    this.quiet();
  }

  private expired(filter: InstalledFilter): boolean {
    return this.now() - filter.lastUsed > this.options.timeoutMs;
  }

  /** Subscribes to chain events while at least one filter exists. */
  private listen(): void {
    if (this.stopListening !== null) return;
    const stopBlocks = this.events.onBlock((event) => this.onBlock(event));
    const stopPending = this.events.onPendingTransactions((txs) => this.onPending(txs));
    this.stopListening = () => {
      stopBlocks();
      stopPending();
    };
    const every = Math.max(10, Math.min(this.options.timeoutMs, 60_000) / 2);
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  private quiet(): void {
    this.stopListening?.();
    this.stopListening = null;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private push(filter: InstalledFilter, items: Json[]): void {
    if (items.length === 0) return;
    filter.buffered.push(...items);
    const excess = filter.buffered.length - this.options.maxBuffered;
    if (excess > 0) filter.buffered.splice(0, excess);
  }

  private onBlock(event: CommittedBlockEvent): void {
    let logs: ReturnType<typeof logsOfBlock> | null = null;
    for (const filter of this.filters.values()) {
      if (filter.kind === "blocks") this.push(filter, [data(event.block.hash)]);
      else if (filter.kind === "logs" && filter.logFilter && inRange(filter.logFilter, event.block.header.number)) {
        logs ??= logsOfBlock(event);
        const criteria = filter.logFilter;
        this.push(filter, logs.filter((entry) => logMatches(entry.log, criteria)).map(formatLogWithContext));
      }
    }
  }

  private onPending(txs: PooledTransaction[]): void {
    for (const filter of this.filters.values()) {
      if (filter.kind === "pendingTransactions") this.push(filter, txs.map((tx) => data(tx.hash)));
    }
  }
}
