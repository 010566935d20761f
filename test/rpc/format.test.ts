// Ethereum JSON shapes of blocks, transactions, receipts and logs, checked field by field and against
// the execution-apis spec's result schemas.
import { RLP } from "@ethereumjs/rlp";
import { describe, expect, it } from "vitest";
import { EMPTY_UNCLES_HASH, blockSize, formatBlock, formatFeeHistory, formatLogWithContext, formatReceipt, formatSyncStatus, formatTransaction } from "../../src/rpc/format.js";
import { type JsonObject } from "../../src/util/json.js";
import { data } from "../../src/rpc/hex.js";
import { FixtureBackend, CHAIN_ID, TOKEN } from "../helpers/fixture-backend.js";
import { validate } from "../helpers/json-schema.js";
import { resultSchema } from "../helpers/spec.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

const backend = new FixtureBackend();
const block = backend.blocks[1]!;

function expectValid(method: string, value: unknown): void {
  expect(validate(resultSchema(method), value)).toEqual([]);
}

describe("the schema checker", () => {
  it("rejects shapes the spec rejects (so passing means something)", async () => {
    const good = formatBlock(block, false);
    expect(validate(resultSchema("eth_getBlockByNumber"), { ...good, number: "0x01" }).join()).toMatch(/does not match/);
    const { size: _size, ...withoutSize } = good;
    expect(validate(resultSchema("eth_getBlockByNumber"), withoutSize).join()).toMatch(/missing required property size/);
    const receipt = formatReceipt((await backend.getReceipt(backend.txs.legacy.hash()))!);
    expect(validate(resultSchema("eth_getTransactionReceipt"), { ...receipt, blockTimestamp: "0x1" }).join()).toMatch(/unexpected property blockTimestamp/);
    const full = formatBlock(block, true);
    const [first, ...rest] = full.transactions as JsonObject[];
    const badTx = { ...full, transactions: [{ ...first!, r: "0x0abc" }, ...rest] };
    expect(validate(resultSchema("eth_getBlockByNumber"), badTx).join()).toMatch(/matches no anyOf branch/);
    expect(() => validate({ type: "string", minLength: 1 }, "x")).toThrow(/unsupported schema keyword minLength/);
  });
});

describe("blocks", () => {
  it("gives post-merge values to proof-of-work fields and carries the seed in mixHash", () => {
    const json = formatBlock(block, false);
    expect(json.difficulty).toBe("0x0");
    expect(json.nonce).toBe("0x0000000000000000");
    expect(json.sha3Uncles).toBe(EMPTY_UNCLES_HASH);
    expect(EMPTY_UNCLES_HASH).toBe(data(keccak_256(RLP.encode([]))));
    expect(json.uncles).toEqual([]);
    expect(json.mixHash).toBe(data(block.header.seed));
    expect(json.miner).toBe(data(block.header.proposer));
    expect(json.baseFeePerGas).toBe("0x3b9aca00");
    expect(json.number).toBe("0x1");
    expect(json.hash).toBe(data(block.hash));
    expect(json).not.toHaveProperty("withdrawals");
    expect(json.transactions).toEqual(block.transactions.map((tx) => data(tx.hash())));
    expectValid("eth_getBlockByNumber", json);
    expectValid("eth_getBlockByHash", json);
  });

  it("hydrates transactions per type and validates against the spec", () => {
    const json = formatBlock(block, true);
    expectValid("eth_getBlockByNumber", json);
    const [legacy, accessList, feeMarket] = json.transactions as JsonObject[];
    expect(legacy!.type).toBe("0x0");
    expect(legacy!.chainId).toBe("0x539");
    expect([CHAIN_ID * 2n + 35n, CHAIN_ID * 2n + 36n].map((v) => "0x" + v.toString(16))).toContain(legacy!.v);
    expect(legacy).not.toHaveProperty("yParity");
    expect(legacy).not.toHaveProperty("accessList");
    expect(accessList!.type).toBe("0x1");
    expect(accessList!.to).toBeNull();
    expect(accessList!.yParity).toBe(accessList!.v);
    expect(accessList!.accessList).toEqual([{ address: data(TOKEN), storageKeys: ["0x" + "0".repeat(63) + "1"] }]);
    expect(feeMarket!.type).toBe("0x2");
    // effective price once mined: min(maxFeePerGas 3 gwei, baseFee 1 gwei + tip 0.5 gwei)
    expect(feeMarket!.gasPrice).toBe("0x59682f00");
    expect(feeMarket!.maxFeePerGas).toBe("0xb2d05e00");
    expect(feeMarket!.maxPriorityFeePerGas).toBe("0x1dcd6500");
    expect(feeMarket!.blockTimestamp).toBe("0x" + block.header.timestamp.toString(16));
    expect(feeMarket!.transactionIndex).toBe("0x2");
    expect(feeMarket!.from).toBe(data(backend.sender));
  });

  it("measures size as the RLP of header fields and body unless the node gives it", () => {
    const json = formatBlock(block, false);
    expect(Number(json.size)).toBe(blockSize(block));
    expect(blockSize(block)).toBeGreaterThan(3 * 100);
    expect(formatBlock({ ...block, size: 1234 }, false).size).toBe("0x4d2");
  });

  it("uses the node's senders when given instead of recovering them", () => {
    const other = new Uint8Array(20).fill(7);
    const json = formatBlock({ ...block, senders: [other, other, other] }, true);
    expect((json.transactions as JsonObject[])[0]!.from).toBe(data(other));
  });
});

describe("transactions", () => {
  it("shows a pooled EIP-1559 transaction with null position and gasPrice = maxFeePerGas", () => {
    const tx = backend.pooled;
    const json = formatTransaction(tx, tx.hash(), backend.sender, null);
    expect(json.blockHash).toBeNull();
    expect(json.blockNumber).toBeNull();
    expect(json.transactionIndex).toBeNull();
    expect(json).not.toHaveProperty("blockTimestamp");
    expect(json.gasPrice).toBe(json.maxFeePerGas);
  });

  it("mined transactions validate against eth_getTransactionByHash", () => {
    for (const [index, tx] of block.transactions.entries()) {
      const json = formatTransaction(tx, tx.hash(), backend.sender, {
        blockHash: block.hash, blockNumber: 1n, blockTimestamp: block.header.timestamp, index, baseFeePerGas: block.header.baseFeePerGas,
      });
      expectValid("eth_getTransactionByHash", json);
    }
  });
});

describe("receipts and logs", () => {
  it("formats a receipt with positional log fields and validates it", async () => {
    const tx = backend.txs.feeMarket;
    const found = (await backend.getReceipt(tx.hash()))!;
    const json = formatReceipt({ ...found, firstLogIndex: 4 });
    expectValid("eth_getTransactionReceipt", json);
    expect(json.status).toBe("0x1");
    expect(json.type).toBe("0x2");
    expect(json.to).toBe(data(TOKEN));
    expect(json.contractAddress).toBeNull();
    expect(json.effectiveGasPrice).toBe("0x59682f00");
    const logs = json.logs as JsonObject[];
    expect(logs.map((log) => log.logIndex)).toEqual(["0x4", "0x5"]);
    expect(logs[0]).toMatchObject({ transactionHash: data(tx.hash()), transactionIndex: "0x2", blockNumber: "0x1", blockHash: data(block.hash), removed: false });
    expect(logs[0]).not.toHaveProperty("blockTimestamp");
    const withTime = formatReceipt({ ...found, blockTimestamp: 99n });
    expect((withTime.logs as JsonObject[])[0]!.blockTimestamp).toBe("0x63");
    expectValid("eth_getTransactionReceipt", withTime);
  });

  it("shows the created contract's address and a null to for a creation", async () => {
    const json = formatReceipt((await backend.getReceipt(backend.txs.accessList.hash()))!);
    expect(json.contractAddress).toBe(data(TOKEN));
    expect(json.to).toBeNull();
    expectValid("eth_getTransactionReceipt", json);
  });

  it("formats logs for eth_getLogs", async () => {
    const logs = await backend.getLogs({ fromBlock: 0n, toBlock: 1n, addresses: [], topics: [] });
    const json = logs.map((entry) => formatLogWithContext({ ...entry, blockTimestamp: 5n }));
    expect(json.length).toBe(2);
    expectValid("eth_getLogs", json);
  });
});

describe("fee history and sync status", () => {
  it("formats fee history with and without rewards", () => {
    const json = formatFeeHistory({ oldestBlock: 3n, baseFeePerGas: [7n, 8n], gasUsedRatio: [0.5], reward: [[1n, 0n]] });
    expect(json).toEqual({ oldestBlock: "0x3", baseFeePerGas: ["0x7", "0x8"], gasUsedRatio: [0.5], reward: [["0x1", "0x0"]] });
    expectValid("eth_feeHistory", json);
    expect(formatFeeHistory({ oldestBlock: 0n, baseFeePerGas: [1n], gasUsedRatio: [] })).not.toHaveProperty("reward");
  });
  it("formats syncing as false or the progress object", () => {
    expect(formatSyncStatus(null)).toBe(false);
    const json = formatSyncStatus({ startingBlock: 0n, currentBlock: 5n, highestBlock: 10n });
    expect(json).toEqual({ startingBlock: "0x0", currentBlock: "0x5", highestBlock: "0xa" });
    expectValid("eth_syncing", json);
    expectValid("eth_syncing", false);
  });
});
