// Every admission rejection comes back through eth_sendRawTransaction with geth's message, and changes
// nothing: no block, no balance or nonce change, nothing in the pool.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigIntToUnpaddedBytes, bytesToHex, concatBytes, hexToBytes } from "@ethereumjs/util";
import { Wallet } from "ethers";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { RLP } from "@ethereumjs/rlp";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { startTestNode, type TestNode } from "../helpers/node.js";
import { rawSigned1559, testCommon, transfer1559, transferLegacy } from "../helpers/txs.js";

let n: TestNode;
const [alice, bob] = deriveDevAccounts(2);

async function rpc(method: string, params: unknown[]): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
  const res = await fetch(n.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
}
const send = (raw: Uint8Array) => rpc("eth_sendRawTransaction", [bytesToHex(raw)]);

beforeAll(async () => {
  // Block time long enough that nothing is sealed while the rejections are checked: the first height
  // starts at once, the next one a minute later.
  n = await startTestNode({ blockTimeMs: 60_000 });
  for (let i = 0; i < 200 && (await rpc("eth_blockNumber", [])).result === "0x0"; i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  await n?.stop();
});

describe("transaction admission over JSON-RPC", () => {
  it("rejects each bad transaction with geth's message and changes nothing", async () => {
    const snapshot = async () => ({
      block: (await rpc("eth_blockNumber", [])).result,
      balance: (await rpc("eth_getBalance", [bytesToHex(alice!.address), "latest"])).result,
      nonce: (await rpc("eth_getTransactionCount", [bytesToHex(alice!.address), "pending"])).result,
    });
    const before = await snapshot();
    const key = alice!.privateKey;
    const to = bob!.address;
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ["funds", transfer1559(key, { nonce: 0n, to, value: 10n ** 30n }).serialize(), /^insufficient funds for gas \* price \+ value/],
      ["intrinsic gas", transfer1559(key, { nonce: 0n, to, gasLimit: 20_000n }).serialize(), /^intrinsic gas too low/],
      ["wrong chain id", transfer1559(key, { nonce: 0n, to }, testCommon(1n)).serialize(), /^invalid chain id for signer: have 1 want 31337$/],
      ["garbage", Uint8Array.of(0x02, 0xc0), /invalid transaction/],
    ];
    // Gas above EIP-7825's 2^24 cap (ethereumjs refuses to even build one, so ethers signs it).
    const big = await new Wallet(bytesToHex(key)).signTransaction({
      type: 2, chainId: 31337n, nonce: 0, to: bytesToHex(to), gasLimit: 40_000_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n,
    });
    cases.push(["gas above the per-transaction cap", hexToBytes(big as `0x${string}`), /^transaction gas limit too high \(cap: 16777216, tx: 40000000\)/]);
    const tipAboveCap = rawSigned1559(key, { chainId: 31337n, nonce: 0n, to, gasLimit: 21_000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 2n, value: 0n });
    cases.push(["tip above fee cap", tipAboveCap, /^max priority fee per gas higher than max fee per gas$/]);
    // alice's nonce is still 0 on chain, so "nonce too low" is checked in the next test, after a block.
    const accepted = await send(transfer1559(key, { nonce: 0n, to, value: 1n }).serialize());
    expect(accepted.error).toBeUndefined();
    const dup = await send(transfer1559(key, { nonce: 0n, to, value: 1n }).serialize());
    expect(dup.error?.message).toBe("already known");
    const cheapReplacement = await send(transfer1559(key, { nonce: 0n, to, value: 2n }).serialize());
    expect(cheapReplacement.error?.message).toBe("replacement transaction underpriced");
    for (const [name, raw, msg] of cases) {
      const r = await send(raw);
      expect(r.error, name).toBeDefined();
      expect(r.error!.message, name).toMatch(msg);
      expect(r.error!.code, name).toBe(-32000);
    }
    // Blob transactions (type 3) are refused by type, before any decoding.
    const blob = concatBytes(Uint8Array.of(3), RLP.encode([bigIntToUnpaddedBytes(31337n), new Uint8Array(0)]));
    const blobRes = await send(blob);
    expect(blobRes.error?.message).toMatch(/transaction type not supported/);

    const after = await snapshot();
    expect(after.block).toBe(before.block);
    expect(after.balance).toBe(before.balance);
    // Only the one accepted transaction counts towards the pending nonce.
    expect(after.nonce).toBe("0x1");
  });

  it("rejects a nonce below the account's once a transaction is mined", async () => {
    // An automining node mines bob's first transaction at once; nonce 0 is then below his account's.
    const stopped = n;
    await stopped.stop();
    n = await startTestNode({ blockTimeMs: 0 });
    const first = await send(transferLegacy(bob!.privateKey, { nonce: 0n, to: alice!.address }).serialize());
    expect(first.error).toBeUndefined();
    for (let i = 0; i < 100; i++) {
      const r = await rpc("eth_getTransactionReceipt", [first.result]);
      if (r.result) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const low = await send(transferLegacy(bob!.privateKey, { nonce: 0n, to: alice!.address, value: 5n }).serialize());
    expect(low.error?.message).toMatch(/^nonce too low/);
    const unsigned = createFeeMarket1559Tx({ nonce: 1n, to: alice!.address, maxFeePerGas: 1n, gasLimit: 21_000n, chainId: 31337n }, { common: testCommon() });
    const r = await send(unsigned.serialize());
    expect(r.error?.message).toMatch(/invalid sender|invalid transaction/);
  });
});
