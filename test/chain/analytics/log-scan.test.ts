// eth_getLogs' scan over hand-made blocks: positions (logIndex per block, counting logs that did not
// match), the bloom prefilter (a block whose bloom rules the filter out has its receipts left unread),
// the head as the end of the range, and the early stop after limit + 1 matches.
import { describe, expect, it } from "vitest";
import { scanLogs, type LogRange } from "../../../src/chain/analytics/log-scan.js";
import { deriveDevAccounts } from "../../../src/chain/dev-accounts.js";
import type { Log } from "../../../src/primitives/types.js";
import { transfer1559 } from "../../helpers/txs.js";
import { TestChain } from "./fixture.js";

const [alice, bob] = deriveDevAccounts(2);
const tx = (nonce: bigint) => transfer1559(alice!.privateKey, { nonce, to: bob!.address });
const A = new Uint8Array(20).fill(0xaa);
const B = new Uint8Array(20).fill(0xbb);
const [T1, T2, T3] = [1, 2, 3].map((n) => new Uint8Array(32).fill(n)) as [Uint8Array, Uint8Array, Uint8Array];
const log = (address: Uint8Array, ...topics: Uint8Array[]): Log => ({ address, topics, data: Uint8Array.of(topics.length) });

const txs = [tx(0n), tx(1n), tx(2n), tx(3n)] as const;
const logs = { a12: log(A, T1, T2), b1: log(B, T1), a3: log(A, T3), b21: log(B, T2, T1) };
function testChain(): TestChain {
  return new TestChain([
    {},
    { txs: [{ tx: txs[0], logs: [logs.a12, logs.b1] }, { tx: txs[1], logs: [logs.a3] }] },
    { txs: [{ tx: txs[2] }] },
    { txs: [{ tx: txs[3], logs: [logs.b21] }] },
  ]);
}
const range = (q: Partial<LogRange>): LogRange => ({ fromBlock: 0n, toBlock: 3n, addresses: [], topics: [], ...q });
/** [block, transaction index, log index, log] of each result. */
const where = (found: Awaited<ReturnType<typeof scanLogs>>) => found.map((l) => [Number(l.blockNumber), l.transactionIndex, l.logIndex, l.log]);

describe("log scan", () => {
  it("returns every log of the range with its position in the chain", async () => {
    const chain = testChain();
    const found = await scanLogs(chain, range({}));
    expect(where(found)).toEqual([
      [1, 0, 0, logs.a12],
      [1, 0, 1, logs.b1],
      [1, 1, 2, logs.a3],
      [3, 0, 0, logs.b21],
    ]);
    const [, block1, , block3] = chain.blocks;
    expect(found[2]).toMatchObject({ blockHash: block1!.hash, transactionHash: txs[1].hash(), blockTimestamp: 1_700_000_001n });
    expect(found[3]).toMatchObject({ blockHash: block3!.hash, transactionHash: txs[3].hash(), blockTimestamp: 1_700_000_003n });
    expect(chain.receiptReads).toEqual([0n, 1n, 2n, 3n]);
  });

  it("matches addresses, and reads only the blocks whose bloom may hold them", async () => {
    const chain = testChain();
    expect(where(await scanLogs(chain, range({ addresses: [A] })))).toEqual([
      [1, 0, 0, logs.a12],
      [1, 1, 2, logs.a3],
    ]);
    expect(chain.receiptReads).toEqual([1n]);
    expect(where(await scanLogs(testChain(), range({ addresses: [A, B], topics: [[T3]] })))).toEqual([[1, 1, 2, logs.a3]]);
  });

  it("matches topics by position; a bloom knows no positions, so it lets block 3 through for T1", async () => {
    const chain = testChain();
    expect(where(await scanLogs(chain, range({ topics: [[T1]] })))).toEqual([
      [1, 0, 0, logs.a12],
      [1, 0, 1, logs.b1],
    ]);
    expect(chain.receiptReads).toEqual([1n, 3n]);
    // Position 1 is T1 or T3, position 0 anything; a log without a second topic does not match.
    expect(where(await scanLogs(testChain(), range({ topics: [null, [T1, T3]] })))).toEqual([[3, 0, 0, logs.b21]]);
    // An empty list of alternatives matches anything, as null does.
    expect(where(await scanLogs(testChain(), range({ topics: [[], [T2]] })))).toEqual([[1, 0, 0, logs.a12]]);
  });

  it("ends the range at the head, and an empty or reversed range finds nothing", async () => {
    expect(where(await scanLogs(testChain(), range({ fromBlock: 3n, toBlock: 1000n })))).toEqual([[3, 0, 0, logs.b21]]);
    expect(await scanLogs(testChain(), range({ fromBlock: 4n, toBlock: 1000n }))).toEqual([]);
    expect(await scanLogs(testChain(), range({ fromBlock: 3n, toBlock: 2n }))).toEqual([]);
  });

  it("stops as soon as more than `limit` logs matched", async () => {
    const chain = testChain();
    expect(where(await scanLogs(chain, range({ limit: 1 })))).toEqual([
      [1, 0, 0, logs.a12],
      [1, 0, 1, logs.b1],
    ]);
    expect(chain.receiptReads).toEqual([0n, 1n]);
    // Exactly `limit` matches: the whole range is read, nothing more is returned.
    expect(where(await scanLogs(testChain(), range({ addresses: [B], limit: 2 })))).toEqual([
      [1, 0, 1, logs.b1],
      [3, 0, 0, logs.b21],
    ]);
  });
});
