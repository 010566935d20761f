// Issue 5's protocol-level additions over the fixture backend: methods a backend's capabilities unlock
// (absent capabilities answer -32601), block/index lookups that agree with the hash lookups, trace
// configs, the tx fee cap read from raw encodings, and the namespace restriction of --http.api.
import { RLP } from "@ethereumjs/rlp";
import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import { bytesToBigInt } from "@ethereumjs/util";
import { describe, expect, it, afterAll, beforeAll } from "vitest";
import { checkTxFee, maxTxFee } from "../../src/rpc/fee-cap.js";
import { data } from "../../src/rpc/hex.js";
import { restrictToNamespaces, methodsFor } from "../../src/rpc/methods/index.js";
import { parseGoDuration, parseTraceConfig } from "../../src/rpc/params-trace.js";
import { CHAIN_ID, FixtureBackend, SENDER_KEY } from "../helpers/fixture-backend.js";
import { startFixtureServer, type FixtureServer } from "../helpers/rpc-client.js";

let rpc: FixtureServer;
beforeAll(async () => {
  rpc = await startFixtureServer();
});
afterAll(async () => {
  await rpc.server.close();
});

describe("capabilities", () => {
  it("answers -32601 for the methods of capabilities the backend lacks", async () => {
    for (const method of ["eth_newFilter", "eth_subscribe", "eth_getProof", "debug_traceTransaction", "eth_createAccessList", "txpool_status"]) {
      expect((await rpc.call(method, [])).error?.code, method).toBe(-32601);
    }
    expect(Object.keys(methodsFor(new FixtureBackend()))).not.toContain("eth_getFilterChanges");
  });

  it("serves the node-level methods without a block producer the way geth does without an etherbase", async () => {
    expect((await rpc.call("eth_coinbase")).error).toEqual({ code: -32000, message: "etherbase must be explicitly specified" });
    expect((await rpc.call("eth_mining")).result).toBe(false);
    expect((await rpc.call("eth_hashrate")).result).toBe("0x0");
    expect((await rpc.call("eth_baseFee")).result).toBe("0x3b9aca00");
    expect((await rpc.call("eth_capabilities")).result).toMatchObject({ head: { number: "0x1" }, stateproofs: { disabled: true } });
  });

  it("restricts a method table to namespaces", () => {
    const table = restrictToNamespaces(methodsFor(new FixtureBackend()), ["eth", "NET"]);
    expect(Object.keys(table).some((m) => m.startsWith("web3_"))).toBe(false);
    expect(Object.keys(table)).toContain("net_version");
    expect(Object.keys(table)).toContain("eth_chainId");
  });
});

describe("block and index lookups", () => {
  it("finds transactions by block and index exactly as by hash, receipts per block, and no uncles", async () => {
    const block = rpc.backend.blocks[1]!;
    for (const [i, tx] of block.transactions.entries()) {
      const byHash = (await rpc.call("eth_getTransactionByHash", [data(tx.hash())])).result;
      expect((await rpc.call("eth_getTransactionByBlockHashAndIndex", [data(block.hash), `0x${i}`])).result).toEqual(byHash);
      expect((await rpc.call("eth_getTransactionByBlockNumberAndIndex", ["0x1", `0x${i}`])).result).toEqual(byHash);
      expect((await rpc.call("debug_getRawTransaction", [data(tx.hash())])).result).toBe(data(tx.serialize()));
    }
    const receipts = (await rpc.call("eth_getBlockReceipts", ["latest"])).result as unknown[];
    const one = (await rpc.call("eth_getTransactionReceipt", [data(block.transactions[2]!.hash())])).result as Record<string, unknown>;
    expect(receipts).toHaveLength(3);
    // The fixture backend gives no timestamps on receipts; per-block receipts carry the block's.
    expect(receipts[2]).toEqual({ ...one, logs: (one.logs as object[]).map((l) => ({ ...l, blockTimestamp: "0x6553f101" })) });
    expect((await rpc.call("eth_getUncleCountByBlockNumber", ["0x1"])).result).toBe("0x0");
    expect((await rpc.call("eth_getUncleCountByBlockHash", [data(block.hash)])).result).toBe("0x0");
    expect((await rpc.call("eth_getUncleCountByBlockNumber", ["0x9"])).result).toBeNull();
    expect((await rpc.call("eth_getUncleByBlockNumberAndIndex", ["0x1", "0x0"])).result).toBeNull();
  });
});

describe("trace configs", () => {
  it("reads Go durations", () => {
    expect(parseGoDuration("5s")).toBe(5000);
    expect(parseGoDuration("1m30s")).toBe(90_000);
    expect(parseGoDuration("300ms")).toBe(300);
    expect(() => parseGoDuration("5 s")).toThrow("time: invalid duration");
  });

  it("selects the opcode logger or callTracer with their options, and refuses the rest", () => {
    expect(parseTraceConfig({})).toMatchObject({ tracer: "struct", enableMemory: false, limit: 0, timeoutMs: 5000 });
    expect(parseTraceConfig({ enableMemory: true, limit: 10, timeout: "2s" })).toMatchObject({ tracer: "struct", enableMemory: true, limit: 10, timeoutMs: 2000 });
    expect(parseTraceConfig({ tracer: "callTracer", tracerConfig: { withLog: true } })).toEqual({ tracer: "call", onlyTopCall: false, withLog: true, timeoutMs: 5000 });
    expect(() => parseTraceConfig({ tracer: "prestateTracer" })).toThrow('tracer "prestateTracer" is not available');
    expect(() => parseTraceConfig({ enableMemroy: true })).toThrow('unknown trace config field "enableMemroy"');
    expect(() => parseTraceConfig({ stateOverrides: { "0x00": {} } })).toThrow("state overrides are not supported");
    expect(() => parseTraceConfig({ timeout: "2h" })).toThrow("timeout: at most 60s allowed");
  });
});

describe("tx fee cap", () => {
  const common = new FixtureBackend().common;
  it("reads gas x fee cap from every envelope type", () => {
    const legacy = createLegacyTx({ gasLimit: 21_000n, gasPrice: 7n }, { common }).sign(SENDER_KEY);
    const al = createAccessList2930Tx({ gasLimit: 30_000n, gasPrice: 5n, chainId: CHAIN_ID }, { common }).sign(SENDER_KEY);
    const fm = createFeeMarket1559Tx({ gasLimit: 40_000n, maxFeePerGas: 9n, maxPriorityFeePerGas: 1n, chainId: CHAIN_ID }, { common }).sign(SENDER_KEY);
    expect(maxTxFee(legacy.serialize())).toBe(147_000n);
    expect(maxTxFee(al.serialize())).toBe(150_000n);
    expect(maxTxFee(fm.serialize())).toBe(360_000n);
    expect(maxTxFee(Uint8Array.of(0x02, 0xff))).toBeNull();
  });

  it("reads the fields of real envelopes as a full RLP decode does, and refuses what does not parse", () => {
    // Reference: decode everything, take the two fields (what maxTxFee did before it walked headers).
    const viaDecode = (raw: Uint8Array): bigint | null => {
      const type = raw[0]! >= 0xc0 ? 0 : raw[0]!;
      const [p, g] = ({ 0: [1, 2], 1: [2, 3], 2: [3, 4] } as Record<number, [number, number]>)[type]!;
      const fields = RLP.decode(type === 0 ? raw : raw.subarray(1)) as Uint8Array[];
      return bytesToBigInt(fields[p]!) * bytesToBigInt(fields[g]!);
    };
    const txs = [
      // Long-form lengths: data past 55 bytes (0xb8 prefix) and a list past 255 bytes (0xf9).
      createFeeMarket1559Tx({ gasLimit: 1n, maxFeePerGas: 0n, chainId: CHAIN_ID, data: new Uint8Array(300).fill(7) }, { common }).sign(SENDER_KEY),
      createLegacyTx({ gasLimit: 0xffff_ffff_ffffn, gasPrice: 10n ** 30n, data: new Uint8Array(56) }, { common }).sign(SENDER_KEY),
      createAccessList2930Tx({ gasLimit: 127n, gasPrice: 128n, chainId: CHAIN_ID, accessList: [{ address: `0x${"11".repeat(20)}`, storageKeys: [`0x${"22".repeat(32)}`] }] }, { common }).sign(SENDER_KEY),
      createFeeMarket1559Tx({ gasLimit: 0n, maxFeePerGas: 5n, maxPriorityFeePerGas: 1n, chainId: CHAIN_ID }, { common }).sign(SENDER_KEY),
    ];
    for (const tx of txs) {
      const raw = tx.serialize();
      expect(maxTxFee(raw)).toBe(viaDecode(raw));
      // Cut short anywhere, or with a byte appended, it no longer parses.
      for (const cut of [raw.length - 1, Math.floor(raw.length / 2), 3]) expect(maxTxFee(raw.subarray(0, cut)), `cut at ${cut}`).toBeNull();
      expect(maxTxFee(new Uint8Array([...raw, 0]))).toBeNull();
    }
    // A list where the gas limit should be: not a fee.
    expect(maxTxFee(Uint8Array.of(0x02, ...RLP.encode([Uint8Array.of(1), Uint8Array.of(), Uint8Array.of(1), Uint8Array.of(9), [Uint8Array.of(5)]])))).toBeNull();
    // Too few fields.
    expect(maxTxFee(Uint8Array.of(0x02, ...RLP.encode([Uint8Array.of(1), Uint8Array.of(), Uint8Array.of(1), Uint8Array.of(9)])))).toBeNull();
    // A length of length that points past the end.
    expect(maxTxFee(Uint8Array.of(0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBeNull();
  });

  it("refuses fees above the cap with geth's message, over eth_sendRawTransaction", async () => {
    expect(() => checkTxFee(15n * 10n ** 17n, 10n ** 18n)).toThrow("tx fee (1.50 ether) exceeds the configured cap (1.00 ether)");
    expect(() => checkTxFee(15n * 10n ** 17n, 0n)).not.toThrow();
    const dear = createFeeMarket1559Tx(
      { nonce: 5n, gasLimit: 21_000n, maxFeePerGas: 10n ** 14n, maxPriorityFeePerGas: 1n, chainId: CHAIN_ID },
      { common },
    ).sign(SENDER_KEY);
    expect((await rpc.call("eth_sendRawTransaction", [data(dear.serialize())])).error).toEqual({
      code: -32000,
      message: "tx fee (2.10 ether) exceeds the configured cap (1.00 ether)",
    });
    expect(rpc.backend.submitted).toHaveLength(0);
  });
});
