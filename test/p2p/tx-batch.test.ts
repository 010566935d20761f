import { describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import { decodeTxBatch, encodeTxBatch, TX_BATCH_FLUSH_MS, TX_BATCH_MAX_BYTES, TX_BATCH_MAX_COUNT, TxGossipBatcher } from "../../src/p2p/tx-batch.js";

const tx = (i: number, size = 110) => new Uint8Array(size).fill(i % 251 + 1);

describe("transaction gossip batches", () => {
  it("round-trip, and anything but a non-empty list of byte strings is malformed", () => {
    const raws = [tx(1), tx(2, 300), tx(3, 5)];
    expect(decodeTxBatch(encodeTxBatch(raws))).toEqual(raws);
    for (const bad of [RLP.encode([]), RLP.encode(tx(1)), RLP.encode([tx(1), [tx(2)]]), RLP.encode([new Uint8Array(0)]), new Uint8Array([0xf8]), new Uint8Array(0)])
      expect(decodeTxBatch(bad)).toBeNull();
  });

  it("send when full by count or by bytes, else after the flush delay, and on flush()", async () => {
    const sent: Uint8Array[][] = [];
    const b = new TxGossipBatcher((batch) => sent.push(decodeTxBatch(batch) as Uint8Array[]));
    for (let i = 0; i < TX_BATCH_MAX_COUNT + 3; i++) b.add(tx(i));
    expect(sent.map((s) => s.length)).toEqual([TX_BATCH_MAX_COUNT]);
    await new Promise((r) => setTimeout(r, TX_BATCH_FLUSH_MS * 5));
    expect(sent.map((s) => s.length)).toEqual([TX_BATCH_MAX_COUNT, 3]);

    const big = Math.floor(TX_BATCH_MAX_BYTES / 3) + 1;
    b.add(tx(1, big));
    b.add(tx(2, big));
    b.add(tx(3, big)); // would overflow: the first two go out, this one starts the next batch
    expect(sent.at(-1)!.map((r) => r.length)).toEqual([big, big]);
    b.flush();
    expect(sent.at(-1)!.map((r) => r.length)).toEqual([big]);
    b.flush(); // nothing waits: nothing is sent
    expect(sent).toHaveLength(4);
    // Every transaction went out exactly once, in order.
    expect(sent.flat()).toHaveLength(TX_BATCH_MAX_COUNT + 3 + 3);
  });
});
