// A batch sees one head: eth_blockNumber answers the head as of the batch's arrival even when a
// block commits while an earlier call of the batch awaits the database. ethers v6's tx.wait() sends
// exactly [eth_getTransactionReceipt, eth_blockNumber]; a null receipt beside the new block's number
// made it take that block as its poller's baseline and never report it, so on an idle automining
// chain the wait hung (src/rpc/dispatch.ts). The fixture backend stands in for the chain so that
// the commit can be placed inside the batch deterministically; the server and sockets are real.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureServer, type FixtureServer } from "../helpers/rpc-client.js";

let rpc: FixtureServer;
beforeAll(async () => {
  rpc = await startFixtureServer();
});
afterAll(async () => {
  await rpc.server.close();
});

const receiptThenHead = (hash: string) => [
  { jsonrpc: "2.0", id: 1, method: "eth_getTransactionReceipt", params: [hash] },
  { jsonrpc: "2.0", id: 2, method: "eth_blockNumber", params: [] },
];

describe("a batch's eth_blockNumber", () => {
  it("is the head at the batch's arrival when a block commits during an earlier call, and the new head after", async () => {
    const backend = rpc.backend;
    const headBefore = backend.headNumber();
    const unknownTx = "0x" + "ab".repeat(32);
    const lookUp = backend.getReceipt.bind(backend);
    // The receipt lookup awaits the database; the next block (carrying the transaction) commits then.
    backend.getReceipt = async (hash) => {
      await new Promise((resolve) => setImmediate(resolve));
      backend.blocks.push(backend.blocks[backend.blocks.length - 1]!);
      return lookUp(hash);
    };
    try {
      const { json } = await rpc.post(receiptThenHead(unknownTx));
      expect(backend.headNumber()).toBe(headBefore + 1n); // the commit did land inside the batch
      expect(json).toEqual([
        { jsonrpc: "2.0", id: 1, result: null },
        { jsonrpc: "2.0", id: 2, result: `0x${headBefore.toString(16)}` },
      ]);
      expect((await rpc.call("eth_blockNumber")).result).toBe(`0x${(headBefore + 1n).toString(16)}`);
    } finally {
      backend.getReceipt = lookUp;
      backend.blocks.pop();
    }
  });

  it("alone, or in a batch that sees no commit, is the current head", async () => {
    const head = `0x${rpc.backend.headNumber().toString(16)}`;
    expect((await rpc.call("eth_blockNumber")).result).toBe(head);
    const { json } = await rpc.post(receiptThenHead("0x" + "cd".repeat(32)));
    expect((json as Array<{ result: unknown }>)[1]!.result).toBe(head);
  });
});
