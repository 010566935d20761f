// eth_subscribe's subscriptions of one WebSocket connection: newHeads (each committed header), logs
// (each matching log of each committed block, one notification per log as geth sends them) and
// newPendingTransactions (hashes, or whole transactions when asked). They end with eth_unsubscribe or
// with the connection. A new subscription holds its notifications back until the reply carrying its
// id has been sent, so a client never sees a notification for an id it does not know yet.
import type { ChainEventSource } from "./backend/port.js";
import { serverError } from "./errors.js";
import { formatHeader, formatLogWithContext, formatTransaction } from "./format.js";
import { type Json } from "../util/json.js";
import { data } from "./hex.js";
import { logsOfBlock } from "./block-logs.js";
import { logMatches, type LogCriteria } from "../primitives/log-filter.js";
import { newRpcId } from "./random-id.js";

export type SubscriptionRequest =
  | { kind: "newHeads" }
  /** Live logs only; numeric bounds, when given, restrict which blocks' logs are sent (as geth). */
  | { kind: "logs"; criteria: LogCriteria; fromBlock?: bigint; toBlock?: bigint }
  | { kind: "newPendingTransactions"; fullTransactions: boolean };

interface Subscription {
  stop: () => void;
  /** Notifications waiting for release(); null once released. */
  held: string[] | null;
}

export class ConnectionSubscriptions {
  private readonly subscriptions = new Map<string, Subscription>();
  private closed = false;

  constructor(
    private readonly events: ChainEventSource,
    /** Sends one text frame; the transport decides what to do with a slow or closed socket. */
    private readonly send: (message: string) => void,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.subscriptions.size;
  }

  add(request: SubscriptionRequest): string {
    if (this.closed) throw serverError("connection closed");
    if (this.subscriptions.size >= this.max) {
      throw serverError(`too many subscriptions on this connection (at most ${this.max}): cancel some with eth_unsubscribe`);
    }
    const id = newRpcId();
    const subscription: Subscription = { stop: () => {}, held: [] };
    const notify = (result: Json) => {
      const message = JSON.stringify({ jsonrpc: "2.0", method: "eth_subscription", params: { subscription: id, result } });
      if (subscription.held !== null) subscription.held.push(message);
      else this.send(message);
    };
    switch (request.kind) {
      case "newHeads":
        subscription.stop = this.events.onBlock(({ block }) => notify(formatHeader(block)));
        break;
      case "logs":
        subscription.stop = this.events.onBlock((event) => {
          const number = event.block.header.number;
          if ((request.fromBlock !== undefined && number < request.fromBlock) || (request.toBlock !== undefined && number > request.toBlock)) return;
          for (const entry of logsOfBlock(event)) if (logMatches(entry.log, request.criteria)) notify(formatLogWithContext(entry));
        });
        break;
      case "newPendingTransactions":
        subscription.stop = this.events.onPendingTransactions((txs) => {
          for (const { tx, hash, sender } of txs) notify(request.fullTransactions ? formatTransaction(tx, hash, sender, null) : data(hash));
        });
        break;
    }
    this.subscriptions.set(id, subscription);
    return id;
  }

  /** Lets held notifications go: the transport calls this after sending each reply. */
  release(): void {
    for (const subscription of this.subscriptions.values()) {
      const held = subscription.held;
      if (held === null) continue;
      subscription.held = null;
      for (const message of held) this.send(message);
    }
  }

  remove(id: string): boolean {
    const subscription = this.subscriptions.get(id);
    if (subscription === undefined) return false;
    subscription.stop();
    this.subscriptions.delete(id);
    return true;
  }

  /** Ends every subscription (the connection closed). */
  closeAll(): void {
    this.closed = true;
    for (const subscription of this.subscriptions.values()) subscription.stop();
    this.subscriptions.clear();
  }
}
