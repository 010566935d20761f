// A node killed with SIGKILL while transactions stream in restarts with an intact, consistent chain:
// every receipt it reported before the kill is still there, every block links to its parent, and each
// sender's nonce equals the number of its mined transactions.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { transfer1559 } from "../helpers/txs.js";
import { freePort, rpcCall, spawnNode, type NodeProcess } from "../helpers/process.js";

const procs: NodeProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Receipt {
  blockHash: string;
  blockNumber: string;
  status: string;
  transactionHash: string;
}

describe("crash safety", () => {
  it("keeps every reported receipt across a SIGKILL during a transaction stream", async () => {
    const datadir = mkdtempSync(join(tmpdir(), "verity-crash-"));
    dirs.push(datadir);
    const port = await freePort();
    const first = await spawnNode(["--datadir", datadir, "--block-time", "0"], { port });
    procs.push(first);

    const senders = deriveDevAccounts(4);
    const recipient = deriveDevAccounts(10)[9]!.address;
    const nonces = senders.map(() => 0n);
    const reported = new Map<string, Receipt>(); // receipts the node returned before the kill
    const pending: string[] = [];
    let killed = false;
    // Stream: send a few transactions per round and poll receipts; kill after ~60 receipts, mid-stream.
    for (let round = 0; round < 400 && !killed; round++) {
      for (const [i, s] of senders.entries()) {
        const tx = transfer1559(s.privateKey, { nonce: nonces[i]!, to: recipient, value: 1n });
        try {
          pending.push(await rpcCall<string>(first.url, "eth_sendRawTransaction", [bytesToHex(tx.serialize())]));
          nonces[i]!++;
        } catch {
          break;
        }
      }
      for (const h of pending.splice(0)) {
        const r = await rpcCall<Receipt | null>(first.url, "eth_getTransactionReceipt", [h]).catch(() => null);
        if (r) reported.set(h, r);
        else pending.push(h);
      }
      if (reported.size >= 60) {
        // Another burst right before the kill, so blocks are being built and written when it lands.
        for (const [i, s] of senders.entries())
          void rpcCall(first.url, "eth_sendRawTransaction", [bytesToHex(transfer1559(s.privateKey, { nonce: nonces[i]!, to: recipient, value: 1n }).serialize())]).catch(
            () => undefined,
          );
        first.child.kill("SIGKILL");
        killed = true;
      }
    }
    expect(killed).toBe(true);
    expect(await first.exited).toBe("SIGKILL");

    const second = await spawnNode(["--datadir", datadir, "--block-time", "0"], { port });
    procs.push(second);
    // Every receipt reported before the kill is still there, in the same block.
    for (const [hash, r] of reported) {
      const again = await rpcCall<Receipt | null>(second.url, "eth_getTransactionReceipt", [hash]);
      expect(again, hash).not.toBeNull();
      expect(again!.blockHash).toBe(r.blockHash);
      expect(again!.status).toBe("0x1");
    }
    // The chain is whole: every block links to its parent, up to the head.
    const head = BigInt(await rpcCall<string>(second.url, "eth_blockNumber"));
    expect(head).toBeGreaterThan(0n);
    let mined = 0;
    let parent: string | null = null;
    for (let n = 0n; n <= head; n++) {
      const b = await rpcCall<{ hash: string; parentHash: string; transactions: string[] } | null>(second.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]);
      expect(b, `block ${n}`).not.toBeNull();
      if (parent !== null) expect(b!.parentHash).toBe(parent);
      parent = b!.hash;
      mined += b!.transactions.length;
    }
    // State matches the blocks: the senders' nonces add up to the mined transactions.
    let nonceSum = 0;
    for (const s of senders) nonceSum += Number(BigInt(await rpcCall<string>(second.url, "eth_getTransactionCount", [bytesToHex(s.address), "latest"])));
    expect(nonceSum).toBe(mined);
    expect(mined).toBeGreaterThanOrEqual(reported.size);
    // And the node keeps producing on top of the recovered head.
    const s0 = senders[0]!;
    const next = BigInt(await rpcCall<string>(second.url, "eth_getTransactionCount", [bytesToHex(s0.address), "latest"]));
    const h = await rpcCall<string>(second.url, "eth_sendRawTransaction", [bytesToHex(transfer1559(s0.privateKey, { nonce: next, to: recipient }).serialize())]);
    let receipt: Receipt | null = null;
    for (let i = 0; i < 200 && !receipt; i++) {
      receipt = await rpcCall<Receipt | null>(second.url, "eth_getTransactionReceipt", [h]);
      if (!receipt) await new Promise((r) => setTimeout(r, 25));
    }
    expect(receipt?.status).toBe("0x1");
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
