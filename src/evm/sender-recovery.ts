// Sender recovery on worker threads. Recovering a transaction's sender (libsecp256k1's ecdsaRecover,
// ~50-60 µs) is the largest single item of admitting it, and admission runs on the event loop with
// everything else the node does. Here the recoveries of the transactions being admitted over RPC
// (TxService decides) are sent in batches to worker threads that load the same native binding, and each public key
// that comes back is stored where recoverSenderAddress looks first (crypto.ts), so admission then
// only checks and hashes it. Only frozen typed transactions whose signed message is known go this
// way (see recoveryInputOf); anything else, or a worker failure, leaves the key unset and admission
// recovers it on the event loop as before, with the same errors.
//
// A worker holds one batch at a time. RPC requests arrive about one per event-loop turn, so a batch
// per turn is a batch per transaction, and a hand-off (a postMessage each way, the worker's wake-up)
// costs 8-18 µs of CPU on these machines against 50-85 µs for the recovery it moves. What arrives
// while every worker is busy (a burst faster than the worker) waits and goes as one batch when a
// worker comes back; an idle worker gets work at the end of the turn, so a lone transaction waits no
// longer than before.
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { TypedTransaction } from "@ethereumjs/tx";
import { adoptRecoveredPublicKey, recoveryInputOf, secp256k1Backend, type RecoveryInput } from "./crypto.js";

/** Transactions sent to a worker in one message at most (a gossip batch holds up to 256). */
const MAX_BATCH = 512;

// The worker's whole program (CommonJS, run with eval so that it needs no file of its own beside the
// TypeScript sources; with no execArgv, so that the parent's loaders and --input-type do not apply
// to it): recover each (hash, signature, recovery id), 65-byte keys out, 0 where none.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const native = require(workerData.binding);
parentPort.on("message", (m) => {
  const out = new Uint8Array(m.count * 65);
  const ok = new Uint8Array(m.count);
  for (let i = 0; i < m.count; i++) {
    try {
      out.set(native.ecdsaRecover(m.sigs.subarray(i * 64, i * 64 + 64), m.recids[i], m.hashes.subarray(i * 32, i * 32 + 32), false), i * 65);
      ok[i] = 1;
    } catch {}
  }
  parentPort.postMessage({ id: m.id, out, ok }, [out.buffer, ok.buffer]);
});
`;

/** One worker where a second core exists to run it; none on a single core (it would only add hand-offs). */
export function defaultRecoveryThreads(): number {
  return availableParallelism() > 1 ? 1 : 0;
}

interface Pending {
  readonly tx: TypedTransaction;
  readonly input: RecoveryInput;
  readonly done: () => void;
}

interface InFlight {
  readonly items: readonly Pending[];
  readonly worker: Worker;
}

export class SenderRecoveryPool {
  private readonly workers: Worker[];
  private readonly inFlight = new Map<number, InFlight>();
  /** Batches in flight per worker: a worker with none is unref'd (see flush). */
  private readonly busy = new Map<Worker, number>();
  private queue: Pending[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private nextWorker = 0;
  private closed = false;
  /** Recoveries done by the workers, and those left to the event loop (no input, or a worker failed). */
  recovered = 0;
  leftToCaller = 0;
  /** Batches sent to the workers, and the most that one worker held at once. */
  batches = 0;
  maxBatchesPerWorker = 0;

  private constructor(threads: number, binding: string) {
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { binding }, execArgv: [] });
      w.on("message", (m: { id: number; out: Uint8Array; ok: Uint8Array }) => this.settle(m));
      // A worker that fails leaves the rotation, and its batches fall back to the callers' own recovery.
      w.on("error", () => this.retire(w));
      w.on("exit", () => this.retire(w));
      w.unref();
      return w;
    });
  }

  /** A pool of `threads` workers, or null where there is no native binding to load (or no threads). */
  static start(threads: number): SenderRecoveryPool | null {
    if (threads < 1 || secp256k1Backend !== "native") return null;
    const binding = createRequire(import.meta.url).resolve("secp256k1/bindings");
    return new SenderRecoveryPool(threads, binding);
  }

  /**
   * Resolves once the sender key of `tx` is stored on it, or once it is clear that it will not be
   * (the caller then recovers it itself). Never rejects.
   */
  prepare(tx: TypedTransaction): Promise<void> {
    const input = this.closed || this.workers.length === 0 ? null : recoveryInputOf(tx);
    if (input === null) {
      this.leftToCaller++;
      return Promise.resolve();
    }
    return new Promise<void>((done) => {
      this.queue.push({ tx, input, done });
      if (this.queue.length >= MAX_BATCH) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    const workers = this.workers.splice(0);
    for (const w of workers) this.failBatchesOf(w);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /**
   * Sends the queue to an idle worker; with every worker busy it waits for the next to come back
   * (settle), unless the queue has reached a full batch.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    if (this.closed || this.workers.length === 0) {
      const items = this.queue;
      this.queue = [];
      this.leftToCaller += items.length;
      for (const p of items) p.done();
      return;
    }
    const worker = this.workers.find((w) => !this.busy.has(w)) ?? (this.queue.length >= MAX_BATCH ? this.workers[this.nextWorker++ % this.workers.length]! : null);
    if (worker === null) return;
    const items = this.queue.splice(0, MAX_BATCH);
    const count = items.length;
    const hashes = new Uint8Array(count * 32);
    const sigs = new Uint8Array(count * 64);
    const recids = new Uint8Array(count);
    items.forEach((p, i) => {
      hashes.set(p.input.messageHash, i * 32);
      sigs.set(p.input.signature, i * 64);
      recids[i] = p.input.recoveryId;
    });
    const id = this.nextId++;
    this.inFlight.set(id, { items, worker });
    // An idle worker does not keep the process alive (unref); one with work does, or a process whose
    // only pending work is a recovery (a script, not a node with listeners) would exit mid-await.
    const held = (this.busy.get(worker) ?? 0) + 1;
    this.busy.set(worker, held);
    this.batches++;
    if (held > this.maxBatchesPerWorker) this.maxBatchesPerWorker = held;
    worker.ref();
    worker.postMessage({ id, count, hashes, sigs, recids }, [hashes.buffer, sigs.buffer, recids.buffer]);
    if (this.queue.length > 0) this.flush();
  }

  private settle(m: { id: number; out: Uint8Array; ok: Uint8Array }): void {
    const batch = this.inFlight.get(m.id);
    if (batch === undefined) return;
    this.inFlight.delete(m.id);
    this.idle(batch.worker);
    batch.items.forEach((p, i) => {
      if (m.ok[i] === 1) {
        adoptRecoveredPublicKey(p.tx, m.out.subarray(i * 65, i * 65 + 65));
        this.recovered++;
      } else this.leftToCaller++;
      p.done();
    });
    this.flush();
  }

  /** One batch of `w` is over; with none left it no longer keeps the process alive. */
  private idle(w: Worker): void {
    const left = (this.busy.get(w) ?? 1) - 1;
    if (left > 0) this.busy.set(w, left);
    else {
      this.busy.delete(w);
      w.unref();
    }
  }

  private retire(w: Worker): void {
    const at = this.workers.indexOf(w);
    if (at >= 0) this.workers.splice(at, 1);
    this.failBatchesOf(w);
    this.flush(); // what waited for a worker goes to another, or back to the callers
  }

  private failBatchesOf(w: Worker): void {
    for (const [id, batch] of this.inFlight) {
      if (batch.worker !== w) continue;
      this.inFlight.delete(id);
      this.idle(w);
      this.leftToCaller += batch.items.length;
      for (const p of batch.items) p.done();
    }
  }
}
