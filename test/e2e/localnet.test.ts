// Issue 4, "done when" 1: four validator processes and one non-validator RPC node, laid out as
// `verity localnet` lays them out, find each other over libp2p on loopback and commit blocks; a
// transaction sent through node 1's JSON-RPC is gossiped, mined, and its receipt is visible through
// node 3's and the RPC node's. Also measures transaction gossip latency (RPC in at one node to
// visible in another node's pool).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { rpcCall } from "../helpers/process.js";
import { transfer1559 } from "../helpers/txs.js";
import { Localnet, blockAt, blockNumber, headOf, sleep, waitUntil } from "../helpers/localnet.js";

interface Receipt {
  transactionHash: string;
  blockHash: string;
  blockNumber: string;
  status: string;
}

let net: Localnet;

beforeAll(async () => {
  net = await Localnet.create({ validators: 4, blockTime: 0.5 });
  await net.startAll();
}, 90_000);

afterAll(async () => {
  await net?.stop();
}, 60_000);

const [A, B, C, D] = ["validator-0", "validator-1", "validator-2", "validator-3"] as const;

describe("localnet: 4 validator processes + RPC node", () => {
  it("commits blocks, and a tx sent to node 1 is mined with its receipt visible through node 3 and the RPC node", async () => {
    const urls = net.nodes.map((n) => net.url(n.name));
    // Every node sees four peers (the other validators and the RPC node) and the chain advances.
    await waitUntil("every node at height 3", async () => (await Promise.all(urls.map(blockNumber))).every((h) => h >= 3n), 60_000);
    const peerCounts = async () => Promise.all(urls.map(async (u) => Number(BigInt(await rpcCall<string>(u, "net_peerCount")))));
    await waitUntil("every node connected to the four others", async () => (await peerCounts()).every((n) => n === 4), 15_000);

    const [sender] = deriveDevAccounts(1);
    const to = deriveDevAccounts(10)[9]!.address;
    const raw = bytesToHex(transfer1559(sender!.privateKey, { nonce: 0n, to, value: 12345n }).serialize());
    const hash = await rpcCall<string>(net.url(A), "eth_sendRawTransaction", [raw]);

    let mined: Receipt | null = null;
    await waitUntil("the receipt at node 1", async () => (mined = await rpcCall<Receipt | null>(net.url(A), "eth_getTransactionReceipt", [hash])) !== null, 30_000, 100);
    const receipt = mined as unknown as Receipt;
    expect(receipt.status).toBe("0x1");
    for (const name of [C, "rpc"]) {
      let there: Receipt | null = null;
      await waitUntil(`the receipt at ${name}`, async () => (there = await rpcCall<Receipt | null>(net.url(name), "eth_getTransactionReceipt", [hash])) !== null, 15_000, 100);
      expect(there).toEqual(receipt);
      const balance = await rpcCall<string>(net.url(name), "eth_getBalance", [bytesToHex(to), receipt.blockNumber]);
      expect(BigInt(balance)).toBe(10_000n * 10n ** 18n + 12345n);
    }

    // All five agree on the block that holds it and on its state root, and keep committing past it.
    const n = BigInt(receipt.blockNumber);
    const blocks = await Promise.all(urls.map((u) => blockAt(u, n)));
    for (const b of blocks) expect({ hash: b?.hash, stateRoot: b?.stateRoot }).toEqual({ hash: blocks[0]!.hash, stateRoot: blocks[0]!.stateRoot });
    await waitUntil("two more blocks everywhere", async () => (await Promise.all(urls.map(blockNumber))).every((h) => h >= n + 2n), 30_000);
  }, 120_000);

  it("gossips transactions from any node's RPC to every validator's pool (and measures the latency)", async () => {
    const senders = deriveDevAccounts(5).slice(1); // account 0 was used above
    const latencies: number[] = [];
    // One tx per sender, each submitted to a different node (the RPC node included), and each
    // watched for at every validator (pool or chain, whichever it reaches first).
    const entries = [B, D, "rpc", C].map((name, i) => ({ name, key: senders[i]!.privateKey }));
    for (const { name, key } of entries) {
      const raw = bytesToHex(transfer1559(key, { nonce: 0n, to: senders[0]!.address, value: 1n }).serialize());
      const sentAt = performance.now();
      const hash = await rpcCall<string>(net.url(name), "eth_sendRawTransaction", [raw]);
      const watchers = net.validators
        .filter((v) => v.name !== name)
        .map(async (v) => {
          await waitUntil(`tx from ${name} at ${v.name}`, async () => (await rpcCall(net.url(v.name), "eth_getTransactionByHash", [hash])) !== null, 10_000, 5);
          latencies.push(performance.now() - sentAt);
        });
      await Promise.all(watchers);
      await waitUntil(`tx from ${name} mined`, async () => (await rpcCall(net.url(A), "eth_getTransactionReceipt", [hash])) !== null, 30_000, 100);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)]!;
    console.log(
      `[localnet] tx gossip latency (RPC submit -> visible via another validator's RPC, ${latencies.length} samples): median ${median.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
    );
    // Every node agrees on the head it reports (at a common height).
    await sleep(500);
    const heads = await Promise.all(net.nodes.map((n) => headOf(net.url(n.name))));
    const common = heads.reduce((m, h) => (h.number < m ? h.number : m), heads[0]!.number);
    const atCommon = await Promise.all(net.nodes.map((n) => blockAt(net.url(n.name), common)));
    expect(new Set(atCommon.map((b) => `${b?.hash}/${b?.stateRoot}`)).size).toBe(1);
    // Honest nodes never ban each other.
    expect(net.grep(/peer banned/)).toEqual([]);
  }, 120_000);
});
