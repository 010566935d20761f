// Admission of gossiped transactions, one batch at a time, in slices, with a bound on what waits.
//
// Why: gossipsub validates messages asynchronously and concurrently, so every transaction batch a
// node receives used to start its admission at once. A validator that receives more transactions
// than its CPU can admit (a loaded machine, a burst) then held an ever-growing backlog of admissions
// in its event loop, and its proposals and votes waited behind that backlog like everything else:
// rounds were lost for tens of seconds, pings timed out, peers were dropped, and the network stalled
// under a load one node carries. Here the backlog is explicit and bounded:
// - batches are admitted one after another (a FIFO), never concurrently;
// - after each slice of SLICE_MS of admission work the queue yields to the event loop (setImmediate),
//   so consensus messages, timers and RPC requests that arrived meanwhile are served between slices;
// - when more than `maxQueuedTxs` transactions already wait, a new batch is not admitted: it is
//   "ignored" (not relayed, the sender not penalised: an honest peer sent it). Its transactions are
//   not lost: the node whose RPC admitted them keeps them in its pool and includes them when it
//   proposes, and they reach the others again in the blocks that carry them.
// Transactions from the node's own RPC do not come through here: each RPC request already waits for
// its own admission, so their number is bounded by the open requests.
import type { ValidationOutcome } from "../p2p/index.js";
import { gossipVerdict } from "../chain/txpool/rejections.js";
import type { TxAdmission } from "../chain/txpool/service.js";

/** Admission work done before the queue lets the event loop run other tasks. */
export const TX_INGRESS_SLICE_MS = 8;
/** Gossiped transactions allowed to wait for admission (about 2 MB of plain transfers). */
export const TX_INGRESS_MAX_QUEUED = 16_384;

export interface TxIngressOptions {
  /** Admits one raw transaction (TxService.submit with origin "gossip"). */
  readonly submit: (raw: Uint8Array) => Promise<TxAdmission>;
  readonly maxQueuedTxs?: number;
  readonly sliceMs?: number;
  /** Told the size of every batch shed because the queue was full. */
  readonly onShed?: (txs: number) => void;
  /** Monotonic milliseconds (performance.now by default); tests may drive slicing with their own. */
  readonly now?: () => number;
}

interface QueuedBatch {
  readonly raws: readonly Uint8Array[];
  readonly done: (outcome: ValidationOutcome) => void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class GossipTxIngress {
  private readonly queue: QueuedBatch[] = [];
  private queuedTxs = 0;
  private draining = false;
  private sliceStart = 0;
  private readonly maxQueued: number;
  private readonly sliceMs: number;
  private readonly now: () => number;

  constructor(private readonly o: TxIngressOptions) {
    this.maxQueued = o.maxQueuedTxs ?? TX_INGRESS_MAX_QUEUED;
    this.sliceMs = o.sliceMs ?? TX_INGRESS_SLICE_MS;
    this.now = o.now ?? (() => performance.now());
  }

  /** Transactions waiting for admission (the batch being admitted included). */
  get waiting(): number {
    return this.queuedTxs;
  }

  /**
   * The gossip verdict on a batch, once it has been admitted: "accept" when it brought anything new
   * (it is relayed), "reject" when one of its transactions no node would accept, else "ignore".
   */
  offer(raws: readonly Uint8Array[]): Promise<ValidationOutcome> {
    // One batch is always taken when nothing waits, however large (the decoder bounds its size).
    if (this.queuedTxs > 0 && this.queuedTxs + raws.length > this.maxQueued) {
      this.o.onShed?.(raws.length);
      return Promise.resolve({ verdict: "ignore", reason: `transaction admission queue full (${this.queuedTxs} waiting)` });
    }
    return new Promise((done) => {
      this.queue.push({ raws, done });
      this.queuedTxs += raws.length;
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    this.sliceStart = this.now();
    try {
      for (let batch = this.queue.shift(); batch !== undefined; batch = this.queue.shift()) {
        let outcome: ValidationOutcome;
        try {
          outcome = await this.admitBatch(batch.raws);
        } catch (e) {
          outcome = { verdict: "ignore", reason: `admission failed: ${(e as Error).message}` };
        }
        this.queuedTxs -= batch.raws.length;
        batch.done(outcome);
      }
    } finally {
      this.draining = false;
    }
  }

  private async admitBatch(raws: readonly Uint8Array[]): Promise<ValidationOutcome> {
    let admitted = 0;
    let lastReason = "";
    for (const raw of raws) {
      if (this.now() - this.sliceStart >= this.sliceMs) {
        await yieldToEventLoop();
        this.sliceStart = this.now();
      }
      let r: TxAdmission;
      try {
        r = await this.o.submit(raw);
      } catch (e) {
        lastReason = (e as Error).message;
        continue;
      }
      if (r.ok) admitted++;
      else if (gossipVerdict(r.code) === "reject") return { verdict: "reject", reason: r.message };
      else lastReason = r.message;
    }
    return admitted > 0 ? "accept" : { verdict: "ignore", reason: lastReason };
  }
}
