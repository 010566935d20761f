// A node started with RPC options: no unlocked accounts (signing methods explain themselves), HTTP
// limited to the eth, net and web3 namespaces, a gas cap for calls and estimates, and a tx fee cap.
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_UNLOCKED_ACCOUNTS } from "../../src/rpc/methods/signing.js";
import { compileProbe } from "../helpers/probe-contract.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let n: RpcTestNode;
let rpc: RpcClient;
const [a0, a1] = DEV;

beforeAll(async () => {
  n = await startRpcTestNode({ devAccounts: false, apis: ["eth", "net", "web3"], rpc: { gasCap: 100_000n, txFeeCap: 10n ** 16n } });
  rpc = new RpcClient(n.url);
});
afterAll(async () => {
  await n?.stop();
});

describe("a node without unlocked accounts", () => {
  it("lists no accounts and answers every signing method with the reason", async () => {
    expect(await rpc.call("eth_accounts")).toEqual([]);
    for (const [method, params] of [
      ["eth_sendTransaction", [{ from: a0!.address, to: a1!.address }]],
      ["eth_signTransaction", [{ from: a0!.address, to: a1!.address }]],
      ["eth_sign", [a0!.address, "0x00"]],
      ["eth_signTypedData_v4", [a0!.address, { types: { EIP712Domain: [] }, primaryType: "EIP712Domain", domain: {}, message: {} }]],
    ] as const) {
      expect((await rpc.raw(method, [...params])).error, method).toEqual({ code: -32000, message: NO_UNLOCKED_ACCOUNTS });
    }
  });
});

describe("--http.api", () => {
  it("serves only the listed namespaces over HTTP", async () => {
    expect((await rpc.raw("txpool_status")).error).toEqual({ code: -32601, message: "the method txpool_status does not exist/is not available" });
    expect((await rpc.raw("debug_traceTransaction", ["0x" + "00".repeat(32)])).error?.code).toBe(-32601);
    expect(await rpc.call("net_version")).toBe("31337");
  });
});

describe("--rpc.gascap and --rpc.txfeecap", () => {
  it("caps the gas of calls and estimates", async () => {
    const deploy = { from: a0!.address, data: compileProbe().bytecode };
    expect((await rpc.raw("eth_estimateGas", [deploy])).error).toEqual({ code: -32000, message: "gas required exceeds allowance (100000)" });
    // Asking for more gas than the cap does not lift it.
    expect((await rpc.raw("eth_call", [{ ...deploy, gas: "0x989680" }])).error).toMatchObject({ code: -32000, message: "out of gas" });
  });

  it("refuses a raw transaction whose fee exceeds the cap, and accepts one below it", async () => {
    const wallet = new Wallet(a0!.key);
    const base = { to: a1!.address, value: 1n, gasLimit: 21_000n, chainId: 31337n, type: 0 };
    // 21000 gas x 1000 gwei = 0.021 ether > 0.01.
    const tooDear = await wallet.signTransaction({ ...base, nonce: 0, gasPrice: 1_000_000_000_000n });
    expect((await rpc.raw("eth_sendRawTransaction", [tooDear])).error).toEqual({
      code: -32000,
      message: "tx fee (0.02 ether) exceeds the configured cap (0.01 ether)",
    });
    const fine = await wallet.signTransaction({ ...base, nonce: 0, gasPrice: 10_000_000_000n });
    expect((await rpc.receipt(await rpc.call<string>("eth_sendRawTransaction", [fine]))).status).toBe("0x1");
  });
});
