// The localnet bench's record of consensus rounds during a load (bench/harness/rounds.ts).
import { describe, expect, it } from "vitest";
import { fundSenders, signLoad } from "../../bench/harness/load-txs.js";
import { roundsOfBlocks, summarizeRounds } from "../../bench/harness/rounds.js";
import { RpcClient } from "../../bench/harness/rpc.js";
import { startTestNode } from "../helpers/node.js";

describe("summarizeRounds", () => {
  it("counts the rounds lost before each block and the blocks that lost any", () => {
    expect(summarizeRounds([0, 0, 2, 0, 1], 500)).toEqual({ blocks: 5, blocksAfterRound0: 2, roundsLost: 3, maxRound: 2, txs: 500 });
  });

  it("an empty window lost nothing", () => {
    expect(summarizeRounds([], 0)).toEqual({ blocks: 0, blocksAfterRound0: 0, roundsLost: 0, maxRound: 0, txs: 0 });
  });

  it("refuses what is not a round", () => {
    expect(() => summarizeRounds([0, -1], 0)).toThrow(/not a round/);
    expect(() => summarizeRounds([1.5], 0)).toThrow(/not a round/);
  });
});

describe("roundsOfBlocks", () => {
  it("reads every block's round and transaction count from a real dev node, across batches", async () => {
    // 50 ms blocks: more than one batch of blocks (50) within seconds, a few of them with transactions.
    const t = await startTestNode({ blockTimeMs: 50 });
    const client = new RpcClient(t.url, 2);
    try {
      await fundSenders(client, signLoad(60, 60).senders);
      let head = 0n;
      for (let i = 0; i < 200 && head <= 60n; i++) {
        await new Promise((r) => setTimeout(r, 50));
        head = BigInt(await client.call<string>("eth_blockNumber"));
      }
      expect(head).toBeGreaterThan(60n);
      let txs = 0;
      for (let n = 1n; n <= head; n++) txs += Number(BigInt(await client.call<string>("eth_getBlockTransactionCountByNumber", [`0x${n.toString(16)}`])));
      const r = await roundsOfBlocks(client, 1n, head);
      expect(r.blocks).toBe(Number(head));
      expect(r.txs).toBe(txs);
      expect(r.txs).toBeGreaterThanOrEqual(60);
      // The dev node's validators share one process: no round is lost without faults.
      expect(r.roundsLost).toBe(0);
    } finally {
      client.close();
      await t.stop();
    }
  }, 60_000);
});
