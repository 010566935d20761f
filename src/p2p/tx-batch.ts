// Transactions travel the gossip network in batches: a tx topic payload is an RLP list of raw
// transactions. Every gossip message costs each node the same fixed work whatever it carries (a
// noise frame, a yamux frame, protobuf, a message id, the seen-cache, a validation round-trip, and
// again for every duplicate a mesh peer forwards), so one message per transaction made that
// overhead the largest CPU item of a validator under load (~20 % in a 4-validator localnet at
// 512 tx/s). The batcher holds a node's own admitted transactions for at most FLUSH_MS and sends
// them together; the delay is far below a block time.
//
// FLUSH_MS is 100, not 10: a validator of a 4-validator localnet takes ~60 transactions a second over
// its RPC at saturation, so 10 ms batches held about one transaction each, below gossipsub's
// IDONTWANT size, and every copy a mesh peer forwarded arrived in full. Measured there (5,000
// transfers, alternating runs, 6 each over two sessions): 100 ms used 8-10 % less CPU per
// transaction in all five processes and included 9 % more per second.
import { RLP } from "@ethereumjs/rlp";
import { encodeRlp } from "../primitives/rlp.js";

/** Longest a transaction waits in the batcher before it is gossiped. */
export const TX_BATCH_FLUSH_MS = 100;
/** A batch is sent at once when it reaches this many bytes of transactions... */
export const TX_BATCH_MAX_BYTES = 96 * 1024;
/** ...or this many transactions. */
export const TX_BATCH_MAX_COUNT = 256;
/** Receivers refuse batches claiming more (a batch also fits the tx topic's 128 KiB payload cap). */
export const TX_BATCH_DECODE_LIMIT = 4096;

export function encodeTxBatch(raws: readonly Uint8Array[]): Uint8Array {
  return encodeRlp(raws);
}

/** The raw transactions of a batch, or null when it is not a non-empty list of byte strings. */
export function decodeTxBatch(payload: Uint8Array): Uint8Array[] | null {
  try {
    const item = RLP.decode(payload) as unknown;
    if (!Array.isArray(item) || item.length === 0 || item.length > TX_BATCH_DECODE_LIMIT) return null;
    for (const raw of item) if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
    return item as Uint8Array[];
  } catch {
    return null;
  }
}

/** Collects raw transactions and hands them to `send` as batches (see the limits above). */
export class TxGossipBatcher {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly send: (batch: Uint8Array) => void) {}

  add(raw: Uint8Array): void {
    // A transaction that would overflow the batch goes into the next one.
    if (this.pending.length > 0 && this.pendingBytes + raw.length > TX_BATCH_MAX_BYTES) this.flush();
    this.pending.push(raw);
    this.pendingBytes += raw.length;
    if (this.pending.length >= TX_BATCH_MAX_COUNT || this.pendingBytes >= TX_BATCH_MAX_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), TX_BATCH_FLUSH_MS);
  }

  /** Sends whatever waits now (also on shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.send(encodeTxBatch(batch));
  }
}
