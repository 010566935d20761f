// web3.js v4 against a real node: balances, a transfer signed by a local wallet and one sent by the
// node's unlocked dev account, a contract deployed and called.
import { Web3 } from "web3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProbe } from "../helpers/probe-contract.js";
import { DEV, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let n: RpcTestNode;
let web3: Web3;

beforeAll(async () => {
  n = await startRpcTestNode();
  web3 = new Web3(n.url);
  web3.eth.transactionPollingInterval = 50;
  web3.eth.transactionConfirmationPollingInterval = 50;
});
afterAll(async () => {
  await n?.stop();
});

describe("web3.js v4", () => {
  it("reads the chain id and a dev account's balance", async () => {
    expect(await web3.eth.getChainId()).toBe(31337n);
    expect(await web3.eth.getBalance(DEV[0]!.address)).toBe(10n ** 22n);
    expect(await web3.eth.getAccounts()).toHaveLength(10);
  });

  it("sends ETH from a local wallet and from the node's unlocked account", async () => {
    const local = web3.eth.accounts.privateKeyToAccount(DEV[1]!.key);
    const to = web3.eth.accounts.create().address;
    const signed = await local.signTransaction({
      from: local.address, to, value: 1000n, gas: 21_000n, gasPrice: await web3.eth.getGasPrice(),
      nonce: await web3.eth.getTransactionCount(local.address, "pending"), chainId: 31337n,
    });
    const first = await web3.eth.sendSignedTransaction(signed.rawTransaction);
    expect(first.status).toBe(1n);
    const second = await web3.eth.sendTransaction({ from: DEV[2]!.address, to, value: 2000n });
    expect(second.status).toBe(1n);
    expect(await web3.eth.getBalance(to)).toBe(3000n);
  });

  it("deploys a contract and calls it", async () => {
    const { abi, bytecode } = compileProbe();
    const contract = new web3.eth.Contract(abi as never);
    const deployed = await contract.deploy({ data: bytecode }).send({ from: DEV[3]!.address });
    const address = deployed.options.address!;
    expect(await web3.eth.getCode(address)).not.toBe("0x");
    const probe = new web3.eth.Contract(abi as never, address);
    const methods = probe.methods as unknown as Record<string, (...args: unknown[]) => { send(o: object): Promise<{ status: bigint }>; call(): Promise<unknown> }>;
    expect((await methods.store!(9n, 99n).send({ from: DEV[3]!.address })).status).toBe(1n);
    expect(await methods.values!(9n).call()).toBe(99n);
  });
});
