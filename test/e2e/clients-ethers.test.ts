// ethers v6 against a real node: a provider that batches requests, contract events delivered through
// eth_newFilter / eth_getFilterChanges, a wallet sending EIP-1559 and legacy transactions, and revert
// decoding (a custom error with its arguments, a require reason).
import { Contract, ContractFactory, JsonRpcProvider, Wallet, type ContractTransactionResponse, type EventLog } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProbe } from "../helpers/probe-contract.js";
import { DEV, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let n: RpcTestNode;
let provider: JsonRpcProvider;
/** Every JSON-RPC payload ethers sent (one per HTTP request: an object, or an array when batched). */
const payloads: unknown[] = [];
let probe: Contract;

beforeAll(async () => {
  n = await startRpcTestNode();
  provider = new JsonRpcProvider(n.url, 31337, { staticNetwork: true, batchStallTime: 5, pollingInterval: 50, cacheTimeout: -1 });
  void provider.on("debug", (info: { action: string; payload?: unknown }) => {
    if (info.action === "sendRpcPayload") payloads.push(info.payload);
  });
  const { abi, bytecode } = compileProbe();
  const deployer = new Wallet(DEV[0]!.key, provider);
  probe = (await new ContractFactory(abi as never, bytecode, deployer).deploy()) as Contract;
  await probe.waitForDeployment();
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await n?.stop();
});

const methodsOf = (payload: unknown): string[] => (Array.isArray(payload) ? payload : [payload]).map((p) => (p as { method: string }).method);

describe("ethers v6", () => {
  it("batches concurrent requests into one HTTP request", async () => {
    payloads.length = 0;
    const [number, balance, network, block] = await Promise.all([
      provider.getBlockNumber(),
      provider.getBalance(DEV[1]!.address),
      provider.getNetwork(),
      provider.getBlock("latest"),
    ]);
    expect(number).toBeGreaterThan(0);
    expect(balance).toBe(10n ** 22n);
    expect(network.chainId).toBe(31337n);
    expect(block?.baseFeePerGas).toBeGreaterThan(0n);
    expect(payloads.some((p) => Array.isArray(p) && p.length >= 3)).toBe(true);
  });

  it("delivers contract events to a listener through eth_newFilter and eth_getFilterChanges", async () => {
    payloads.length = 0;
    const received: Array<{ key: bigint; value: bigint; tx: string }> = [];
    const delivered = new Promise<void>((resolve) => {
      void probe.on("Stored", (_who: string, key: bigint, value: bigint, event: { log: EventLog }) => {
        received.push({ key, value, tx: event.log.transactionHash });
        resolve();
      });
    });
    // Let the subscriber install its filter before the transaction is mined.
    const deadline = Date.now() + 10_000;
    while (!payloads.some((p) => methodsOf(p).includes("eth_newFilter")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const writer = probe.connect(new Wallet(DEV[1]!.key, provider)) as Contract;
    const tx = (await writer.store!(3n, 33n)) as ContractTransactionResponse;
    await tx.wait();
    await delivered;
    await probe.removeAllListeners();
    expect(received).toEqual([{ key: 3n, value: 33n, tx: tx.hash }]);
    const methods = payloads.flatMap(methodsOf);
    expect(methods).toContain("eth_newFilter");
    expect(methods).toContain("eth_getFilterChanges");
  });

  it("sends EIP-1559 and legacy transactions from a wallet", async () => {
    const wallet = new Wallet(DEV[2]!.key, provider);
    const to = Wallet.createRandom().address;
    const modern = await wallet.sendTransaction({ to, value: 5n });
    const legacy = await wallet.sendTransaction({ to, value: 6n, type: 0, gasPrice: (await provider.getFeeData()).gasPrice! });
    const [r1, r2] = await Promise.all([modern.wait(), legacy.wait()]);
    expect([r1?.status, r1?.type, r2?.status, r2?.type]).toEqual([1, 2, 1, 0]);
    expect(await provider.getBalance(to)).toBe(11n);
  });

  it("decodes a custom error with its arguments and a require reason", async () => {
    const caller = probe.connect(new Wallet(DEV[3]!.key, provider)) as Contract;
    // A call decodes through the contract's interface.
    const custom = await caller.store!.staticCall(1n, 5000n).then(
      () => null,
      (e: { code: string; revert?: { name: string; args: unknown[] } }) => e,
    );
    expect(custom?.code).toBe("CALL_EXCEPTION");
    expect(custom?.revert?.name).toBe("TooBig");
    expect(custom?.revert?.args).toEqual([5000n, 1000n]);
    // Sending estimates gas first: the provider's error carries the revert data the interface decodes.
    const sent = await caller.store!(1n, 5000n).then(
      () => null,
      (e: { code: string; data: string }) => e,
    );
    expect(sent?.code).toBe("CALL_EXCEPTION");
    expect(probe.interface.parseError(sent!.data)?.args).toEqual([5000n, 1000n]);
    await expect(caller.fail!("not today")).rejects.toMatchObject({ code: "CALL_EXCEPTION", reason: "not today" });
  });
});
