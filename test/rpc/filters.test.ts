// Polling filters (FilterManager) on a synthetic event source and a controllable clock: what each kind
// gathers, log criteria and numeric ranges, the 5-minute idle expiry, the caps, and that the manager
// listens to chain events only while it has filters.
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import type { Block, TxReceipt } from "../../src/primitives/types.js";
import type { ChainEventSource, CommittedBlockEvent, PooledTransaction } from "../../src/rpc/backend/port.js";
import { FilterManager } from "../../src/rpc/filters.js";
import { data } from "../../src/rpc/hex.js";
import { parseLogFilter } from "../../src/rpc/params-objects.js";
import { FixtureBackend, SENDER_KEY, TOKEN, TRANSFER_TOPIC } from "../helpers/fixture-backend.js";

/** An event source the test fires by hand. */
class ManualEvents implements ChainEventSource {
  readonly blockListeners = new Set<(e: CommittedBlockEvent) => void>();
  readonly pendingListeners = new Set<(txs: PooledTransaction[]) => void>();
  onBlock(listener: (e: CommittedBlockEvent) => void) {
    this.blockListeners.add(listener);
    return () => this.blockListeners.delete(listener);
  }
  onPendingTransactions(listener: (txs: PooledTransaction[]) => void) {
    this.pendingListeners.add(listener);
    return () => this.pendingListeners.delete(listener);
  }
  block(event: CommittedBlockEvent) {
    for (const l of this.blockListeners) l(event);
  }
  pending(txs: PooledTransaction[]) {
    for (const l of this.pendingListeners) l(txs);
  }
}

const fixture = new FixtureBackend();
const block1 = fixture.blocks[1]!;
const receipts1 = fixture.receipts.get(bytesToHex(block1.hash))!;

/** The fixture's block 1 renumbered, so ranges can be exercised. */
function blockAt(number: bigint): CommittedBlockEvent {
  const block: Block = { ...block1, header: { ...block1.header, number } };
  return { block, receipts: receipts1 satisfies TxReceipt[] };
}

function setup(timeoutMs = 300_000) {
  const events = new ManualEvents();
  let now = 1_000;
  const manager = new FilterManager(events, { timeoutMs, maxFilters: 3, maxBuffered: 4, now: () => now });
  return { events, manager, advance: (ms: number) => (now += ms) };
}

describe("FilterManager", () => {
  it("gathers block hashes, pending hashes and matching logs until polled", () => {
    const { events, manager } = setup();
    const blocks = manager.install("blocks");
    const pending = manager.install("pendingTransactions");
    const logs = manager.install("logs", parseLogFilter({ address: data(TOKEN), topics: [data(TRANSFER_TOPIC)] }));
    events.block(blockAt(5n));
    const tx = createFeeMarket1559Tx({ chainId: 1337n, nonce: 9n, gasLimit: 21_000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n }, { common: fixture.common }).sign(SENDER_KEY);
    events.pending([{ tx, hash: tx.hash(), sender: tx.getSenderAddress().bytes }]);

    expect(manager.poll(blocks)?.items).toEqual([data(block1.hash)]);
    expect(manager.poll(blocks)?.items).toEqual([]);
    expect(manager.poll(pending)?.items).toEqual([data(tx.hash())]);
    const found = manager.poll(logs)?.items as Array<{ logIndex: string; blockNumber: string; transactionIndex: string }>;
    // The fixture's block has two Transfer logs, both in its third transaction.
    expect(found.map((l) => [l.blockNumber, l.transactionIndex, l.logIndex])).toEqual([["0x5", "0x2", "0x0"], ["0x5", "0x2", "0x1"]]);
  });

  it("applies log criteria and numeric block bounds to live logs", () => {
    const { events, manager } = setup();
    const otherAddress = manager.install("logs", parseLogFilter({ address: "0x" + "99".repeat(20) }));
    const bounded = manager.install("logs", parseLogFilter({ fromBlock: "0x6", toBlock: "0x7" }));
    for (const n of [5n, 6n, 7n, 8n]) events.block(blockAt(n));
    expect(manager.poll(otherAddress)?.items).toEqual([]);
    expect((manager.poll(bounded)?.items as Array<{ blockNumber: string }>).map((l) => l.blockNumber)).toEqual(["0x6", "0x6", "0x7", "0x7"]);
  });

  it("removes a filter nobody polled for the timeout, and polling keeps it alive", () => {
    const { events, manager, advance } = setup(300_000);
    const polled = manager.install("blocks");
    const idle = manager.install("blocks");
    advance(200_000);
    manager.poll(polled);
    advance(200_000); // idle: 400 s since install; polled: 200 s since its last poll
    manager.sweep();
    expect(manager.poll(idle)).toBeNull();
    expect(manager.poll(polled)).not.toBeNull();
    advance(300_001);
    expect(manager.get(polled)).toBeNull(); // an expired filter is gone even before a sweep
    expect(manager.size).toBe(0);
    expect(events.blockListeners.size).toBe(0);
  });

  it("keeps only the newest items of a filter that is not polled, and caps the number of filters", () => {
    const { events, manager } = setup();
    const blocks = manager.install("blocks");
    for (const n of [1n, 2n, 3n, 4n, 5n, 6n]) events.block(blockAt(n));
    expect(manager.poll(blocks)?.items).toHaveLength(4);
    manager.install("blocks");
    manager.install("blocks");
    expect(() => manager.install("blocks")).toThrow("too many filters installed (at most 3)");
    expect(manager.uninstall(blocks)).toBe(true);
    expect(manager.uninstall(blocks)).toBe(false);
  });

  it("listens to chain events only while filters exist", () => {
    const { events, manager } = setup();
    expect(events.blockListeners.size).toBe(0);
    const id = manager.install("blocks");
    expect(events.blockListeners.size).toBe(1);
    expect(events.pendingListeners.size).toBe(1);
    manager.uninstall(id);
    expect(events.blockListeners.size).toBe(0);
    expect(events.pendingListeners.size).toBe(0);
  });
});
