// A new user's flows through ethers v6 against a real node (automine, LevelDB in a temp dir).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContractFactory, JsonRpcProvider, Wallet, Contract, parseEther, id, type ContractTransactionResponse } from "ethers";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { startTestNode, type TestNode } from "../helpers/node.js";
import { compileTestToken } from "../helpers/solc.js";

let n: TestNode;
let provider: JsonRpcProvider;
const [k0, k1, k2] = deriveDevAccounts(3).map((a) => Buffer.from(a.privateKey).toString("hex"));

beforeAll(async () => {
  n = await startTestNode({ blockTimeMs: 0 });
  provider = new JsonRpcProvider(n.url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
});
afterAll(async () => {
  provider?.destroy();
  await n?.stop();
});

describe("ethers v6 against verity", () => {
  it("reports the dev chain id and prefunded accounts", async () => {
    expect((await provider.getNetwork()).chainId).toBe(31337n);
    const wallet = new Wallet(k0!);
    expect(await provider.getBalance(wallet.address)).toBe(parseEther("10000"));
  });

  it("sends ETH between dev accounts: balances change by exactly value + fee", async () => {
    const from = new Wallet(k1!, provider);
    const to = Wallet.createRandom().address;
    const before = await provider.getBalance(from.address);
    const value = parseEther("1.25");
    const tx = await from.sendTransaction({ to, value });
    const receipt = await tx.wait();
    expect(receipt?.status).toBe(1);
    const fee = receipt!.gasUsed * receipt!.gasPrice;
    expect(receipt!.gasUsed).toBe(21000n);
    expect(await provider.getBalance(from.address)).toBe(before - value - fee);
    expect(await provider.getBalance(to)).toBe(value);
    // The transaction is found again by hash, with its block.
    const again = await provider.getTransaction(tx.hash);
    expect(again?.blockNumber).toBe(receipt!.blockNumber);
    const block = await provider.getBlock(receipt!.blockNumber);
    expect(block?.transactions).toContain(tx.hash);
  });

  it("estimates exactly 21000 gas for a plain transfer, as geth does", async () => {
    const from = new Wallet(k1!).address;
    expect(await provider.estimateGas({ from, to: Wallet.createRandom().address, value: 1n })).toBe(21000n);
  });

  it("sends a legacy transaction", async () => {
    const from = new Wallet(k2!, provider);
    const to = Wallet.createRandom().address;
    const gasPrice = (await provider.getFeeData()).gasPrice!;
    const tx = await from.sendTransaction({ to, value: 7n, type: 0, gasPrice });
    const receipt = await tx.wait();
    expect(receipt?.status).toBe(1);
    expect(receipt?.type).toBe(0);
    expect(await provider.getBalance(to)).toBe(7n);
  });

  it("deploys an OpenZeppelin ERC-20; transfer emits Transfer, found through eth_getLogs; a transfer beyond the balance reverts with the decoded reason", async () => {
    const { abi, bytecode } = compileTestToken();
    const deployer = new Wallet(k0!, provider);
    const factory = new ContractFactory(abi as never, bytecode, deployer);
    const token = (await factory.deploy(1_000_000n)) as Contract;
    await token.waitForDeployment();
    const address = await token.getAddress();
    expect(await token.totalSupply!()).toBe(1_000_000n);

    const recipient = new Wallet(k1!).address;
    const tx = (await token.transfer!(recipient, 250n)) as ContractTransactionResponse;
    const receipt = await tx.wait();
    expect(receipt?.status).toBe(1);
    expect(await token.balanceOf!(recipient)).toBe(250n);

    const transferTopic = id("Transfer(address,address,uint256)");
    const logs = await provider.getLogs({ address, topics: [transferTopic], fromBlock: 0, toBlock: "latest" });
    // The mint in the constructor and the transfer.
    expect(logs).toHaveLength(2);
    const last = token.interface.parseLog(logs[1]!);
    expect(last?.name).toBe("Transfer");
    expect(last?.args[1]).toBe(recipient);
    expect(last?.args[2]).toBe(250n);
    expect(logs[1]!.transactionHash).toBe(tx.hash);
    // Filtering by the recipient topic finds only the transfer.
    const byTo = await provider.getLogs({ address, topics: [transferTopic, null, "0x" + recipient.slice(2).toLowerCase().padStart(64, "0")], fromBlock: 0 });
    expect(byTo).toHaveLength(1);

    const poor = token.connect(new Wallet(k2!, provider)) as Contract;
    // Sending runs eth_estimateGas first; ethers reports the revert with its data, which the
    // contract's interface decodes (the same as against anvil or geth).
    const err = await poor.transfer!(recipient, 1n).then(
      () => null,
      (e: { code: string; data: string }) => e,
    );
    expect(err?.code).toBe("CALL_EXCEPTION");
    const decoded = token.interface.parseError(err!.data);
    expect(decoded?.name).toBe("ERC20InsufficientBalance");
    expect(decoded?.args[2]).toBe(1n);
    await expect(token.failWithReason!()).rejects.toMatchObject({ reason: "no way" });
  });
});
