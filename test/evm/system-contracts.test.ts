// Issue 12, item 1: the system contracts of the rule set (EIP-2935 block-hash history, EIP-4788
// beacon roots, EIP-7002/7251 request queues) are in the dev genesis, the history contract serves
// the parent's hash as BLOCKHASH does, and the system calls around each block run.
// Checked on the real RPC server against anvil, the reference client, with the same transactions.
//
// Differences that are anvil's, not ours (written down, not asserted away):
//  - anvil predeploys only the EIP-2935 contract (same code as ours), with nonce 0; verity deploys
//    all four with nonce 1, as their deployment transactions leave them on Ethereum and as geth's
//    --dev genesis allocates them.
import { bytesToHex } from "@ethereumjs/util";
import { AbiCoder, Wallet, getCreateAddress, type TransactionReceipt } from "ethers";
import { describe, expect, it } from "vitest";
import { BEACON_ROOTS, CONSOLIDATION_QUEUE, HISTORY_STORAGE, WITHDRAWAL_QUEUE } from "../../src/evm/system-contracts.js";
import { withAnvil } from "../helpers/anvil-pair.js";
import { DEV } from "../helpers/rpc-node.js";
import { mined, provider } from "../helpers/ethers-rpc.js";

const nodes = withAnvil();

const HISTORY = HISTORY_STORAGE.address.toString();
/**
 * Runtime code: n = NUMBER - 1; logs (BLOCKHASH(n), what the history contract's get(n) returns,
 * whether that call succeeded).
 */
const PROBE_RUNTIME =
  "600143038040600052602052" + // n = NUMBER - 1; mem[0] = BLOCKHASH(n); mem[0x20] = n
  `6020602060206020 73${HISTORY.slice(2)} 5afa`.replace(/ /g, "") + // STATICCALL(gas, history, in 0x20..0x40, out 0x20..0x40)
  "604052" + // mem[0x40] = success
  "60606000a000"; // LOG0(0, 0x60); STOP
const PROBE_INIT = `0x60${(PROBE_RUNTIME.length / 2).toString(16).padStart(2, "0")}80600b6000396000f3${PROBE_RUNTIME}`;

interface HistoryRead {
  receipt: TransactionReceipt;
  blockhash: string;
  history: string;
  success: bigint;
  parentHash: string;
}

/** Deploys the probe, then calls it in two later blocks; returns what each call logged. */
async function readHistory(url: string): Promise<HistoryRead[]> {
  const p = provider(url);
  const wallet = new Wallet(DEV[4]!.key, p);
  let nonce = await p.getTransactionCount(wallet.address, "pending");
  const deploy = await wallet.sendTransaction({ data: PROBE_INIT, gasLimit: 200_000n, nonce });
  await mined(p, deploy.hash);
  const probe = getCreateAddress({ from: wallet.address, nonce });
  const out: HistoryRead[] = [];
  for (let i = 0; i < 2; i++) {
    const sent = await wallet.sendTransaction({ to: probe, gasLimit: 100_000n, nonce: ++nonce });
    const receipt = await mined(p, sent.hash);
    const [blockhash, history, success] = AbiCoder.defaultAbiCoder().decode(["bytes32", "bytes32", "uint256"], receipt.logs[0]!.data);
    const parent = await p.getBlock(receipt.blockNumber - 1);
    out.push({ receipt, blockhash, history, success, parentHash: parent!.hash! });
  }
  p.destroy();
  return out;
}

describe("system contracts", () => {
  it("are in the dev genesis with the EIPs' code; the history contract's is anvil's", async () => {
    const ours = provider(nodes.verity.url);
    const theirs = provider(nodes.anvil.url);
    for (const c of [BEACON_ROOTS, HISTORY_STORAGE, WITHDRAWAL_QUEUE, CONSOLIDATION_QUEUE]) {
      expect(await ours.getCode(c.address.toString(), 0)).toBe(bytesToHex(c.code));
      expect(await ours.getTransactionCount(c.address.toString(), 0)).toBe(1);
    }
    expect(await ours.getCode(HISTORY, "latest")).toBe(await theirs.getCode(HISTORY, "latest"));
    ours.destroy();
    theirs.destroy();
  });

  it("the history contract serves the parent's hash, as BLOCKHASH does, with anvil's gas", async () => {
    const [ours, theirs] = await Promise.all([readHistory(nodes.verity.url), readHistory(nodes.anvil.url)]);
    for (const reads of [ours, theirs]) {
      for (const r of reads) {
        expect(r.success).toBe(1n);
        expect(r.history).toBe(r.blockhash);
        expect(r.blockhash).toBe(r.parentHash);
      }
    }
    expect(ours.map((r) => r.receipt.gasUsed)).toEqual(theirs.map((r) => r.receipt.gasUsed));
    // The slot the system call wrote at the start of the block: (number - 1) % 8191.
    const p = provider(nodes.verity.url);
    // A replay for tracing makes the block's system calls too: the traced history read is the executed one.
    const trace = (await p.send("debug_traceTransaction", [ours[1]!.receipt.hash, { tracer: "callTracer" }])) as { calls?: Array<{ to: string; output?: string }> };
    expect(trace.calls?.[0]?.to.toLowerCase()).toBe(HISTORY);
    expect(trace.calls?.[0]?.output).toBe(ours[1]!.parentHash);
    const last = ours[1]!.receipt.blockNumber;
    expect(await p.getStorage(HISTORY, BigInt(last - 1) % 8191n, last)).toBe(ours[1]!.parentHash);
    // Beacon roots: the block's timestamp in its ring, a zero root (no beacon chain; see system-contracts.ts).
    const block = await p.getBlock(last);
    const index = BigInt(block!.timestamp) % 8191n;
    expect(BigInt(await p.getStorage(BEACON_ROOTS.address.toString(), index, last))).toBe(BigInt(block!.timestamp));
    expect(BigInt(await p.getStorage(BEACON_ROOTS.address.toString(), index + 8191n, last))).toBe(0n);
    p.destroy();
  });

  it("the request queues take a request and their end-of-block system call dequeues it", async () => {
    const p = provider(nodes.verity.url);
    const wallet = new Wallet(DEV[6]!.key, p);
    let nonce = await p.getTransactionCount(wallet.address, "pending");
    // A withdrawal request (48-byte validator key, 8-byte amount) and a consolidation request (two keys).
    for (const [queue, data] of [
      [WITHDRAWAL_QUEUE, `0x${"11".repeat(48)}${"00".repeat(8)}`],
      [CONSOLIDATION_QUEUE, `0x${"22".repeat(48)}${"33".repeat(48)}`],
    ] as const) {
      const address = queue.address.toString();
      const fee = BigInt(await p.call({ to: address, data: "0x" }));
      expect(fee).toBe(1n); // the minimum fee, with no excess
      const receipt = await mined(p, (await wallet.sendTransaction({ to: address, data, value: fee, gasLimit: 300_000n, nonce: nonce++ })).hash);
      expect(receipt.status).toBe(1);
      expect(receipt.logs).toHaveLength(1); // the request, logged by the contract
      // Slot 1 counts the block's requests and slot 3 is the queue's tail: the system call after the
      // block's transactions dequeued the request and reset both (without it they would read 1).
      expect(BigInt(await p.getStorage(address, 1n, receipt.blockNumber))).toBe(0n);
      expect(BigInt(await p.getStorage(address, 3n, receipt.blockNumber))).toBe(0n);
      expect(await p.getBalance(address, receipt.blockNumber)).toBe(fee);
    }
    p.destroy();
  });
});
