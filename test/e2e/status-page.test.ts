// The status page (issue 14) in headless Chromium (Debian's chromium, driven by playwright-core)
// against a real multi-process localnet: the page a validator serves at /status follows the chain
// live over that node's WebSocket JSON-RPC, and what it shows (head, finality, validators and their
// stakes, their precommits over the charted blocks, the charted rounds, peers, pool counts) is what
// JSON-RPC answers at the same moment. A screenshot is written to test-output/status-page.png.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex } from "@ethereumjs/util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { Localnet, blockNumber, waitUntil } from "../helpers/localnet.js";
import { rpcCall } from "../helpers/process.js";
import { transfer1559 } from "../helpers/txs.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`status page test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** A fixed path: each run replaces the last picture, and the README can name it. */
export const SCREENSHOT = path.join(projectRoot, "test-output", "status-page.png");

interface Validator {
  address: string;
  stake: string;
}
interface BlockConsensus {
  number: string;
  round: number;
  commit: { round: number; signers: string[] } | null;
}

let net: Localnet;
let userDataDir: string;

beforeAll(async () => {
  if (!hasChromium) return;
  net = await Localnet.create({ validators: 3, blockTime: 1 });
  await net.startAll();
  userDataDir = mkdtempSync(path.join(tmpdir(), "verity-chromium-"));
}, 120_000);

afterAll(async () => {
  await net?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!hasChromium)("the status page in headless Chromium", () => {
  it("follows a localnet live and shows what JSON-RPC answers: head, finality, validators and stakes, participation, rounds, peers, pool", async () => {
    const url = net.url("validator-0");
    await waitUntil("height 3", async () => (await blockNumber(url)) >= 3n, 60_000);
    await waitUntil("validator-0 connected to the other three nodes", async () => BigInt(await rpcCall<string>(url, "net_peerCount")) === 3n, 30_000);

    // Something in the pool that stays there: a queued transaction (nonce gap) and a pending one
    // whose fee cap is below the base fee (executable, so pending, but no block can include it yet).
    const [gapped, cheap] = deriveDevAccounts(8).slice(6);
    const to = deriveDevAccounts(1)[0]!.address;
    const send = (tx: ReturnType<typeof transfer1559>) => rpcCall<string>(url, "eth_sendRawTransaction", [bytesToHex(tx.serialize())]);
    await send(transfer1559(gapped!.privateKey, { nonce: 5n, to }));
    await send(transfer1559(cheap!.privateKey, { nonce: 0n, to, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }));
    const pool = await rpcCall<{ pending: string; queued: string }>(url, "txpool_status");
    expect(BigInt(pool.queued)).toBe(1n);
    expect(BigInt(pool.pending)).toBe(1n);

    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1000 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const tab = await context.newPage();
      const pageErrors: string[] = [];
      tab.on("pageerror", (e) => pageErrors.push(e.message));
      await tab.goto(`${url}/status`);
      // Live: the page has drawn three heads, at least two of them pushed by newHeads.
      // (Polled from here: the page's Content-Security-Policy refuses scripts evaluated into it.)
      await waitUntil("the page to draw three heads", async () => Number((await tab.getAttribute("body", "data-updates")) ?? 0) >= 3, 30_000, 100);
      const pageHead = async () => Number(await tab.getAttribute("#head-number", "data-value"));
      const first = await pageHead();
      await waitUntil("the page to draw a newer head", async () => (await pageHead()) > first, 15_000, 100);

      // The head moves: catch a moment at which the page and JSON-RPC agree (read around it).
      let agreed = false;
      for (let attempt = 0; attempt < 40 && !agreed; attempt++) {
        const before = Number(await blockNumber(url));
        const shown = await pageHead();
        const after = Number(await blockNumber(url));
        agreed = before === after && shown === after;
        if (!agreed) await new Promise((r) => setTimeout(r, 150));
      }
      expect(agreed, "the page's head never equalled eth_blockNumber").toBe(true);
      const head = await pageHead();

      // Finality: a committed block is final, so "finalized" is the head the page drew.
      const finalized = await rpcCall<{ number: string }>(url, "eth_getBlockByNumber", ["finalized", false]);
      expect(Number(await tab.getAttribute("#finalized-number", "data-value"))).toBeGreaterThanOrEqual(head);
      expect(Number(BigInt(finalized.number))).toBeGreaterThanOrEqual(head);
      const hash = (await rpcCall<{ hash: string }>(url, "eth_getBlockByNumber", [`0x${head.toString(16)}`, false])).hash;
      expect(hash.startsWith((await tab.textContent("#head-hash"))!.slice(0, 10))).toBe(true);

      // Validators: the set and each stake, exactly as verity_getValidators gives them.
      const validators = await rpcCall<Validator[]>(url, "verity_getValidators");
      expect(validators.length).toBe(3);
      expect(Number(await tab.getAttribute("#validator-count", "data-value"))).toBe(validators.length);
      const trs = tab.locator("#validators tbody tr");
      const rows: Array<{ address: string; stakeWei: string; signed: number }> = [];
      for (let i = 0; i < (await trs.count()); i++) {
        const tr = trs.nth(i);
        rows.push({ address: (await tr.getAttribute("data-address"))!, stakeWei: (await tr.getAttribute("data-stake-wei"))!, signed: Number(await tr.getAttribute("data-signed")) });
      }
      expect(rows.map((r) => r.address)).toEqual(validators.map((v) => v.address));
      expect(rows.map((r) => BigInt(r.stakeWei))).toEqual(validators.map((v) => BigInt(v.stake)));
      expect(await tab.textContent("#validators tbody tr td.stake")).toBe("1,000");

      // Rounds chart and participation: the blocks the page charts, re-read through verity_getBlockConsensus.
      const charted = (await tab.getAttribute("#chart-rounds", "data-blocks"))!.split(",").map(Number);
      expect(charted.length).toBeGreaterThanOrEqual(3);
      expect(charted.at(-1)).toBe(head);
      const records = await Promise.all(charted.map((n) => rpcCall<BlockConsensus>(url, "verity_getBlockConsensus", [`0x${n.toString(16)}`])));
      const rounds = records.map((c) => (c.commit ? c.commit.round : c.round) + 1);
      expect((await tab.getAttribute("#chart-rounds", "data-rounds"))!.split(",").map(Number)).toEqual(rounds);
      for (const row of rows) {
        const signed = records.filter((c) => c.commit?.signers.some((s) => s.toLowerCase() === row.address.toLowerCase())).length;
        expect(row.signed, `precommits of ${row.address}`).toBe(signed);
      }
      // Every charted block has its certificate, of more than half of three equal stakes at least.
      for (const c of records) expect(c.commit?.signers.length ?? 0, `signers of block ${c.number}`).toBeGreaterThanOrEqual(2);
      expect(await tab.locator("#chart-rounds canvas").count()).toBe(1);
      expect(await tab.locator("#chart-timeouts canvas").count()).toBe(1);

      // Peers and pool, polled by the page every 2 s: equal to what JSON-RPC answers once the page has re-read them.
      const peers = Number(BigInt(await rpcCall<string>(url, "net_peerCount")));
      const status = await rpcCall<{ pending: string; queued: string }>(url, "txpool_status");
      const want = [String(peers), String(BigInt(status.pending)), String(BigInt(status.queued))];
      const shown = () => Promise.all(["#peers", "#pool-pending", "#pool-queued"].map((id) => tab.getAttribute(id, "data-value")));
      await waitUntil(`the page to show peers, pending, queued = ${want.join(", ")}`, async () => (await shown()).join() === want.join(), 10_000, 100);
      expect(await tab.textContent("#sync")).toBe("synced");
      expect(await tab.getAttribute("#connection", "data-state")).toBe("live");
      expect(await tab.textContent("#chain-id")).toBe(String(BigInt(await rpcCall<string>(url, "eth_chainId"))));
      expect(await tab.textContent("#error")).toBe("");
      expect(pageErrors).toEqual([]);

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await tab.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(readFileSync(SCREENSHOT).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      console.info(`status page screenshot: ${SCREENSHOT}`);
    } finally {
      await context.close();
    }
  });
});
