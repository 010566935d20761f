// Real clients (ethers v6, viem) against the HTTP server with the fixture backend: they parse our
// blocks, transactions, receipts and logs, batch requests, and decode revert reasons and custom errors
// from code-3 errors. End-to-end flows against the real node are the lead's tests.
import { Contract, JsonRpcProvider, isCallException } from "ethers";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  defineChain,
  http,
  parseAbi,
  type Hex,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { data } from "../../src/rpc/hex.js";
import { CUSTOM_ERRORER, REVERTER, REVERT_REASON, TOKEN } from "../helpers/fixture-backend.js";
import { startFixtureServer, type FixtureServer } from "../helpers/rpc-client.js";

const abi = [
  "function balanceOf(address owner) view returns (uint256)",
  "error InsufficientBalance(uint256 have, uint256 want)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
] as const;

let rpc: FixtureServer;
beforeAll(async () => {
  rpc = await startFixtureServer();
});
afterAll(async () => {
  await rpc.server.close();
});

describe("ethers v6", () => {
  it("reads the chain through batched requests", async () => {
    const provider = new JsonRpcProvider(rpc.server.url, 1337, { staticNetwork: true, batchStallTime: 5 });
    try {
      const [number, block, network] = await Promise.all([provider.getBlockNumber(), provider.getBlock("latest", true), provider.getNetwork()]);
      expect(number).toBe(1);
      expect(network.chainId).toBe(1337n);
      expect(block?.hash).toBe(data(rpc.backend.blocks[1]!.hash));
      expect(block?.baseFeePerGas).toBe(1_000_000_000n);
      expect(block?.prefetchedTransactions.map((tx) => tx.type)).toEqual([0, 1, 2]);
      const txHash = data(rpc.backend.txs.feeMarket.hash());
      const tx = await provider.getTransaction(txHash);
      expect(tx?.maxFeePerGas).toBe(3_000_000_000n);
      expect(tx?.from.toLowerCase()).toBe(data(rpc.backend.sender));
      const receipt = await provider.getTransactionReceipt(txHash);
      expect(receipt?.status).toBe(1);
      expect(receipt?.logs.map((log) => log.index)).toEqual([0, 1]);
      const logs = await provider.getLogs({ address: data(TOKEN), fromBlock: 0 });
      expect(logs).toHaveLength(2);
    } finally {
      provider.destroy();
    }
  });

  it("decodes revert reasons and custom errors", async () => {
    const provider = new JsonRpcProvider(rpc.server.url, 1337, { staticNetwork: true });
    try {
      const reverted = await provider.call({ to: data(REVERTER) }).catch((err: unknown) => err);
      expect(isCallException(reverted)).toBe(true);
      if (isCallException(reverted)) expect(reverted.reason).toBe(REVERT_REASON);

      const token = new Contract(data(CUSTOM_ERRORER), abi, provider);
      const custom = await token.getFunction("balanceOf").staticCall(data(TOKEN)).catch((err: unknown) => err);
      expect(isCallException(custom)).toBe(true);
      if (isCallException(custom)) {
        expect(custom.revert?.name).toBe("InsufficientBalance");
        expect(custom.revert?.args.map((arg) => BigInt(arg as bigint))).toEqual([5n, 7n]);
      }
    } finally {
      provider.destroy();
    }
  });
});

describe("viem", () => {
  const chain = defineChain({
    id: 1337,
    name: "fixture",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: ["http://127.0.0.1"] } },
  });
  const viemAbi = parseAbi(abi);

  it("reads blocks, transactions, receipts and logs", async () => {
    const client = createPublicClient({ chain, transport: http(rpc.server.url, { batch: true }) });
    const [block, id] = await Promise.all([client.getBlock({ includeTransactions: true }), client.getChainId()]);
    expect(id).toBe(1337);
    expect(block.number).toBe(1n);
    expect(block.transactions.map((tx) => tx.type)).toEqual(["legacy", "eip2930", "eip1559"]);
    const receipt = await client.getTransactionReceipt({ hash: data(rpc.backend.txs.feeMarket.hash()) as Hex });
    expect(receipt.status).toBe("success");
    const logs = await client.getLogs({ address: data(TOKEN) as Hex, event: viemAbi[2], fromBlock: 0n });
    expect(logs.map((log) => log.args.value)).toEqual([5n, 6n]);
  });

  it("decodes revert reasons and custom errors", async () => {
    const client = createPublicClient({ chain, transport: http(rpc.server.url) });
    const revertOf = async (address: Uint8Array): Promise<ContractFunctionRevertedError | undefined> => {
      const err = await client
        .readContract({ address: data(address) as Hex, abi: viemAbi, functionName: "balanceOf", args: [data(TOKEN) as Hex] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BaseError);
      const found = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
      return found instanceof ContractFunctionRevertedError ? found : undefined;
    };
    expect((await revertOf(REVERTER))?.reason).toBe(REVERT_REASON);
    const custom = await revertOf(CUSTOM_ERRORER);
    expect(custom?.data?.errorName).toBe("InsufficientBalance");
    expect(custom?.data?.args).toEqual([5n, 7n]);
  });
});
