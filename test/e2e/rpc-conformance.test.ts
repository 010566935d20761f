// Conformance with the Ethereum execution-apis specification (../shared/conformance): against a chain
// this test builds (legacy, EIP-2930 and EIP-1559 transfers, a contract deploy, logs, a mined revert,
// a queued pool transaction), every eth_/debug_/txpool_/net_ method of the spec that the node serves is
// called and its result validated against the spec's result schema. docs/rpc-methods.md must give a
// status for every spec method, and name as unimplemented exactly those the node does not serve.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RLP } from "@ethereumjs/rlp";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { Wallet } from "ethers";
import { encodeFunctionData, parseAbi } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validate } from "../helpers/json-schema.js";
import { SPEC_PATH, resultSchema } from "../helpers/spec.js";
import { compileProbe } from "../helpers/probe-contract.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const abi = parseAbi(["function store(uint256 key, uint256 value)", "function fail(string reason)", "function values(uint256) view returns (uint256)"]);
const hex = (n: bigint | number) => "0x" + n.toString(16);

let n: RpcTestNode;
let rpc: RpcClient;
/** What the chain-building step produced, for the calls below. */
const built = {} as {
  probe: string;
  legacy: string;
  accessList: string;
  feeMarket: string;
  deploy: string;
  logTx: string;
  reverted: string;
  raw: string;
  logBlock: string;
  logBlockHash: string;
  blockFilter: string;
  logFilter: string;
  pendingFilter: string;
};

function specMethods(): string[] {
  const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as { methods: Array<{ name: string }> };
  return spec.methods.map((m) => m.name).filter((name) => /^(eth|debug|txpool|net)_/.test(name));
}

beforeAll(async () => {
  n = await startRpcTestNode();
  rpc = new RpcClient(n.url);
  built.blockFilter = await rpc.call("eth_newBlockFilter");
  built.logFilter = await rpc.call("eth_newFilter", [{ fromBlock: "0x1" }]);
  built.pendingFilter = await rpc.call("eth_newPendingTransactionFilter");
  const [a0, a1, a2, a3, a4] = DEV;
  const probe = compileProbe();
  // Independent senders, so these share blocks.
  const sends = await Promise.all([
    rpc.call<string>("eth_sendTransaction", [{ from: a0!.address, data: probe.bytecode }]),
    rpc.call<string>("eth_sendTransaction", [{ from: a1!.address, to: a2!.address, value: "0xde0b6b3a7640000", gasPrice: "0x77359400" }]),
    rpc.call<string>("eth_sendTransaction", [
      { from: a2!.address, to: a3!.address, value: "0x1", gasPrice: "0x77359400", accessList: [{ address: a4!.address, storageKeys: [] }] },
    ]),
    rpc.call<string>("eth_sendTransaction", [{ from: a3!.address, to: a1!.address, value: "0x2", type: "0x2" }]),
  ]);
  [built.deploy, built.legacy, built.accessList, built.feeMarket] = sends;
  const receipts = await Promise.all(sends.map((h) => rpc.receipt(h)));
  built.probe = receipts[0]!.contractAddress as string;
  // A log, and a transaction that reverts on chain (explicit gas skips the estimate that would refuse it).
  const wallet = new Wallet(a4!.key);
  const nonce = await rpc.call<string>("eth_getTransactionCount", [a4!.address, "pending"]);
  built.raw = await wallet.signTransaction({
    to: built.probe, data: encodeFunctionData({ abi, functionName: "store", args: [1n, 5n] }), nonce: Number(nonce), gasLimit: 200_000n,
    maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, chainId: 31337n, type: 2,
  });
  [built.logTx, built.reverted] = await Promise.all([
    rpc.call<string>("eth_sendRawTransaction", [built.raw]),
    rpc.call<string>("eth_sendTransaction", [{ from: a0!.address, to: built.probe, gas: "0x30000", data: encodeFunctionData({ abi, functionName: "store", args: [2n, 5000n] }) }]),
  ]);
  const logReceipt = await rpc.receipt(built.logTx);
  built.logBlock = logReceipt.blockNumber;
  built.logBlockHash = logReceipt.blockHash;
  expect((await rpc.receipt(built.reverted)).status).toBe("0x0");
  // A transaction behind a nonce gap waits in the pool as "queued".
  await rpc.call("eth_sendTransaction", [{ from: DEV[5]!.address, to: a0!.address, value: "0x1", nonce: "0x5" }]);
}, 60_000);

afterAll(async () => {
  await n?.stop();
});

describe("execution-apis conformance", () => {
  it("answers every spec method it serves with a result that matches the spec's schema", async () => {
    const [a0, a1] = DEV;
    const tx = (hash: string) => rpc.call<Record<string, string>>("eth_getTransactionByHash", [hash]);
    const call = { from: a0!.address, to: built.probe, data: encodeFunctionData({ abi, functionName: "values", args: [1n] }) };
    const slot1 = "0x" + bytesToHex(keccak_256(hexToBytes(`0x${"1".padStart(64, "0")}${"0".padStart(64, "0")}`))).slice(2);
    const calls: Record<string, unknown[][]> = {
      eth_accounts: [[]],
      eth_blockNumber: [[]],
      eth_call: [[call, "latest"], [call, { blockHash: built.logBlockHash }]],
      eth_chainId: [[]],
      eth_coinbase: [[]],
      eth_createAccessList: [[{ from: a0!.address, to: built.probe, data: encodeFunctionData({ abi, functionName: "store", args: [3n, 1n] }) }, "latest"]],
      eth_estimateGas: [[{ from: a0!.address, to: a1!.address, value: "0x1" }]],
      eth_feeHistory: [["0x4", "latest", [25, 75]]],
      eth_gasPrice: [[]],
      eth_baseFee: [[]],
      eth_capabilities: [[]],
      eth_getBalance: [[a0!.address, "latest"], [a0!.address, "0x0"]],
      eth_getBlockByHash: [[built.logBlockHash, false], [built.logBlockHash, true]],
      eth_getBlockByNumber: [["latest", false], [built.logBlock, true], ["earliest", false], ["finalized", false], ["safe", true]],
      eth_getBlockReceipts: [[built.logBlock], [built.logBlockHash]],
      eth_getBlockTransactionCountByHash: [[built.logBlockHash]],
      eth_getBlockTransactionCountByNumber: [[built.logBlock]],
      eth_getCode: [[built.probe, "latest"]],
      eth_getFilterChanges: [[built.blockFilter], [built.logFilter], [built.pendingFilter]],
      eth_getFilterLogs: [[built.logFilter]],
      eth_getLogs: [[{ fromBlock: "0x0", toBlock: "latest", address: built.probe }]],
      eth_getProof: [[built.probe, ["0x1", slot1], "latest"]],
      eth_getStorageAt: [[built.probe, slot1, "latest"]],
      eth_getStorageValues: [[{ [built.probe]: ["0x1", slot1] }, "latest"]],
      eth_getTransactionByBlockHashAndIndex: [[built.logBlockHash, "0x0"]],
      eth_getTransactionByBlockNumberAndIndex: [[built.logBlock, "0x0"]],
      eth_getTransactionByHash: [[built.legacy], [built.accessList], [built.feeMarket], [built.logTx]],
      eth_getTransactionCount: [[a0!.address, "latest"], [a0!.address, "pending"]],
      eth_getTransactionReceipt: [[built.deploy], [built.legacy], [built.accessList], [built.logTx], [built.reverted]],
      eth_maxPriorityFeePerGas: [[]],
      eth_newBlockFilter: [[]],
      eth_newFilter: [[{ address: built.probe, topics: [null] }]],
      eth_newPendingTransactionFilter: [[]],
      eth_sendRawTransaction: [],
      eth_sendTransaction: [[{ from: a1!.address, to: a0!.address, value: "0x3" }]],
      eth_sign: [[a0!.address, "0x68656c6c6f"]],
      eth_signTransaction: [[{ from: a1!.address, to: a0!.address, value: "0x3", nonce: "0x40" }]],
      eth_syncing: [[]],
      eth_uninstallFilter: [[built.pendingFilter]],
      debug_getRawBlock: [[built.logBlock]],
      debug_getRawHeader: [[built.logBlockHash]],
      debug_getRawReceipts: [[built.logBlock]],
      debug_getRawTransaction: [[built.logTx]],
      debug_traceBlockByHash: [[built.logBlockHash], [built.logBlockHash, { tracer: "callTracer" }]],
      debug_traceBlockByNumber: [[built.logBlock, { enableMemory: true }]],
      debug_traceTransaction: [[built.logTx], [built.reverted, { tracer: "callTracer" }], [built.legacy]],
      txpool_content: [[]],
      txpool_contentFrom: [[DEV[5]!.address]],
      txpool_status: [[]],
      net_version: [[]],
    };
    const served = new Set(Object.keys(calls));
    // Every spec method the node serves (does not answer -32601) must be exercised here.
    const notCovered: string[] = [];
    for (const method of specMethods()) {
      if (!served.has(method) && (await rpc.raw(method, [])).error?.code !== -32601) notCovered.push(method);
    }
    expect(notCovered).toEqual([]);

    const failures: string[] = [];
    for (const [method, paramSets] of Object.entries(calls)) {
      for (const params of paramSets) {
        const reply = await rpc.raw(method, params);
        if (reply.error) {
          failures.push(`${method}(${JSON.stringify(params).slice(0, 80)}): error ${reply.error.code} ${reply.error.message}`);
          continue;
        }
        const errors = validate(resultSchema(method), reply.result);
        if (errors.length > 0) failures.push(`${method}(${JSON.stringify(params).slice(0, 80)}): ${errors.slice(0, 3).join("; ")}`);
      }
    }
    // eth_sendRawTransaction was exercised while building the chain; its answer is validated here.
    expect(validate(resultSchema("eth_sendRawTransaction"), built.logTx)).toEqual([]);
    expect(failures).toEqual([]);
    expect((await tx(built.legacy)).type).toBe("0x0");
    expect((await tx(built.accessList)).type).toBe("0x1");
    expect((await tx(built.feeMarket)).type).toBe("0x2");
  });

  it("lists every spec method in docs/rpc-methods.md, unimplemented exactly where the node answers -32601", async () => {
    const doc = readFileSync(path.join(projectRoot, "docs/rpc-methods.md"), "utf8");
    const statusOf = (method: string) => new RegExp(`^\\| \`${method}\` \\| ([a-z ]+) \\|`, "m").exec(doc)?.[1];
    const wrong: string[] = [];
    for (const method of specMethods()) {
      const status = statusOf(method);
      const served = (await rpc.raw(method, [])).error?.code !== -32601;
      if (status === undefined) wrong.push(`${method}: not listed`);
      else if (served !== (status !== "not implemented")) wrong.push(`${method}: listed as "${status}" but served=${served}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("EIP-1186 proofs", () => {
  it("proves an account and its storage against the block's stateRoot", async () => {
    const block = await rpc.call<{ stateRoot: string; number: string }>("eth_getBlockByNumber", [built.logBlock, false]);
    const slot1 = bytesToHex(keccak_256(hexToBytes(`0x${"1".padStart(64, "0")}${"0".padStart(64, "0")}`)));
    const proof = await rpc.call<{
      balance: string; nonce: string; codeHash: string; storageHash: string; accountProof: string[];
      storageProof: Array<{ key: string; value: string; proof: string[] }>;
    }>("eth_getProof", [built.probe, [slot1, "0x1", "0x9"], block.number]);
    const account = await verifyMerkleProof(hexToBytes(built.probe as `0x${string}`), proof.accountProof.map((p) => hexToBytes(p as `0x${string}`)), {
      root: hexToBytes(block.stateRoot as `0x${string}`),
      useKeyHashing: true,
    });
    expect(account).not.toBeNull();
    const [nonce, balance, storageRoot, codeHash] = RLP.decode(account!) as Uint8Array[];
    expect(BigInt(bytesToHex(nonce!) === "0x" ? 0 : bytesToHex(nonce!))).toBe(BigInt(proof.nonce));
    expect(balance!.length === 0 ? 0n : BigInt(bytesToHex(balance!))).toBe(BigInt(proof.balance));
    expect(bytesToHex(storageRoot!)).toBe(proof.storageHash);
    expect(bytesToHex(codeHash!)).toBe(proof.codeHash);
    // values[1] = 5 (the logged store), total (slot 1) = 5, slot 9 was never written.
    expect(proof.storageProof.map((s) => s.value)).toEqual(["0x5", "0x5", "0x0"]);
    for (const entry of proof.storageProof) {
      const key = hexToBytes(`0x${entry.key.slice(2).padStart(64, "0")}`);
      const value = await verifyMerkleProof(key, entry.proof.map((p) => hexToBytes(p as `0x${string}`)), { root: hexToBytes(proof.storageHash as `0x${string}`), useKeyHashing: true });
      expect(value === null ? "0x0" : hex(BigInt(bytesToHex(RLP.decode(value) as Uint8Array)))).toBe(entry.value);
    }
    // A proof against the genesis state: the contract did not exist there (a valid proof of absence).
    const genesis = await rpc.call<{ stateRoot: string }>("eth_getBlockByNumber", ["0x0", false]);
    const absent = await rpc.call<{ accountProof: string[]; balance: string }>("eth_getProof", [built.probe, [], "earliest"]);
    expect(absent.balance).toBe("0x0");
    const nothing = await verifyMerkleProof(hexToBytes(built.probe as `0x${string}`), absent.accountProof.map((p) => hexToBytes(p as `0x${string}`)), {
      root: hexToBytes(genesis.stateRoot as `0x${string}`),
      useKeyHashing: true,
    });
    expect(nothing).toBeNull();
  });
});

describe("rpc-compat behaviours", () => {
  it("answers null for what does not exist", async () => {
    const unknown = "0x" + "ab".repeat(32);
    const future = hex(BigInt(await rpc.call<string>("eth_blockNumber")) + 1000n);
    for (const [method, params] of [
      ["eth_getBlockByHash", [unknown, false]],
      ["eth_getBlockByNumber", [future, false]],
      ["eth_getTransactionByHash", [unknown]],
      ["eth_getTransactionReceipt", [unknown]],
      ["eth_getBlockReceipts", [future]],
      ["eth_getBlockTransactionCountByHash", [unknown]],
      ["eth_getTransactionByBlockHashAndIndex", [built.logBlockHash, "0x63"]],
      ["eth_getTransactionByBlockNumberAndIndex", [future, "0x0"]],
      ["debug_getRawTransaction", [unknown]],
    ] as const) {
      expect(await rpc.raw(method, [...params]), method).toMatchObject({ result: null });
    }
  });

  it("refuses invalid parameters with -32602 naming the argument", async () => {
    for (const [method, params, fragment] of [
      ["eth_getBalance", ["0x1234", "latest"], "invalid argument 0"],
      ["eth_getBlockByNumber", ["0x01", false], "invalid argument 0"],
      ["eth_getBlockByNumber", ["latest"], "missing value for required argument 1"],
      ["eth_getProof", [built.probe, "0x1", "latest"], "invalid argument 1"],
      ["eth_getTransactionByBlockNumberAndIndex", ["latest", "one"], "invalid argument 1"],
      ["debug_traceTransaction", [built.logTx, { tracer: "prestateTracer" }], "invalid argument 1"],
      ["eth_getLogs", [{ fromBlock: "0x2", toBlock: "0x1" }], "invalid block range params"],
    ] as const) {
      const reply = await rpc.raw(method, [...params]);
      expect(reply.error?.code, method).toBe(-32602);
      expect(reply.error?.message, method).toContain(fragment);
    }
  });

  it("refuses reversed and future eth_getLogs ranges", async () => {
    const head = BigInt(await rpc.call<string>("eth_blockNumber"));
    const reversed = await rpc.raw("eth_getLogs", [{ fromBlock: hex(head), toBlock: hex(head - 1n) }]);
    expect(reversed.error).toMatchObject({ code: -32602, message: "invalid block range params" });
    const beyond = await rpc.raw("eth_getLogs", [{ fromBlock: "0x0", toBlock: hex(head + 10n) }]);
    expect(beyond.error).toMatchObject({ code: -32602, message: "block range extends beyond current head block" });
    const futureFrom = await rpc.raw("eth_getLogs", [{ fromBlock: hex(head + 10n), toBlock: "latest" }]);
    expect(futureFrom.error).toMatchObject({ code: -32602, message: "invalid block range params" });
  });

  it("answers a revert with code 3 and its data, and gives the same answer for a block by number or by EIP-1898 object", async () => {
    const reverted = await rpc.raw("eth_call", [{ to: built.probe, data: encodeFunctionData({ abi, functionName: "fail", args: ["nope"] }) }, "latest"]);
    expect(reverted.error).toMatchObject({ code: 3, message: "execution reverted: nope" });
    expect(reverted.error?.data).toMatch(/^0x08c379a0/);
    const byNumber = await rpc.call("eth_getBalance", [DEV[0]!.address, built.logBlock]);
    expect(await rpc.call("eth_getBalance", [DEV[0]!.address, { blockNumber: built.logBlock }])).toBe(byNumber);
    expect(await rpc.call("eth_getBalance", [DEV[0]!.address, { blockHash: built.logBlockHash, requireCanonical: true }])).toBe(byNumber);
    expect(await rpc.call("eth_getBalance", [DEV[0]!.address, built.logBlockHash])).toBe(byNumber);
  });
});
