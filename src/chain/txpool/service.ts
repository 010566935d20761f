// The node's one transaction service around the pure TxPool, whatever a transaction's origin (its
// own RPC, gossip) and whoever asks (block production, the chain's commit):
// - admission (submit): decode, refuse unsupported types, recover the sender once (natively; the
//   recovered key is cached on the frozen tx object and reused by execution), read the sender's
//   committed account, and hand everything to the pool. The outcome is a value, never an exception:
//   admitted, or a TxRejection whose code the callers act on (RPC turns it into an error with the
//   message, gossip into a verdict, rejections.ts). ethereumjs refuses some transactions while
//   decoding them; those refusals are reworded as geth words them, since clients match on them.
// - block candidates (the BlockProducer's CandidateSource): what to put in the next block, whether
//   anything waits that the next block could take (it pays that block's base fee), and the pooled
//   copy of a proposed transaction (decoded, sender recovered) so validating a proposal need not
//   decode it again.
// - upkeep (onBlockCommitted, a commit reaction): re-validates the pool against the new state of the
//   senders a committed block touched.
// What happens after an admission is announced to subscribers, not called from here:
// - "executable": transactions became executable (consensus wakes up, RPC reports pending txs),
//   by an admission or by upkeep (queued transactions a committed block promoted).
// - "admitted": one transaction entered the pool, executable or queued (the network gossips what
//   the node's own RPC admitted, queued transactions included).
// Listeners run synchronously, in subscription order; one that throws is logged and does not stop
// the others or the admission.
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import type { CandidateSource } from "../block-producer.js";
import type { Chain, CommittedBlock } from "../chain.js";
import type { TxCandidates } from "../../evm/executor.js";
import { recoverSenderAddress } from "../../evm/crypto.js";
import type { SenderRecoveryPool } from "../../evm/sender-recovery.js";
import type { StateReader } from "../../evm/state-reader.js";
import { decodeTransaction, serializeTransaction } from "../../primitives/encoding.js";
import { nextBaseFee } from "../../primitives/fees.js";
import type { AccountState } from "../../primitives/types.js";
import type { Logger } from "../../util/logger.js";
import type { Metrics } from "../../metrics/index.js";
import { rejection, TxRejectionCode as C, type Rejected } from "./rejections.js";
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

export class TxService implements CandidateSource {
  private readonly executable = new Set<Listener<ExecutableEvent>>();
  private readonly admitted = new Set<Listener<AdmittedEvent>>();

  constructor(
    private readonly common: Common,
    private readonly chain: Chain,
    private readonly state: StateReader,
    private readonly pool: TxPool,
    private readonly log: Logger,
    private readonly metrics: Metrics | null = null,
    /** Worker threads that recover senders off the event loop (evm/sender-recovery.ts); null: here. */
    private readonly recovery: SenderRecoveryPool | null = null,
  ) {}

  /** Admits raw transaction bytes from `origin`; a refusal is returned, not thrown. */
  async submit(raw: Uint8Array, origin: TxOrigin): Promise<TxAdmission> {
    const outcome = await this.admit(raw, origin);
    if (outcome.ok) this.metrics?.txpool.admitted.inc({ origin, status: outcome.status });
    else this.metrics?.txpool.rejected.inc({ origin, reason: outcome.code });
    return outcome;
  }

  private async admit(raw: Uint8Array, origin: TxOrigin): Promise<TxAdmission> {
    const decoded = decodeRawTx(raw, this.common, this.pool.config.maxTxSize);
    if (!decoded.ok) return decoded;
    const { tx } = decoded;
    // RPC requests arrive concurrently, so the recoveries of one event-loop turn go to the worker as
    // one batch. Gossiped batches are admitted one transaction after another (tx-gossip-ingress.ts):
    // there each would wait a worker round trip alone, slower than recovering it here.
    if (this.recovery !== null && origin === "rpc") await this.recovery.prepare(tx);
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
      raw: p.tx === received && raw !== undefined ? raw : serializeTransaction(p.tx),
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

  /** What to put in the next block (CandidateSource). */
  select(baseFee: bigint, gasLimit: bigint): TxCandidates {
    return this.pool.selectForBlock({ baseFee, gasLimit });
  }

  /** How many executable transactions wait, whatever their price. */
  pendingCount(): number {
    return this.pool.stats().pending;
  }

  /** How many executable transactions pay the base fee of the block after the head (CandidateSource). */
  includableCount(): number {
    return this.pool.includableCount(nextBaseFee(this.chain.head.header, this.chain.genesis.params));
  }

  /** The pooled, decoded copy of a proposed transaction (CandidateSource). */
  known(hash: Uint8Array): TypedTransaction | undefined {
    return this.pool.get(hash)?.tx;
  }

  /**
   * Pool upkeep, registered as a commit reaction (Chain.onCommitted): re-validates the senders the
   * block touched and announces the queued transactions it promoted. Only senders can lose balance or
   * advance their nonce (a block cannot make another account's pooled transaction invalid), so
   * reading just these keeps this O(block).
   */
  async onBlockCommitted({ block, skipped }: CommittedBlock): Promise<void> {
    const senders = new Map<string, Uint8Array>();
    for (const tx of [...block.transactions, ...skipped]) {
      // The pool recovered and kept each sender at admission; recovering would hash the public key
      // again (a keccak per transaction). A block's transactions may come from elsewhere.
      const pooled = this.pool.get(tx.hash());
      if (pooled !== undefined) senders.set(pooled.senderHex, pooled.sender);
      else {
        const s = recoverSenderAddress(tx);
        senders.set(bytesToHex(s), s);
      }
    }
    const accounts = new Map<string, AccountState>();
    for (const [key, addr] of senders) accounts.set(key, await this.state.account(block.header.stateRoot, addr));
    const result = this.pool.onBlockCommitted({
      includedHashes: block.transactions.map((tx) => tx.hash()),
      accountOf: (sender) => accounts.get(bytesToHex(sender)),
      baseFee: nextBaseFee(block.header, this.chain.genesis.params),
    });
    for (const d of result.dropped)
      if (d.reason !== "included") this.log.debug("dropped transaction", { hash: d.tx.hashHex, reason: d.reason });
    this.announceExecutable(result.promoted, "commit");
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

/** ethereumjs's decoding refusals in the words geth uses for the same rejection. */
function gethWording(decodeError: string, chainId: bigint): Rejected {
  if (/maxFeePerGas cannot be less than maxPriorityFeePerGas/.test(decodeError))
    return rejection(C.TipAboveFeeCap, "max priority fee per gas higher than max fee per gas");
  const cap = /gas limit (\d+) exceeds the maximum allowed by EIP-7825 \((\d+)\)/.exec(decodeError);
  if (cap) return rejection(C.GasLimitTooHigh, `transaction gas limit too high (cap: ${cap[2]}, tx: ${cap[1]})`);
  const chain = /not matching the derived chain ID (\d+)/.exec(decodeError);
  if (chain) return rejection(C.InvalidChainId, `invalid chain id for signer: have ${chain[1]} want ${chainId}`);
  return rejection(C.InvalidTransaction, `invalid transaction: ${decodeError}`);
}

/** Decodes raw transaction bytes for the pool, or says why they cannot be admitted. */
function decodeRawTx(raw: Uint8Array, common: Common, maxTxSize: number): { ok: true; tx: TypedTransaction } | Rejected {
  if (raw.length === 0) return rejection(C.EmptyData, "empty transaction data");
  if (raw.length > maxTxSize) return rejection(C.OversizedData, "oversized data");
  if (raw[0] === 3)
    return rejection(C.TxTypeNotSupported, "transaction type not supported: blob transactions (EIP-4844) are not accepted by this chain");
  if (raw[0] === 4)
    return rejection(C.TxTypeNotSupported, "transaction type not supported: set-code transactions (EIP-7702) are not accepted yet");
  try {
    return { ok: true, tx: decodeTransaction(raw, common) };
  } catch (e) {
    return gethWording((e as Error).message.replace(/ \(tx type=.*$/s, ""), common.chainId());
  }
}

/** The sender of a decoded transaction (recovered once; its key is cached on the frozen tx). */
function recoverSender(tx: TypedTransaction): { ok: true; sender: Uint8Array } | Rejected {
  try {
    if (!tx.isSigned()) throw new Error("unsigned");
    return { ok: true, sender: recoverSenderAddress(tx) };
  } catch {
    return rejection(C.InvalidSender, "invalid sender");
  }
}
