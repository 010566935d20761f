// The chain events rpc/ builds filters and subscriptions on: committed blocks come from the chain's
// "block" event; newly executable pool transactions are reported through pendingAdmitted(), which the
// node subscribes to the tx service's "executable" event (admissions and pool upkeep alike).
// Listeners run synchronously in commit order; one that throws is logged and does not stop the
// others (a subscriber's bug must not break block production).
import { EventEmitter } from "node:events";
import type { Chain, CommittedBlock } from "../../chain/chain.js";
import type { ChainEventSource, CommittedBlockEvent, PooledTransaction } from "./port.js";
import type { Logger } from "../../util/logger.js";

interface PendingEvents {
  pending: [PooledTransaction[]];
}

export class NodeChainEvents implements ChainEventSource {
  private readonly pendingEmitter = new EventEmitter<PendingEvents>();

  constructor(
    private readonly chain: Chain,
    private readonly log: Logger,
  ) {
    // Every filter and WebSocket subscription adds a listener; Node's default warning at 10 is noise here.
    this.pendingEmitter.setMaxListeners(0);
    this.chain.setMaxListeners(0);
  }

  private guarded<T>(what: string, listener: (value: T) => void): (value: T) => void {
    return (value) => {
      try {
        listener(value);
      } catch (err) {
        this.log.error(`${what} listener failed`, { error: err as Error });
      }
    };
  }

  onBlock(listener: (event: CommittedBlockEvent) => void): () => void {
    const wrapped = this.guarded<CommittedBlock>("block", listener);
    this.chain.on("block", wrapped);
    return () => this.chain.off("block", wrapped);
  }

  onPendingTransactions(listener: (txs: PooledTransaction[]) => void): () => void {
    const wrapped = this.guarded<PooledTransaction[]>("pending transactions", listener);
    this.pendingEmitter.on("pending", wrapped);
    return () => this.pendingEmitter.off("pending", wrapped);
  }

  /** Reports transactions that became executable in the pool. */
  pendingAdmitted(txs: PooledTransaction[]): void {
    if (txs.length > 0) this.pendingEmitter.emit("pending", txs);
  }
}
