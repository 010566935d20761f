// viem against a real node: public and wallet clients over HTTP and WebSocket. A local account
// deploys; simulateContract + writeContract store values; a custom error comes back decoded; over
// WebSocket, watchBlocks and watchContractEvent (eth_subscribe) see a transaction that the node's
// unlocked dev account sends (eth_sendTransaction from a JSON-RPC account).
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  webSocket,
  type Abi,
  type Block,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProbe } from "../helpers/probe-contract.js";
import { DEV, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let n: RpcTestNode;
let address: Hex;
const { abi: probeAbi, bytecode } = compileProbe();
const abi = probeAbi as Abi;

beforeAll(async () => {
  n = await startRpcTestNode();
  const account = privateKeyToAccount(DEV[0]!.key as Hex);
  const wallet = createWalletClient({ account, chain: foundry, transport: http(n.url) });
  const client = createPublicClient({ chain: foundry, transport: http(n.url) });
  const hash = await wallet.deployContract({ abi, bytecode });
  address = (await client.waitForTransactionReceipt({ hash, pollingInterval: 50 })).contractAddress!;
}, 60_000);

afterAll(async () => {
  await n?.stop();
});

describe("viem over HTTP", () => {
  it("simulates and writes a contract call with a local account, then reads the result", async () => {
    const client = createPublicClient({ chain: foundry, transport: http(n.url), pollingInterval: 50 });
    const wallet = createWalletClient({ account: privateKeyToAccount(DEV[1]!.key as Hex), chain: foundry, transport: http(n.url) });
    const { request, result } = await client.simulateContract({ address, abi, functionName: "store", args: [4n, 44n], account: wallet.account });
    expect(result).toBeUndefined();
    const hash = await wallet.writeContract(request);
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    expect(receipt.status).toBe("success");
    expect(await client.readContract({ address, abi, functionName: "values", args: [4n] })).toBe(44n);
  });

  it("decodes a custom error from a reverted simulation", async () => {
    const client = createPublicClient({ chain: foundry, transport: http(n.url) });
    const error = await client
      .simulateContract({ address, abi, functionName: "store", args: [5n, 5000n], account: DEV[1]!.address as Hex })
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(BaseError);
    const reverted = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    expect(reverted?.data?.errorName).toBe("TooBig");
    expect(reverted?.data?.args).toEqual([5000n, 1000n]);
  });
});

describe("viem over WebSocket", () => {
  it("watches blocks and contract events while a JSON-RPC account (the node's dev key) writes", async () => {
    const transport = webSocket(n.wsUrl);
    const client = createPublicClient({ chain: foundry, transport, pollingInterval: 50 });
    const wallet = createWalletClient({ account: DEV[2]!.address as Hex, chain: foundry, transport });
    const blocks: Block[] = [];
    const logs: Array<{ args: { key?: bigint; value?: bigint }; transactionHash: Hex | null }> = [];
    let sawEvent!: () => void;
    const eventSeen = new Promise<void>((resolve) => (sawEvent = resolve));
    const stopBlocks = client.watchBlocks({ onBlock: (block) => void blocks.push(block) });
    const stopEvents = client.watchContractEvent({
      address,
      abi,
      eventName: "Stored",
      onLogs: (received) => {
        logs.push(...(received as unknown as typeof logs));
        sawEvent();
      },
    });
    // The subscriptions are set up asynchronously; give them a moment before the transaction.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const hash = await wallet.writeContract({ address, abi, functionName: "store", args: [6n, 66n] });
    const receipt = await client.waitForTransactionReceipt({ hash });
    await eventSeen;
    const deadline = Date.now() + 10_000;
    while (!blocks.some((b) => b.number === receipt.blockNumber) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stopBlocks();
    stopEvents();
    expect(receipt.from).toBe(DEV[2]!.address);
    expect(blocks.find((b) => b.number === receipt.blockNumber)?.hash).toBe(receipt.blockHash);
    expect(logs.map((l) => [l.args.key, l.args.value, l.transactionHash])).toEqual([[6n, 66n, hash]]);
    await (await transport({ chain: foundry }).value?.getRpcClient())?.close();
  });
});
