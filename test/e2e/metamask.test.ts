// MetaMask's own request sequence for "send ETH", replayed request by request against a real node:
// it reads the head, rewrites "latest" to that hex number for state reads, estimates with a single
// parameter, signs locally, sends raw, then polls the block number and the receipt.
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let n: RpcTestNode;
let rpc: RpcClient;

beforeAll(async () => {
  n = await startRpcTestNode();
  rpc = new RpcClient(n.url);
});
afterAll(async () => {
  await n?.stop();
});

describe("MetaMask's send sequence", () => {
  it("sends ETH the way the extension does, and old block numbers keep their answers", async () => {
    const from = DEV[7]!;
    const to = "0x1111111111111111111111111111111111111111";
    expect(await rpc.call("eth_chainId")).toBe("0x7a69");
    expect(await rpc.call("net_version")).toBe("31337");
    const head = await rpc.call<{ number: string; baseFeePerGas?: string; hash: string }>("eth_getBlockByNumber", ["latest", false]);
    expect(head.baseFeePerGas).toMatch(/^0x[0-9a-f]+$/);
    const at = head.number; // MetaMask pins state reads to this number
    const balance = BigInt(await rpc.call<string>("eth_getBalance", [from.address, at]));
    expect(balance).toBe(10n ** 22n);
    expect(await rpc.call("eth_getCode", [to, at])).toBe("0x");
    const gas = BigInt(await rpc.call<string>("eth_estimateGas", [{ from: from.address, to, value: "0x2386f26fc10000" }]));
    expect(gas).toBeGreaterThanOrEqual(21_000n);
    const gasPrice = BigInt(await rpc.call<string>("eth_gasPrice"));
    const history = await rpc.call<{ baseFeePerGas: string[] }>("eth_feeHistory", ["0x5", "latest", [10, 20, 30]]);
    const nextBaseFee = BigInt(history.baseFeePerGas.at(-1)!);
    const nonce = await rpc.call<string>("eth_getTransactionCount", [from.address, at]);
    const tip = gasPrice - nextBaseFee;
    const raw = await new Wallet(from.key).signTransaction({
      type: 2, chainId: 31337n, nonce: Number(nonce), to, value: 10n ** 16n, gasLimit: gas, maxPriorityFeePerGas: tip, maxFeePerGas: 2n * nextBaseFee + tip,
    });
    const hash = await rpc.call<string>("eth_sendRawTransaction", [raw]);

    let receipt: { status: string; blockHash: string; blockNumber: string; effectiveGasPrice: string; gasUsed: string } | null = null;
    for (let polls = 0; receipt === null && polls < 600; polls++) {
      await rpc.call("eth_blockNumber");
      receipt = await rpc.call("eth_getTransactionReceipt", [hash]);
      if (receipt === null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(receipt?.status).toBe("0x1");
    const block = await rpc.call<{ hash: string; transactions: string[] }>("eth_getBlockByHash", [receipt!.blockHash, false]);
    expect(block.transactions).toContain(hash);

    const fee = BigInt(receipt!.gasUsed) * BigInt(receipt!.effectiveGasPrice);
    expect(BigInt(await rpc.call<string>("eth_getBalance", [from.address, "latest"]))).toBe(balance - 10n ** 16n - fee);
    // The pinned number still answers with the state before the transfer.
    expect(BigInt(await rpc.call<string>("eth_getBalance", [from.address, at]))).toBe(balance);
    expect(await rpc.call("eth_getTransactionCount", [from.address, at])).toBe(nonce);
  });
});
