// The node's one entry for transactions, whatever their origin (its own RPC, gossip): decode, refuse
// unsupported types, recover the sender once (natively; the recovered key is cached on the frozen tx
// object and reused by execution), read the sender's committed account, and hand everything to the
// pure TxPool. The outcome is a value, never an exception: admitted, or a TxRejection whose code the
// callers act on (RPC turns it into an error with the message, gossip into a verdict). What happens
// after an admission is announced to subscribers, not called from here:
// - "executable": transactions became executable (consensus wakes up, RPC reports pending txs); pool
//   upkeep (upkeep.ts) announces the queued transactions a committed block promoted through it too.
// - "admitted": one transaction entered the pool, executable or queued (the network gossips what
//   the node's own RPC admitted, queued transactions included).
// Listeners run synchronously, in subscription order; one that throws is logged and does not stop
// the others or the admission.
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import type { Chain } from "../chain.js";
import type { StateReader } from "../../evm/state-reader.js";
import { nextBaseFee } from "../../primitives/fees.js";
import type { Logger } from "../../util/logger.js";
import { decodeRawTx, recoverSender, type Rejected } from "./admission.js";
import type { TxPool } from "./pool.js";
import type { PooledTx } from "./types.js";

/** Where a transaction came from. */
export type TxOrigin = "rpc" | "gossip";

/** A transaction as announced to subscribers: decoded, its sender recovered, and its encoding. */
export interface AnnouncedTx {
  readonly tx: TypedTransaction;
  readonly hash: Uint8Array;
  readonly sender: Uint8Array;
  /** The transaction's encoding (what was received, or the pooled transaction re-encoded). */
  readonly raw: Uint8Array;
}

/** Transactions that became executable (pending), in the order the pool promoted them. */
export interface ExecutableEvent {
  /** The admission that made them executable, or "commit": pool upkeep after a committed block
   * (queued transactions whose nonce gap the block closed). */
  readonly origin: TxOrigin | "commit";
  readonly txs: AnnouncedTx[];
}

/** One transaction entered the pool. */
export interface AdmittedEvent {
  readonly origin: TxOrigin;
  readonly tx: AnnouncedTx;
  readonly status: "pending" | "queued";
}

export type TxAdmission =
  | {
      readonly ok: true;
      readonly hash: Uint8Array;
      readonly tx: TypedTransaction;
      readonly sender: Uint8Array;
      /** "pending": executable now; "queued": behind a nonce gap. */
      readonly status: "pending" | "queued";
      /** Transactions that became executable (this one if pending, plus queued ones it unblocked). */
      readonly promoted: readonly PooledTx[];
    }
  | Rejected;

type Listener<E> = (event: E) => void;

export class TxService {
  private readonly executable = new Set<Listener<ExecutableEvent>>();
  private readonly admitted = new Set<Listener<AdmittedEvent>>();

  constructor(
    private readonly common: Common,
    private readonly chain: Chain,
    private readonly state: StateReader,
    private readonly pool: TxPool,
    private readonly log: Logger,
  ) {}

  /** Admits raw transaction bytes from `origin`; a refusal is returned, not thrown. */
  async submit(raw: Uint8Array, origin: TxOrigin): Promise<TxAdmission> {
    const decoded = decodeRawTx(raw, this.common, this.pool.config.maxTxSize);
    if (!decoded.ok) return decoded;
    const { tx } = decoded;
    const recovered = recoverSender(tx);
    if (!recovered.ok) return recovered;
    const { sender } = recovered;
    const head = this.chain.head.header;
    const account = await this.state.account(head.stateRoot, sender);
    const result = this.pool.add(tx, sender, account, nextBaseFee(head, this.chain.genesis.params));
    if (!result.ok) return { ok: false, code: result.error.code, message: result.error.message };
    const { hash } = result.tx;
    if (result.promoted.length > 0) this.announceExecutable(result.promoted, origin, tx, raw);
    if (this.admitted.size > 0) this.emit(this.admitted, "admitted", { origin, status: result.status, tx: { tx, hash, sender: result.tx.sender, raw } });
    return { ok: true, hash, tx, sender: result.tx.sender, status: result.status, promoted: result.promoted };
  }

  /** Subscribes to transactions becoming executable; returns the unsubscription. */
  onExecutable(listener: Listener<ExecutableEvent>): () => void {
    this.executable.add(listener);
    return () => void this.executable.delete(listener);
  }

  /** Subscribes to every admission (pending or queued); returns the unsubscription. */
  onAdmitted(listener: Listener<AdmittedEvent>): () => void {
    this.admitted.add(listener);
    return () => void this.admitted.delete(listener);
  }

  /**
   * Announces pooled transactions that became executable. `raw` is the encoding of `received`
   * (the others are re-encoded, only when someone listens).
   */
  announceExecutable(promoted: readonly PooledTx[], origin: ExecutableEvent["origin"], received?: TypedTransaction, raw?: Uint8Array): void {
    if (promoted.length === 0 || this.executable.size === 0) return;
    const txs = promoted.map((p): AnnouncedTx => ({
      tx: p.tx,
      hash: p.hash,
      sender: p.sender,
      raw: p.tx === received && raw !== undefined ? raw : p.tx.serialize(),
    }));
    this.emit(this.executable, "executable", { origin, txs });
  }

  /** The pooled transaction with this hash, for RPC lookups. */
  get(hash: Uint8Array): { tx: TypedTransaction; sender: Uint8Array } | undefined {
    const p = this.pool.get(hash);
    return p ? { tx: p.tx, sender: p.sender } : undefined;
  }

  /** The sender's next nonce counting its executable pooled transactions. */
  pendingNonce(sender: Uint8Array, accountNonce: bigint): bigint {
    return this.pool.pendingNonce(sender, accountNonce);
  }

  private emit<E>(listeners: Set<Listener<E>>, what: string, event: E): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.log.error(`${what} transaction listener failed`, { error: error as Error });
      }
    }
  }
}
