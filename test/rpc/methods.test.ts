// Every issue-2 method over HTTP against the fixture backend: results (validated against the spec's
// result schemas where the spec has the method), null for unknown things, and the error each misuse gets.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { data } from "../../src/rpc/hex.js";
import {
  CUSTOM_ERROR_DATA,
  HALTER,
  RECIPIENT,
  REVERTER,
  REVERT_DATA,
  REVERT_REASON,
  SENDER_KEY,
  TOKEN,
  TRANSFER_TOPIC,
} from "../helpers/fixture-backend.js";
import { validate } from "../helpers/json-schema.js";
import { startFixtureServer, type FixtureServer } from "../helpers/rpc-client.js";
import { resultSchema } from "../helpers/spec.js";

let rpc: FixtureServer;
beforeAll(async () => {
  rpc = await startFixtureServer();
});
afterAll(async () => {
  await rpc.server.close();
});

/** Calls `method`, expects a result, and validates it against the spec when the spec has the method. */
async function result(method: string, params: unknown[] = [], inSpec = true): Promise<unknown> {
  const reply = await rpc.call(method, params);
  expect(reply.error, `${method} ${JSON.stringify(params)}`).toBeUndefined();
  // eth_getLogs' result schema is oneOf(list of hashes, list of logs): an empty list satisfies both
  // branches, so strict oneOf cannot accept it; empty lists are checked by the callers instead.
  const emptyList = Array.isArray(reply.result) && reply.result.length === 0;
  if (inSpec && !emptyList) expect(validate(resultSchema(method), reply.result), method).toEqual([]);
  return reply.result;
}

async function error(method: string, params: unknown[] = []): Promise<{ code: number; message: string; data?: string }> {
  const reply = await rpc.call(method, params);
  expect(reply.error, `${method} should fail`).toBeDefined();
  return reply.error!;
}

const hash = (tx: { hash(): Uint8Array }): string => data(tx.hash());
const UNKNOWN_HASH = "0x" + "42".repeat(32);

describe("web3_ and net_", () => {
  it("answers identity and keccak", async () => {
    expect(await result("web3_clientVersion", [], false)).toBe("verity/fixture");
    expect(await result("web3_sha3", ["0x68656c6c6f"], false)).toBe("0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8");
    expect(await result("net_version")).toBe("1337");
    expect(await result("net_listening", [], false)).toBe(true);
    expect(await result("net_peerCount", [], false)).toBe("0x3");
  });
});

describe("chain-wide eth_ methods", () => {
  it("answers chain id, head, sync state, accounts and fees", async () => {
    expect(await result("eth_chainId")).toBe("0x539");
    expect(await result("eth_blockNumber")).toBe("0x1");
    expect(await result("eth_syncing")).toBe(false);
    expect(await result("eth_accounts")).toEqual([data(rpc.backend.sender)]);
    expect(await result("eth_gasPrice")).toBe("0x59682f00");
    expect(await result("eth_maxPriorityFeePerGas")).toBe("0x1dcd6500");
  });

  it("answers eth_feeHistory with hex or decimal counts and validates percentiles", async () => {
    const history = (await result("eth_feeHistory", ["0x2", "latest", [25, 75]])) as Record<string, unknown>;
    expect(history.oldestBlock).toBe("0x0");
    expect(history.baseFeePerGas).toHaveLength(3);
    expect(history.reward).toEqual([["0x17d7840", "0x47868c0"], ["0x17d7840", "0x47868c0"]]);
    expect(await result("eth_feeHistory", [2, "finalized", []])).toMatchObject({ oldestBlock: "0x0" });
    expect(await result("eth_feeHistory", ["0x1", "0x1"])).not.toHaveProperty("reward");
    expect(await result("eth_feeHistory", ["0x0", "latest", []])).toEqual({ oldestBlock: "0x0", baseFeePerGas: [], gasUsedRatio: [], reward: [] });
    expect((await result("eth_feeHistory", ["0xfffff", "latest", null])) as object).toMatchObject({ oldestBlock: "0x0" });
    expect(await error("eth_feeHistory", ["0x2", "latest", [75, 25]])).toEqual({
      code: -32602,
      message: "invalid argument 2: invalid reward percentile: #0:75.000000 >= #1:25.000000",
    });
    expect((await error("eth_feeHistory", ["0x2"])).message).toBe("missing value for required argument 1");
  });
});

describe("state reads", () => {
  const sender = () => data(rpc.backend.sender);
  it("reads balances at tags, numbers, EIP-1898 objects and bare hashes", async () => {
    const genesisHash = data(rpc.backend.blocks[0]!.hash);
    expect(await result("eth_getBalance", [sender(), "latest"])).toBe("0x21e19e0c9bab23fffff");
    expect(await result("eth_getBalance", [sender()])).toBe("0x21e19e0c9bab23fffff");
    expect(await result("eth_getBalance", [sender(), "0x0"])).toBe("0x21e19e0c9bab2400000");
    expect(await result("eth_getBalance", [sender(), { blockNumber: "0x0" }])).toBe("0x21e19e0c9bab2400000");
    expect(await result("eth_getBalance", [sender(), { blockHash: genesisHash, requireCanonical: true }])).toBe("0x21e19e0c9bab2400000");
    expect(await result("eth_getBalance", [sender(), genesisHash])).toBe("0x21e19e0c9bab2400000");
    expect(await result("eth_getBalance", [sender().toUpperCase().replace("0X", "0x"), "safe"])).toBe("0x21e19e0c9bab23fffff");
    expect(await error("eth_getBalance", [sender(), "0x99"])).toEqual({ code: -32000, message: "header not found" });
  });

  it("counts nonces including pending ones", async () => {
    expect(await result("eth_getTransactionCount", [sender(), "latest"])).toBe("0x3");
    expect(await result("eth_getTransactionCount", [sender(), "pending"])).toBe("0x4");
    expect(await result("eth_getTransactionCount", [sender(), "earliest"])).toBe("0x0");
  });

  it("reads code and storage words", async () => {
    expect(await result("eth_getCode", [data(TOKEN), "latest"])).toBe("0x6080604052");
    expect(await result("eth_getCode", [data(RECIPIENT)])).toBe("0x");
    expect(await result("eth_getStorageAt", [data(TOKEN), "0x1", "latest"])).toBe("0x" + "0".repeat(62) + "2a");
    expect(await result("eth_getStorageAt", [data(TOKEN), "0x0"])).toBe("0x" + "0".repeat(64));
  });
});

describe("calls and gas estimates", () => {
  it("returns call output", async () => {
    expect(await result("eth_call", [{ to: data(TOKEN), input: "0xdeadbeef" }, "latest"])).toBe("0xdeadbeef");
    expect(await result("eth_call", [{ to: data(TOKEN), data: "0x01" }])).toBe("0x01");
    expect(await result("eth_call", [{ to: data(TOKEN) }, "latest", {}])).toBe("0x");
  });

  it("reports reverts as code 3 with the data, decoding Error(string)", async () => {
    expect(await error("eth_call", [{ to: data(REVERTER) }, "latest"])).toEqual({
      code: 3,
      message: `execution reverted: ${REVERT_REASON}`,
      data: data(REVERT_DATA),
    });
    expect(await error("eth_call", [{ to: data(REVERTER.slice().fill(0xbb, 19)) }])).toEqual({
      code: 3,
      message: "execution reverted",
      data: data(CUSTOM_ERROR_DATA),
    });
    expect(await error("eth_call", [{ to: data(HALTER) }])).toEqual({ code: -32000, message: "out of gas" });
  });

  it("refuses state overrides and a wrong chain id", async () => {
    expect(await error("eth_call", [{ to: data(TOKEN) }, "latest", { [data(TOKEN)]: { balance: "0x1" } }])).toEqual({
      code: -32602,
      message: "invalid argument 2: state overrides are not supported",
    });
    expect(await error("eth_call", [{ to: data(TOKEN), chainId: "0x1" }])).toEqual({
      code: -32000,
      message: "chainId does not match node's (have=1, want=1337)",
    });
  });

  it("estimates gas with one parameter (as MetaMask asks) and reports reverts as code 3", async () => {
    expect(await result("eth_estimateGas", [{ from: data(rpc.backend.sender), to: data(RECIPIENT), value: "0x1" }])).toBe("0x5208");
    expect(await error("eth_estimateGas", [{ to: data(REVERTER) }])).toEqual({
      code: 3,
      message: `execution reverted: ${REVERT_REASON}`,
      data: data(REVERT_DATA),
    });
    expect(await error("eth_estimateGas", [{ to: data(HALTER) }])).toEqual({ code: -32000, message: "gas required exceeds allowance (30000000)" });
  });
});

describe("transactions, receipts and blocks", () => {
  it("submits raw transactions and passes the pool's rejections through", async () => {
    const tx = createFeeMarket1559Tx(
      { nonce: 3n, to: RECIPIENT, value: 1n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n, gasLimit: 21_000n, chainId: 1337n },
      { common: rpc.backend.common },
    ).sign(SENDER_KEY);
    expect(await result("eth_sendRawTransaction", [data(tx.serialize())])).toBe(hash(tx));
    expect(await error("eth_sendRawTransaction", [data(rpc.backend.txs.legacy.serialize())])).toEqual({ code: -32000, message: "nonce too low" });
    expect(await error("eth_sendRawTransaction", ["0x1234"])).toEqual({ code: -32000, message: "rlp: invalid transaction encoding" });
    expect((await error("eth_sendRawTransaction", ["0x123"])).message).toBe("invalid argument 0: hex string of odd length");
  });

  it("finds mined and pooled transactions; unknown ones are null", async () => {
    const { feeMarket, legacy } = rpc.backend.txs;
    const mined = (await result("eth_getTransactionByHash", [hash(feeMarket)])) as Record<string, unknown>;
    expect(mined).toMatchObject({ hash: hash(feeMarket), blockNumber: "0x1", transactionIndex: "0x2", gasPrice: "0x59682f00", type: "0x2" });
    expect(mined.blockTimestamp).toBe("0x" + rpc.backend.blocks[1]!.header.timestamp.toString(16));
    expect(await result("eth_getTransactionByHash", [hash(legacy)])).toMatchObject({ type: "0x0", chainId: "0x539", gasPrice: "0x77359400" });
    const pooled = (await rpc.call("eth_getTransactionByHash", [hash(rpc.backend.pooled)])).result as Record<string, unknown>;
    expect(pooled).toMatchObject({ blockHash: null, blockNumber: null, transactionIndex: null, nonce: "0x3" });
    expect(await result("eth_getTransactionByHash", [UNKNOWN_HASH])).toBeNull();
  });

  it("returns receipts; pooled and unknown transactions have none", async () => {
    const receipt = (await result("eth_getTransactionReceipt", [hash(rpc.backend.txs.feeMarket)])) as Record<string, unknown>;
    expect(receipt).toMatchObject({ status: "0x1", gasUsed: "0x9c40", cumulativeGasUsed: "0x274e8", from: data(rpc.backend.sender) });
    expect(receipt.logs).toHaveLength(2);
    expect(await result("eth_getTransactionReceipt", [hash(rpc.backend.pooled)])).toBeNull();
    expect(await result("eth_getTransactionReceipt", [UNKNOWN_HASH])).toBeNull();
  });

  it("returns blocks for every tag, by number and by hash; unknown ones are null", async () => {
    const [genesis, head] = rpc.backend.blocks as [typeof rpc.backend.blocks[0], typeof rpc.backend.blocks[0]];
    for (const tag of ["latest", "safe", "finalized", "pending", "0x1"]) {
      expect(((await result("eth_getBlockByNumber", [tag, false])) as { hash: string }).hash).toBe(data(head!.hash));
    }
    expect(((await result("eth_getBlockByNumber", ["earliest", false])) as { hash: string }).hash).toBe(data(genesis!.hash));
    const full = (await result("eth_getBlockByHash", [data(head!.hash), true])) as { transactions: Array<{ hash: string }> };
    expect(full.transactions.map((tx) => tx.hash)).toEqual(head!.transactions.map(hash));
    expect(await result("eth_getBlockByNumber", ["0x5", false])).toBeNull();
    expect(await result("eth_getBlockByHash", [UNKNOWN_HASH, false])).toBeNull();
    expect((await error("eth_getBlockByNumber", ["0x1", "yes"])).message).toBe("invalid argument 1: expected boolean, got string");
  });

  it("counts a block's transactions; unknown blocks give null", async () => {
    expect(await result("eth_getBlockTransactionCountByNumber", ["0x1"])).toBe("0x3");
    expect(await result("eth_getBlockTransactionCountByNumber", ["earliest"])).toBe("0x0");
    expect(await result("eth_getBlockTransactionCountByHash", [data(rpc.backend.blocks[1]!.hash)])).toBe("0x3");
    expect(await result("eth_getBlockTransactionCountByNumber", ["0x9"])).toBeNull();
    expect(await result("eth_getBlockTransactionCountByHash", [UNKNOWN_HASH])).toBeNull();
  });
});

describe("eth_getLogs", () => {
  const topic = data(TRANSFER_TOPIC);
  it("filters by address and topics (null and OR-lists) over a range or a block hash", async () => {
    const all = (await result("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }])) as Array<{ logIndex: string }>;
    expect(all.map((log) => log.logIndex)).toEqual(["0x0", "0x1"]);
    expect(await result("eth_getLogs", [{ fromBlock: "earliest", address: data(TOKEN), topics: [topic] }])).toHaveLength(2);
    expect(await result("eth_getLogs", [{ fromBlock: "0x0", address: [data(RECIPIENT), data(TOKEN)], topics: [[UNKNOWN_HASH, topic], null] }])).toHaveLength(2);
    expect(await result("eth_getLogs", [{ fromBlock: "0x0", topics: [UNKNOWN_HASH] }])).toEqual([]);
    expect(await result("eth_getLogs", [{ blockHash: data(rpc.backend.blocks[1]!.hash) }])).toHaveLength(2);
    expect(await result("eth_getLogs", [{}])).toHaveLength(2);
  });

  it("rejects reversed and future ranges as the spec's rpc-compat fixtures do", async () => {
    expect(await error("eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x0" }])).toEqual({ code: -32602, message: "invalid block range params" });
    expect(await error("eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x5" }])).toEqual({
      code: -32602,
      message: "block range extends beyond current head block",
    });
    expect(await error("eth_getLogs", [{ fromBlock: "0x5", toBlock: "0x7" }])).toEqual({
      code: -32602,
      message: "block range extends beyond current head block",
    });
    expect(await error("eth_getLogs", [{ fromBlock: "0x5", toBlock: "latest" }])).toEqual({ code: -32602, message: "invalid block range params" });
    expect(await error("eth_getLogs", [{ blockHash: UNKNOWN_HASH, fromBlock: "0x3", toBlock: "0x4" }])).toEqual({
      code: -32602,
      message: "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
    });
    expect(await error("eth_getLogs", [{ blockHash: UNKNOWN_HASH }])).toEqual({ code: -32000, message: "unknown block" });
    expect(await error("eth_getLogs", [{ fromBlock: "pending" }])).toEqual({ code: -32602, message: "pending logs are not supported" });
  });

  it("caps the block range and the number of results", async () => {
    const capped = await startFixtureServer({ limits: { maxLogBlockRange: 1, maxLogResults: 1 } });
    try {
      expect((await capped.call("eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x1" }])).error).toEqual({
        code: -32602,
        message: "block range too large: at most 1 blocks per query",
      });
      expect((await capped.call("eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x1" }])).error).toEqual({
        code: -32005,
        message: "query returned more than 1 results",
      });
      expect((await capped.call("eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x0" }])).result).toEqual([]);
    } finally {
      await capped.server.close();
    }
  });
});

it("keeps keccak in web3_sha3 consistent with the library", async () => {
  expect(await result("web3_sha3", ["0x"], false)).toBe(data(keccak_256(new Uint8Array())));
});
