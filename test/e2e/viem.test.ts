// The same new-user flows through viem (public + wallet clients over HTTP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, createWalletClient, http, parseEther, parseAbiItem, defineChain, type Abi, BaseError, ContractFunctionRevertedError } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { startTestNode, type TestNode } from "../helpers/node.js";
import { compileTestToken } from "../helpers/solc.js";

let n: TestNode;
const keys = deriveDevAccounts(3).map((a) => bytesToHex(a.privateKey) as `0x${string}`);
const chain = defineChain({ id: 31337, name: "verity dev", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: ["http://127.0.0.1"] } } });

beforeAll(async () => {
  n = await startTestNode({ blockTimeMs: 0 });
});
afterAll(async () => {
  await n?.stop();
});

describe("viem against verity", () => {
  it("sends ETH, deploys an ERC-20, finds its Transfer event and decodes reverts", async () => {
    const transport = http(n.url);
    const pub = createPublicClient({ chain, transport, pollingInterval: 50 });
    const account = privateKeyToAccount(keys[0]!);
    const wallet = createWalletClient({ chain, transport, account });
    expect(await pub.getChainId()).toBe(31337);

    const to = privateKeyToAccount(keys[2]!).address;
    const before = await pub.getBalance({ address: account.address });
    const toBefore = await pub.getBalance({ address: to });
    const hash = await wallet.sendTransaction({ to, value: parseEther("0.5") });
    const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 25 });
    expect(receipt.status).toBe("success");
    expect(await pub.getBalance({ address: account.address })).toBe(before - parseEther("0.5") - receipt.gasUsed * receipt.effectiveGasPrice);
    expect(await pub.getBalance({ address: to })).toBe(toBefore + parseEther("0.5"));

    const { abi, bytecode } = compileTestToken();
    const deployHash = await wallet.deployContract({ abi: abi as Abi, bytecode, args: [1_000n] });
    const deployed = await pub.waitForTransactionReceipt({ hash: deployHash, pollingInterval: 25 });
    const token = deployed.contractAddress!;
    expect(token).toMatch(/^0x[0-9a-fA-F]{40}$/);

    const { request } = await pub.simulateContract({ address: token, abi: abi as Abi, functionName: "transfer", args: [to, 40n], account });
    const transferHash = await wallet.writeContract(request);
    await pub.waitForTransactionReceipt({ hash: transferHash, pollingInterval: 25 });
    expect(await pub.readContract({ address: token, abi: abi as Abi, functionName: "balanceOf", args: [to] })).toBe(40n);

    const logs = await pub.getLogs({
      address: token,
      event: parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)"),
      args: { to },
      fromBlock: 0n,
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.args.value).toBe(40n);
    expect(logs[0]!.transactionHash).toBe(transferHash);

    // A transfer beyond the balance: the custom error is decoded with its arguments.
    const poor = privateKeyToAccount(keys[1]!);
    const err = await pub.simulateContract({ address: token, abi: abi as Abi, functionName: "transfer", args: [to, 1n], account: poor }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaseError);
    const revert = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError;
    expect(revert.data?.errorName).toBe("ERC20InsufficientBalance");
    expect(revert.data?.args).toEqual([poor.address, 0n, 1n]);
    // And a require() reason string.
    const reason = await pub.simulateContract({ address: token, abi: abi as Abi, functionName: "failWithReason", account }).catch((e: unknown) => e);
    const r2 = (reason as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError;
    expect(r2.reason).toBe("no way");
  });
});
