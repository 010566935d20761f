// Requests the JSON-RPC fuzzer (test/fuzz/rpc-params.test.ts) found answered with -32603 "internal
// error", against a real node: fields within what the parameter parser takes (u64, u256) but beyond
// what a transaction may hold, and a traced call below its intrinsic gas. Each now gets geth's kind of
// answer: -32000 with the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let t: RpcTestNode;
let rpc: RpcClient;

beforeAll(async () => {
  t = await startRpcTestNode();
  rpc = new RpcClient(t.url);
});

afterAll(async () => {
  await t?.stop();
});

const U64_MAX = "0xffffffffffffffff";
const U256_MAX = "0x" + "f".repeat(64);
const call = { from: DEV[0]!.address, to: DEV[1]!.address };

describe("out-of-range call fields", () => {
  it.each([
    ["eth_call", [{ ...call, nonce: U64_MAX }, "latest"], /^invalid message: nonce cannot equal or exceed MAX_UINT64/],
    ["eth_estimateGas", [{ ...call, nonce: U64_MAX }, "latest"], /invalid message: nonce cannot equal or exceed MAX_UINT64/],
    ["eth_createAccessList", [{ ...call, nonce: U64_MAX }, "latest"], /^invalid message: nonce cannot equal or exceed MAX_UINT64/],
    ["eth_createAccessList", [{ ...call, gasPrice: U256_MAX }, "latest"], /^invalid message: gasLimit \* gasPrice cannot exceed MAX_INTEGER/],
    ["debug_traceCall", [{ ...call, nonce: U64_MAX }, "latest"], /^tracing failed: invalid message: nonce cannot equal or exceed MAX_UINT64/],
    ["debug_traceCall", [{ ...call, gasPrice: U256_MAX }, "latest"], /^tracing failed: invalid message: gas limit \* gasPrice cannot exceed/],
    ["eth_sendTransaction", [{ ...call, nonce: U64_MAX }], /invalid message: nonce cannot equal or exceed MAX_UINT64/],
    ["eth_signTransaction", [{ ...call, gas: U64_MAX, gasPrice: "0x1" }], /^invalid transaction: Transaction gas limit 18446744073709551615 exceeds/],
  ])("%s answers -32000 with the reason", async (method, params, reason) => {
    const { error } = await rpc.raw(method, params);
    expect(error?.code, error?.message).toBe(-32000);
    expect(error?.message).toMatch(reason);
    // The reason without @ethereumjs's dump of the transaction.
    expect(error?.message).not.toMatch(/tx type=|vm hf=/);
  });

  it("debug_traceCall below the intrinsic gas: -32000 'tracing failed', both tracers", async () => {
    for (const config of [{}, { tracer: "callTracer" }]) {
      const { error } = await rpc.raw("debug_traceCall", [{ ...call, gas: "0x1" }, "latest", config]);
      expect(error).toEqual({ code: -32000, message: "tracing failed: INTRINSIC_GAS_TOO_LOW: tx gas limit 1 is lower than the minimum gas limit of 21000" });
    }
  });

  it("eth_signTypedData_v4 with hostile typed data: -32602, and the node signs well-formed data after it", async () => {
    let message: Record<string, unknown> = { v: "1", next: [] };
    for (let i = 0; i < 1_500; i++) message = { v: "1", next: [message] };
    const types = { Node: [{ name: "v", type: "uint256" }, { name: "next", type: "Node[]" }] };
    const deep = await rpc.raw("eth_signTypedData_v4", [DEV[0]!.address, { types, primaryType: "Node", domain: {}, message }]);
    expect(deep.error).toEqual({ code: -32602, message: "invalid typed data: Node.next[0]: nested deeper than 128 levels" });
    const proto = await rpc.raw("eth_signTypedData_v4", [DEV[0]!.address, JSON.parse('{"types":{"M":[{"name":"a","type":"__proto__"}]},"primaryType":"M","domain":{},"message":{"a":{}}}')]);
    expect(proto.error).toEqual({ code: -32602, message: "invalid typed data: M.a: unknown type __proto__" });
    const primary = await rpc.raw("eth_signTypedData_v4", [DEV[0]!.address, { types: { M: [] }, primaryType: "toString", domain: {}, message: {} }]);
    expect(primary.error).toEqual({ code: -32602, message: "invalid argument 1: typed data: primaryType toString is not among types" });
    const fine = await rpc.call<string>("eth_signTypedData_v4", [DEV[0]!.address, { types: { M: [{ name: "v", type: "uint256" }] }, primaryType: "M", domain: { name: "x" }, message: { v: "1" } }]);
    expect(fine).toMatch(/^0x[0-9a-f]{130}$/);
  });
});
