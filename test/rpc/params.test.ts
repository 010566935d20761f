// Parameter parsing: accepted forms, rejected forms and the exact -32602 messages clients see.
import { describe, expect, it } from "vitest";
import { RpcError } from "../../src/rpc/errors.js";
import {
  ParamError,
  optional,
  parseAddress,
  parseBlockNumberOrTag,
  parseBlockRef,
  parseBool,
  parseData,
  parseHash,
  parseParams,
  parseQuantity,
  parseStorageSlot,
  parseUint64,
  required,
} from "../../src/rpc/params.js";
import { parseBlockCount, parseCallRequest, parseLogFilter, parseRewardPercentiles } from "../../src/rpc/params-objects.js";

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParamError || err instanceof RpcError) return err.message;
    throw err;
  }
  throw new Error("expected a parameter error");
}

const ADDR = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const HASH = "0x" + "ab".repeat(32);

describe("quantities", () => {
  it("accepts minimal hex, either prefix case and digit case", () => {
    expect(parseQuantity("0x0")).toBe(0n);
    expect(parseQuantity("0x1a")).toBe(26n);
    expect(parseQuantity("0XFF")).toBe(255n);
    expect(parseQuantity("0x" + "f".repeat(64))).toBe((1n << 256n) - 1n);
  });
  it("rejects what geth rejects, in geth's words", () => {
    expect(message(() => parseQuantity("12"))).toBe("hex string without 0x prefix");
    expect(message(() => parseQuantity("0x"))).toBe('hex string "0x" has no digits');
    expect(message(() => parseQuantity("0x01"))).toBe("hex number with leading zero digits");
    expect(message(() => parseQuantity("0x00"))).toBe("hex number with leading zero digits");
    expect(message(() => parseQuantity("0xzz"))).toBe("invalid hex string");
    expect(message(() => parseQuantity("0x1" + "0".repeat(64)))).toBe("hex number > 256 bits");
    expect(message(() => parseUint64("0x10000000000000000"))).toBe("hex number > 64 bits");
    expect(parseUint64("0xffffffffffffffff")).toBe(2n ** 64n - 1n);
    expect(message(() => parseQuantity(12))).toBe("quantity must be a hex string, got number");
  });
});

describe("data, addresses, hashes", () => {
  it("parses data of even length in either case; 0x is empty", () => {
    expect(parseData("0x")).toEqual(new Uint8Array());
    expect(parseData("0x00FFab")).toEqual(Uint8Array.of(0, 255, 171));
    expect(message(() => parseData("0x123"))).toBe("hex string of odd length");
    expect(message(() => parseData("abcd"))).toBe("hex string without 0x prefix");
    expect(message(() => parseData("0xgg"))).toBe("invalid hex string");
  });
  it("accepts addresses in any case and checks the length", () => {
    expect(parseAddress(ADDR)).toEqual(parseAddress(ADDR.toLowerCase()));
    expect(parseAddress(ADDR.toUpperCase().replace("0X", "0x")).length).toBe(20);
    expect(message(() => parseAddress("0x1234"))).toBe("hex string has length 4, want 40 for address");
    expect(message(() => parseAddress(ADDR + "00"))).toBe("hex string has length 42, want 40 for address");
    expect(message(() => parseAddress(null))).toBe("address must be a hex string, got null");
  });
  it("checks hash length", () => {
    expect(parseHash(HASH).length).toBe(32);
    expect(message(() => parseHash("0x" + "ab".repeat(31)))).toBe("hex string has length 62, want 64 for hash");
  });
  it("reads storage slots as geth does: any length up to 32 bytes, left-padded", () => {
    expect(parseStorageSlot("0x0")).toEqual(new Uint8Array(32));
    expect(parseStorageSlot("0x1")[31]).toBe(1);
    expect(parseStorageSlot("0x" + "0".repeat(63) + "2")[31]).toBe(2);
    expect(message(() => parseStorageSlot("0x" + "1".repeat(65)))).toBe("hex string too long, want at most 32 bytes");
  });
  it("wants real booleans", () => {
    expect(parseBool(true)).toBe(true);
    expect(message(() => parseBool("true"))).toBe("expected boolean, got string");
  });
});

describe("block tags and references", () => {
  it("maps tags: safe and finalized are latest (commits are final)", () => {
    expect(parseBlockNumberOrTag("latest")).toBe("latest");
    expect(parseBlockNumberOrTag("safe")).toBe("latest");
    expect(parseBlockNumberOrTag("finalized")).toBe("latest");
    expect(parseBlockNumberOrTag("pending")).toBe("pending");
    expect(parseBlockNumberOrTag("earliest")).toBe("earliest");
    expect(parseBlockNumberOrTag("0x10")).toEqual({ number: 16n });
  });
  it("rejects unknown tags, padded numbers and numbers beyond int64", () => {
    expect(message(() => parseBlockNumberOrTag("newest"))).toBe("hex string without 0x prefix");
    expect(message(() => parseBlockNumberOrTag("0x01"))).toBe("hex number with leading zero digits");
    expect(message(() => parseBlockNumberOrTag("0x8000000000000000"))).toBe("block number larger than int64");
    expect(message(() => parseBlockNumberOrTag(5))).toBe("block number must be a hex string or tag, got number");
  });
  it("accepts EIP-1898 objects and bare block hashes", () => {
    const hash = parseHash(HASH);
    expect(parseBlockRef(HASH)).toEqual({ hash });
    expect(parseBlockRef({ blockHash: HASH })).toEqual({ hash });
    expect(parseBlockRef({ blockHash: HASH, requireCanonical: true })).toEqual({ hash, requireCanonical: true });
    expect(parseBlockRef({ blockNumber: "0x2" })).toEqual({ number: 2n });
    expect(parseBlockRef({ blockNumber: "finalized" })).toBe("latest");
  });
  it("rejects malformed EIP-1898 objects", () => {
    expect(message(() => parseBlockRef({ blockHash: HASH, blockNumber: "0x1" }))).toBe(
      "cannot specify both BlockHash and BlockNumber, choose one or the other",
    );
    expect(message(() => parseBlockRef({}))).toBe("either blockHash or blockNumber must be specified");
    expect(message(() => parseBlockRef({ blockHash: HASH, requireCanonical: "yes" }))).toBe("requireCanonical must be a boolean, got string");
    expect(message(() => parseBlockRef([]))).toBe("block must be a hex string, tag or object, got array");
  });
});

describe("arity", () => {
  const specs = [required("address", parseAddress), optional("block", parseBlockRef, "latest" as const)] as const;
  it("fills optional parameters and treats null as absent", () => {
    expect(parseParams(specs, [ADDR])[1]).toBe("latest");
    expect(parseParams(specs, [ADDR, null])[1]).toBe("latest");
    expect(parseParams(specs, [ADDR, "0x1"])[1]).toEqual({ number: 1n });
  });
  it("reports missing, surplus and malformed arguments with their position", () => {
    expect(message(() => parseParams(specs, []))).toBe("missing value for required argument 0");
    expect(message(() => parseParams(specs, undefined))).toBe("missing value for required argument 0");
    expect(message(() => parseParams(specs, [ADDR, "latest", 1]))).toBe("too many arguments, want at most 2");
    expect(message(() => parseParams(specs, ["0x12", "latest"]))).toBe("invalid argument 0: hex string has length 2, want 40 for address");
    expect(message(() => parseParams(specs, [ADDR, "later"]))).toBe("invalid argument 1: hex string without 0x prefix");
    expect(message(() => parseParams(specs, { address: ADDR }))).toBe("non-array args");
  });
  it("gives -32602 errors", () => {
    let caught: unknown;
    try {
      parseParams(specs, [ADDR, "0x01"]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RpcError);
    expect((caught as RpcError).code).toBe(-32602);
  });
});

describe("call requests", () => {
  it("parses every field; input wins over an equal data", () => {
    const { request, chainId } = parseCallRequest({
      from: ADDR, to: ADDR, gas: "0x5208", maxFeePerGas: "0x10", maxPriorityFeePerGas: "0x1", value: "0x0",
      input: "0xabcd", data: "0xABCD", nonce: "0x3", chainId: "0x539", type: "0x2",
      accessList: [{ address: ADDR, storageKeys: [HASH] }], somethingUnknown: 1,
    });
    expect(request.gas).toBe(21000n);
    expect(request.data).toEqual(Uint8Array.of(0xab, 0xcd));
    expect(request.accessList?.[0]?.storageKeys.length).toBe(1);
    expect(chainId).toBe(1337n);
    expect(parseCallRequest({ to: null }).request.to).toBeUndefined();
  });
  it("names the bad field", () => {
    expect(message(() => parseCallRequest({ gas: "21000" }))).toBe("gas: hex string without 0x prefix");
    expect(message(() => parseCallRequest({ to: "0x12" }))).toBe("to: hex string has length 2, want 40 for address");
    expect(message(() => parseCallRequest({ accessList: [{ address: ADDR, storageKeys: ["0x1"] }] }))).toBe(
      "accessList: entry 0: storageKeys 0: hex string has length 1, want 64 for hash",
    );
    expect(message(() => parseCallRequest("0x"))).toBe("transaction must be an object, got string");
  });
  it("rejects contradictory or unsupported fields with geth's wording", () => {
    expect(message(() => parseCallRequest({ input: "0x01", data: "0x02" }))).toBe(
      'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data',
    );
    expect(message(() => parseCallRequest({ gasPrice: "0x1", maxFeePerGas: "0x1" }))).toBe(
      "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified",
    );
    expect(message(() => parseCallRequest({ maxFeePerGas: "0x1", maxPriorityFeePerGas: "0x2" }))).toBe("maxFeePerGas (1) < maxPriorityFeePerGas (2)");
    expect(message(() => parseCallRequest({ blobVersionedHashes: [HASH] }))).toBe("blobVersionedHashes: blob transactions are not supported");
  });
});

describe("log filters", () => {
  it("defaults to latest..latest and normalises addresses and topics", () => {
    const filter = parseLogFilter({ address: ADDR, topics: [HASH, null, [HASH, HASH], [HASH, null]] });
    expect(filter.kind).toBe("range");
    if (filter.kind !== "range") return;
    expect(filter.fromBlock).toBe("latest");
    expect(filter.toBlock).toBe("latest");
    expect(filter.addresses.length).toBe(1);
    expect(filter.topics.map((t) => (t === null ? null : t.length))).toEqual([1, null, 2, null]);
    const empty = parseLogFilter({ topics: [[]] });
    expect(empty.topics).toEqual([null]);
  });
  it("takes a block hash instead of a range, never both", () => {
    expect(parseLogFilter({ blockHash: HASH, address: [ADDR, ADDR] }).kind).toBe("hash");
    expect(message(() => parseLogFilter({ blockHash: HASH, fromBlock: "0x1" }))).toBe(
      "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
    );
  });
  it("rejects malformed parts and too many topics", () => {
    expect(message(() => parseLogFilter({ fromBlock: "1" }))).toBe("fromBlock: hex string without 0x prefix");
    expect(message(() => parseLogFilter({ address: [ADDR, "0x1"] }))).toBe("address 1: hex string has length 1, want 40 for address");
    expect(message(() => parseLogFilter({ topics: [null, null, null, null, null] }))).toBe("exceed max topics");
    expect(message(() => parseLogFilter({ topics: "0x" }))).toBe("topics: expected array, got string");
  });
});

describe("fee history parameters", () => {
  it("takes block counts as hex, decimal strings or numbers", () => {
    expect(parseBlockCount("0x10")).toBe(16n);
    expect(parseBlockCount("10")).toBe(10n);
    expect(parseBlockCount(4)).toBe(4n);
    expect(message(() => parseBlockCount(-1))).toBe("block count must be a non-negative integer, got -1");
    expect(message(() => parseBlockCount("ten"))).toBe('invalid block count "ten"');
  });
  it("wants percentiles in [0, 100], strictly increasing (geth's wording)", () => {
    expect(parseRewardPercentiles([0, 25.5, 100])).toEqual([0, 25.5, 100]);
    expect(message(() => parseRewardPercentiles([101]))).toBe("invalid reward percentile: 101.000000");
    expect(message(() => parseRewardPercentiles([50, 40]))).toBe("invalid reward percentile: #0:50.000000 >= #1:40.000000");
    expect(message(() => parseRewardPercentiles([10, 10]))).toBe("invalid reward percentile: #0:10.000000 >= #1:10.000000");
    expect(message(() => parseRewardPercentiles(["5"]))).toBe("reward percentile 0: expected number, got string");
  });
});
