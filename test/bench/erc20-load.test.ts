// The `peers` scenario's ERC-20 load: the signed setup and transfers decoded back (who signs what,
// to which token, at which nonce and fee), and the setup, load and checks against real nodes
// (verity and anvil over JSON-RPC), including a run whose transfers revert, which the token balance
// check must catch although every nonce is right.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFeeMarket1559TxFromRLP } from "@ethereumjs/tx";
import { bigIntToBytes, bytesToBigInt, bytesToHex, generateAddress, hexToBytes } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";
import { type Erc20Load, setupToken, signErc20Load, verifyTokenBalances } from "../../bench/harness/erc20-load.js";
import { fundSenders, LOAD_CHAIN_ID, loadSenders, verifyNonces } from "../../bench/harness/load-txs.js";
import { runLoad } from "../../bench/harness/loadgen.js";
import { type NodeKind, startNode, target } from "../../bench/harness/nodes.js";
import { RpcClient } from "../../bench/harness/rpc.js";
import { ERC20_TRANSFER_GAS, TOKENS_PER_SENDER } from "../../bench/lib/load.js";
import { createChainCommon } from "../../src/evm/common.js";

const common = createChainCommon(LOAD_CHAIN_ID);
const decode = (raw: string) => createFeeMarket1559TxFromRLP(hexToBytes(raw as `0x${string}`), { common });
/** verity's default --rpc.txfeecap, the strictest of the nodes under test. */
const ONE_ETHER = 10n ** 18n;

describe("ERC-20 load, signed", () => {
  const e = signErc20Load(3, 7);

  it("deploys from its own deployer at nonce 0, then gives each sender its tokens", () => {
    const deployer = hexToBytes(e.deployer.address as `0x${string}`);
    expect(e.token).toBe(bytesToHex(generateAddress(deployer, bigIntToBytes(0n))));
    expect(e.setupTxs).toHaveLength(1 + 3);
    const txs = e.setupTxs.map(decode);
    expect(txs.map((t) => bytesToHex(t.getSenderAddress().bytes))).toEqual(Array(4).fill(e.deployer.address));
    expect(txs.map((t) => t.nonce)).toEqual([0n, 1n, 2n, 3n]);
    expect(txs[0]!.to).toBeUndefined();
    expect(txs[0]!.data.length).toBeGreaterThan(1000);
    for (const [i, t] of txs.slice(1).entries()) {
      expect(t.to?.toString()).toBe(e.token);
      expect(bytesToHex(t.data.subarray(0, 4))).toBe("0xa9059cbb");
      expect(bytesToHex(t.data.subarray(16, 36))).toBe(e.load.senders[i]!.address);
      expect(bytesToBigInt(t.data.subarray(36))).toBe(TOKENS_PER_SENDER);
    }
  });

  it("signs transfer calls round-robin from senders of its own, within every node's fee cap", () => {
    const ethSenders = new Set(loadSenders(3).map((s) => s.address));
    expect(e.load.senders.some((s) => ethSenders.has(s.address) || s.address === e.deployer.address)).toBe(false);
    expect(e.load.perSender.map((p) => p.map((t) => t.nonce))).toEqual([[0, 1, 2], [0, 1], [0, 1]]);
    const recipients = new Set<string>();
    const sent = [0n, 0n, 0n];
    for (const [s, txs] of e.load.perSender.entries())
      for (const lt of txs) {
        const t = decode(lt.raw);
        expect(bytesToHex(t.hash())).toBe(lt.hash);
        expect(bytesToHex(t.getSenderAddress().bytes)).toBe(e.load.senders[s]!.address);
        expect([t.chainId, t.to?.toString(), t.value, t.gasLimit]).toEqual([LOAD_CHAIN_ID, e.token, 0n, ERC20_TRANSFER_GAS]);
        expect(bytesToHex(t.data.subarray(0, 4))).toBe("0xa9059cbb");
        recipients.add(bytesToHex(t.data.subarray(16, 36)));
        sent[s]! += bytesToBigInt(t.data.subarray(36));
      }
    expect(recipients.size).toBe(7);
    // The i-th transfer moves 1 + i: sender 0 sends transfers 0, 3, 6.
    expect(sent).toEqual([1n + 4n + 7n, 2n + 5n, 3n + 6n]);
    expect(e.finalBalances).toEqual(sent.map((x) => TOKENS_PER_SENDER - x));
    for (const raw of [...e.setupTxs, ...e.load.perSender.flat().map((t) => t.raw)]) {
      const t = decode(raw);
      expect(t.gasLimit * t.maxFeePerGas).toBeLessThanOrEqual(ONE_ETHER);
    }
  });
});

/** A fresh node (automine) in a temp dir for `body`, stopped and removed after it. */
async function onNode<T>(kind: NodeKind, body: (client: RpcClient, url: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "verity-erc20-test-"));
  try {
    const node = await startNode(target(kind, 0), dir, 60_000);
    const client = new RpcClient(node.url, 2);
    try {
      return await body(client, node.url);
    } finally {
      client.close();
      await node.service.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const balanceOf = (client: RpcClient, e: Erc20Load, holder: string) =>
  client.call<string>("eth_call", [{ to: e.token, data: `0x70a08231${holder.slice(2).padStart(64, "0")}` }, "latest"]).then(BigInt);

describe("ERC-20 load, on real nodes", () => {
  for (const kind of ["verity", "anvil"] as const)
    it(`${kind}: the setup deploys and funds over JSON-RPC, every transfer runs, nonces and balances check out`, { timeout: 120_000 }, async () => {
      const e = signErc20Load(4, 24);
      await onNode(kind, async (client, url) => {
        await setupToken(client, e, 30_000);
        expect(await balanceOf(client, e, e.load.senders[3]!.address)).toBe(TOKENS_PER_SENDER);
        const r = await runLoad(e.load, { connections: 4, ratePerConnection: null, pollMs: 5, timeoutMs: 30_000, urls: [url] });
        expect(r.problems).toEqual([]);
        expect([r.submitted, r.confirmed]).toEqual([24, 24]);
        expect(await verifyNonces(client, e.load)).toBeNull();
        expect(await verifyTokenBalances(client, e)).toBeNull();
        // The last transfer (i = 23, from sender 3 at nonce 5) paid its fresh recipient 24 units.
        const last = decode(e.load.perSender[3]![5]!.raw);
        expect(await balanceOf(client, e, bytesToHex(last.data.subarray(16, 36)))).toBe(24n);
      });
    });

  it("anvil: transfers that revert keep every nonce right, and the balance check reports them", { timeout: 60_000 }, async () => {
    const e = signErc20Load(3, 9);
    await onNode("anvil", async (client, url) => {
      // Sender 2 is never given its tokens: its transfers are included, and revert.
      await fundSenders(client, [e.deployer, ...e.load.senders], 20_000);
      for (const raw of e.setupTxs.slice(0, -1)) await client.call("eth_sendRawTransaction", [raw]);
      const r = await runLoad(e.load, { connections: 3, ratePerConnection: null, pollMs: 5, timeoutMs: 20_000, urls: [url] });
      expect([r.problems, r.confirmed]).toEqual([[], 9]);
      expect(await verifyNonces(client, e.load)).toBeNull();
      expect(await verifyTokenBalances(client, e)).toMatch(/^ERC-20 sender 2 .* holds 0 tokens, expected \d+ \(a transfer reverted or is missing\)$/);
    });
  });
});
