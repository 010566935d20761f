// debug_trace* (geth's opcode logger and callTracer), eth_createAccessList and txpool_* against a real
// node: traces are checked for internal consistency (gas left falls by exactly each step's cost, the
// total matches the receipt) and for the call structure the contract is known to make.
import { encodeFunctionData, parseAbi, toFunctionSelector } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validate, type Schema } from "../helpers/json-schema.js";
import { resultSchema } from "../helpers/spec.js";
import { compileProbe } from "../helpers/probe-contract.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

const abi = parseAbi([
  "function store(uint256 key, uint256 value)",
  "function callOther(address other, uint256 key, uint256 value)",
  "function delegate(address other, uint256 key, uint256 value)",
  "function peek(address other, uint256 key) view returns (uint256)",
  "error TooBig(uint256 value, uint256 limit)",
]);

interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
  memory?: string[];
  storage?: Record<string, string>;
  error?: string;
}
interface StructTrace {
  gas: number;
  failed: boolean;
  returnValue: string;
  structLogs: StructLog[];
}
interface CallFrame {
  type: string;
  from: string;
  to?: string;
  gas: string;
  gasUsed: string;
  input: string;
  output?: string;
  error?: string;
  revertReason?: string;
  value?: string;
  calls?: CallFrame[];
  logs?: Array<{ address: string; topics: string[]; data: string; position: string }>;
}

let n: RpcTestNode;
let rpc: RpcClient;
let first: string;
let second: string;
const txs = {} as { nested: string; delegated: string; tooBig: string; plain: string };
const receipts = {} as Record<keyof typeof txs, { gasUsed: string; blockNumber: string; status: string }>;
const [a0, a1] = DEV;

/** The opcode-logger branch of the spec's result schema (the other branch accepts anything). */
const opcodeTraceSchema = (resultSchema("debug_traceTransaction").anyOf as Schema[])[0]!;

beforeAll(async () => {
  n = await startRpcTestNode();
  rpc = new RpcClient(n.url);
  const { bytecode } = compileProbe();
  const deploys = await Promise.all([a0, a1].map((a) => rpc.call<string>("eth_sendTransaction", [{ from: a!.address, data: bytecode }])));
  [first, second] = (await Promise.all(deploys.map((h) => rpc.receipt(h)))).map((r) => r.contractAddress as string) as [string, string];
  const send = (from: string, data: string, gas?: string) => rpc.call<string>("eth_sendTransaction", [{ from, to: first, data, ...(gas ? { gas } : {}) }]);
  const sent = await Promise.all([
    send(a0!.address, encodeFunctionData({ abi, functionName: "callOther", args: [second as `0x${string}`, 7n, 42n] })),
    send(a1!.address, encodeFunctionData({ abi, functionName: "delegate", args: [second as `0x${string}`, 8n, 43n] })),
    send(DEV[2]!.address, encodeFunctionData({ abi, functionName: "store", args: [9n, 5000n] }), "0x20000"),
    send(DEV[3]!.address, encodeFunctionData({ abi, functionName: "store", args: [10n, 11n] })),
  ]);
  [txs.nested, txs.delegated, txs.tooBig, txs.plain] = sent;
  for (const key of Object.keys(txs) as Array<keyof typeof txs>) receipts[key] = await rpc.receipt(txs[key]);
}, 60_000);

afterAll(async () => {
  await n?.stop();
});

describe("the opcode logger", () => {
  it("logs every step with consistent gas, the receipt's total, and storage at SLOAD/SSTORE", async () => {
    const trace = await rpc.call<StructTrace>("debug_traceTransaction", [txs.plain]);
    expect(validate(opcodeTraceSchema, trace)).toEqual([]);
    expect(trace.gas).toBe(Number(receipts.plain.gasUsed));
    expect(trace.failed).toBe(false);
    expect(trace.returnValue).toBe("0x");
    const logs = trace.structLogs;
    expect(logs[0]).toMatchObject({ pc: 0, op: "PUSH1", depth: 1 });
    expect(logs.at(-1)?.op).toBe("STOP");
    // Within one frame, gas left falls by exactly the cost of each executed step.
    for (let i = 0; i + 1 < logs.length; i++) expect(logs[i]!.gas - logs[i + 1]!.gas, `step ${i} ${logs[i]!.op}`).toBe(logs[i]!.gasCost);
    const word = (v: bigint) => "0x" + v.toString(16).padStart(64, "0");
    const stores = logs.filter((l) => l.op === "SSTORE");
    expect(stores).toHaveLength(2); // values[10] = 11, total += 11
    expect(Object.values(stores[1]!.storage!)).toContain(word(11n));
    const loads = logs.filter((l) => l.op === "SLOAD");
    expect(loads[0]!.storage![word(1n)]).toBeDefined(); // total, read before it is increased
    expect(logs.filter((l) => l.op !== "SLOAD" && l.op !== "SSTORE").every((l) => l.storage === undefined)).toBe(true);
  });

  it("honours disableStack, enableMemory and limit", async () => {
    const trace = await rpc.call<StructTrace>("debug_traceTransaction", [txs.plain, { disableStack: true, enableMemory: true, limit: 20 }]);
    expect(validate(opcodeTraceSchema, trace)).toEqual([]);
    expect(trace.structLogs).toHaveLength(20);
    expect(trace.structLogs.every((l) => l.stack === undefined)).toBe(true);
    // Solidity's prologue stores the free memory pointer 0x80 at 0x40: the third word after MSTORE.
    expect(trace.structLogs.find((l) => (l.memory?.length ?? 0) >= 3)?.memory?.[2]).toBe("0x" + "80".padStart(64, "0"));
  });

  it("reports a reverting transaction as failed with the revert data", async () => {
    const trace = await rpc.call<StructTrace>("debug_traceTransaction", [txs.tooBig]);
    expect(receipts.tooBig.status).toBe("0x0");
    expect(trace.failed).toBe(true);
    expect(trace.returnValue.startsWith(toFunctionSelector("TooBig(uint256,uint256)"))).toBe(true);
    expect(trace.structLogs.at(-1)?.op).toBe("REVERT");
  });

  it("traces nested frames with increasing depth", async () => {
    const trace = await rpc.call<StructTrace>("debug_traceTransaction", [txs.nested]);
    expect(validate(opcodeTraceSchema, trace)).toEqual([]);
    expect(Math.max(...trace.structLogs.map((l) => l.depth))).toBe(2);
    expect(trace.structLogs.some((l) => l.op === "CALL" && l.depth === 1)).toBe(true);
  });
});

describe("callTracer", () => {
  it("shows a CALL into the other contract with its log", async () => {
    const top = await rpc.call<CallFrame>("debug_traceTransaction", [txs.nested, { tracer: "callTracer", tracerConfig: { withLog: true } }]);
    expect(top).toMatchObject({ type: "CALL", from: a0!.address, to: first, gasUsed: receipts.nested.gasUsed, value: "0x0" });
    expect(top.calls).toHaveLength(1);
    const inner = top.calls![0]!;
    expect(inner).toMatchObject({ type: "CALL", from: first, to: second });
    expect(inner.input.startsWith(toFunctionSelector("function store(uint256,uint256)"))).toBe(true);
    expect(inner.logs).toHaveLength(1);
    expect(inner.logs![0]!.address).toBe(second);
    expect(BigInt(inner.gasUsed)).toBeLessThan(BigInt(inner.gas));
  });

  it("shows a DELEGATECALL from the calling contract to the code it borrows, and onlyTopCall drops it", async () => {
    const top = await rpc.call<CallFrame>("debug_traceTransaction", [txs.delegated, { tracer: "callTracer" }]);
    expect(top.calls?.[0]).toMatchObject({ type: "DELEGATECALL", from: first, to: second });
    const only = await rpc.call<CallFrame>("debug_traceTransaction", [txs.delegated, { tracer: "callTracer", tracerConfig: { onlyTopCall: true } }]);
    expect(only.calls).toBeUndefined();
    expect(only.gasUsed).toBe(receipts.delegated.gasUsed);
  });

  it("reports a revert with its error, output and no logs", async () => {
    const top = await rpc.call<CallFrame>("debug_traceTransaction", [txs.tooBig, { tracer: "callTracer", tracerConfig: { withLog: true } }]);
    expect(top.error).toBe("execution reverted");
    expect(top.output?.startsWith(toFunctionSelector("TooBig(uint256,uint256)"))).toBe(true);
    expect(top.logs).toBeUndefined();
  });

  it("traces a view call with debug_traceCall (a STATICCALL) and whole blocks", async () => {
    const call = { to: first, data: encodeFunctionData({ abi, functionName: "peek", args: [second as `0x${string}`, 7n] }) };
    const top = await rpc.call<CallFrame>("debug_traceCall", [call, "latest", { tracer: "callTracer" }]);
    expect(top.calls?.[0]).toMatchObject({ type: "STATICCALL", from: first, to: second, output: "0x" + (42).toString(16).padStart(64, "0") });
    expect(top.calls?.[0]?.value).toBeUndefined();
    const block = await rpc.call<{ transactions: string[] }>("eth_getBlockByNumber", [receipts.plain.blockNumber, false]);
    const traces = await rpc.call<Array<{ txHash: string; result: StructTrace }>>("debug_traceBlockByNumber", [receipts.plain.blockNumber]);
    expect(traces.map((t) => t.txHash)).toEqual(block.transactions);
    const unknown = await rpc.raw("debug_traceTransaction", ["0x" + "11".repeat(32)]);
    expect(unknown.error).toMatchObject({ code: -32000, message: "transaction not found" });
  });
});

describe("eth_createAccessList", () => {
  it("lists the other contract's slots, and a transaction sent with the list uses exactly the gas it reports", async () => {
    const data = encodeFunctionData({ abi, functionName: "callOther", args: [second as `0x${string}`, 20n, 21n] });
    const created = await rpc.call<{ accessList: Array<{ address: string; storageKeys: string[] }>; gasUsed: string }>("eth_createAccessList", [
      { from: a0!.address, to: first, data },
      "latest",
    ]);
    expect(created.accessList.map((e) => e.address)).toEqual([second]);
    expect(created.accessList[0]!.storageKeys).toHaveLength(2); // values[20] and total
    const hash = await rpc.call<string>("eth_sendTransaction", [{ from: a0!.address, to: first, data, accessList: created.accessList }]);
    expect((await rpc.receipt(hash)).gasUsed).toBe(created.gasUsed);
  });
});

describe("txpool", () => {
  it("shows a transaction waiting behind a nonce gap under queued, keyed by checksummed sender and nonce", async () => {
    const sender = DEV[6]!;
    const hash = await rpc.call<string>("eth_sendTransaction", [{ from: sender.address, to: a0!.address, value: "0x7", nonce: "0x3", gasPrice: "0x77359400" }]);
    const status = await rpc.call<{ pending: string; queued: string }>("txpool_status");
    expect(status.queued).toBe("0x1");
    const content = await rpc.call<{ queued: Record<string, Record<string, { hash: string }>> }>("txpool_content");
    const key = Object.keys(content.queued)[0]!;
    expect(key.toLowerCase()).toBe(sender.address);
    expect(key).not.toBe(sender.address); // EIP-55 mixed case
    expect(content.queued[key]!["3"]!.hash).toBe(hash);
    const from = await rpc.call<{ pending: object; queued: Record<string, { hash: string }> }>("txpool_contentFrom", [sender.address]);
    expect(from.queued["3"]!.hash).toBe(hash);
    const inspect = await rpc.call<{ queued: Record<string, Record<string, string>> }>("txpool_inspect");
    expect(inspect.queued[key]!["3"]).toMatch(/^0x[0-9a-fA-F]{40}: 7 wei \+ [0-9]+ gas × 2000000000 wei$/);
    expect(await rpc.call("eth_getTransactionByHash", [hash])).toMatchObject({ hash, blockHash: null });
  });
});
