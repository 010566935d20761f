// The order a block should include the pool's executable transactions in, like geth's
// transactionsByPriceAndNonce: a heap over each sender's next transaction by effective tip at the
// block's base fee (older arrival first on ties), so senders compete on price while each sender's
// transactions stay in nonce order. A sender leaves the heap when its next transaction cannot pay
// the base fee, does not fit the gas left, or the producer reports that one of its transactions
// failed: its later nonces could not execute before that one.
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import type { PoolEntry } from "./account.js";
import { effectiveTip } from "../../primitives/fees.js";
import type { HeapSlot } from "./heap.js";
import { IndexedHeap } from "./heap.js";
import type { PooledTx } from "./types.js";

interface Cursor {
  readonly entries: readonly PoolEntry[];
  index: number;
  head: PoolEntry;
  /** Effective tip of `head` at the block's base fee. */
  tip: bigint;
  readonly slot: HeapSlot;
}

function inclusionOrder(a: Cursor, b: Cursor): boolean {
  return a.tip !== b.tip ? a.tip > b.tip : a.head.seq < b.head.seq;
}

/**
 * One block's pass over the pool. Protocol: each call of next() (or each step of iteration) means
 * the transaction offered before was included, unless rejectLast()/skipSender() said otherwise.
 * The selection works on a snapshot of the senders' executable lists taken when it was created, so
 * pool changes while the block is built do not disturb it.
 */
export class BlockTxSelection implements Iterable<TypedTransaction> {
  private readonly heap = new IndexedHeap<Cursor>(inclusionOrder, (c) => c.slot);
  private readonly skipped = new Set<string>();
  private offered: Cursor | undefined;
  private gasLeft: bigint;

  /** @param lists each sender's executable transactions, in nonce order. */
  constructor(
    lists: readonly (readonly PoolEntry[])[],
    private readonly baseFee: bigint,
    private readonly gasLimit: bigint,
  ) {
    this.gasLeft = gasLimit;
    const cursors: Cursor[] = [];
    for (const entries of lists) {
      const head = entries[0];
      if (head === undefined || head.maxFeePerGas < baseFee) continue;
      cursors.push({ entries, index: 0, head, tip: this.tipOf(head), slot: { heapPos: -1 } });
    }
    this.heap.rebuild(cursors);
  }

  /** The next transaction to try, or undefined when no remaining one can go into the block. */
  next(): TypedTransaction | undefined {
    return this.nextPooled()?.tx;
  }

  /** Like next(), with what the pool knows about the transaction (sender, hash, fees). */
  nextPooled(): PooledTx | undefined {
    if (this.offered !== undefined) this.advance(this.offered);
    this.offered = undefined;
    for (;;) {
      const cursor = this.heap.pop();
      if (cursor === undefined) return undefined;
      const head = cursor.head;
      // Too big for what is left: drop the sender, its later nonces cannot go before this one.
      if (this.skipped.has(head.senderHex) || head.gasLimit > this.gasLeft) continue;
      this.offered = cursor;
      return head;
    }
  }

  /** The last transaction offered was not included: offer nothing more from its sender. */
  rejectLast(_reason?: string): void {
    if (this.offered !== undefined) this.skipped.add(this.offered.head.senderHex);
    this.offered = undefined;
  }

  /** Offer nothing more from this sender (the last offered tx, if its, counts as not included). */
  skipSender(sender: Uint8Array): void {
    const key = bytesToHex(sender);
    this.skipped.add(key);
    if (this.offered?.head.senderHex === key) this.offered = undefined;
  }

  /**
   * Reports the block's gas used so far, so that transactions whose gas limit exceeds what is
   * left are no longer offered. Without reports only the block gas limit bounds them (the gas a
   * transaction will use is not known before it runs).
   */
  setGasUsed(blockGasUsed: bigint): void {
    this.gasLeft = this.gasLimit - blockGasUsed;
  }

  *[Symbol.iterator](): Iterator<TypedTransaction> {
    for (let tx = this.next(); tx !== undefined; tx = this.next()) yield tx;
  }

  private tipOf(e: PoolEntry): bigint {
    return effectiveTip(e.maxFeePerGas, e.maxPriorityFeePerGas, this.baseFee);
  }

  /** Moves an included sender on to its next nonce. */
  private advance(cursor: Cursor): void {
    const next = cursor.entries[cursor.index + 1];
    if (next === undefined || next.maxFeePerGas < this.baseFee) return;
    cursor.index++;
    cursor.head = next;
    cursor.tip = this.tipOf(next);
    this.heap.push(cursor);
  }
}
