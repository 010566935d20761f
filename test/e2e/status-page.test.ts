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
  commit: { round: number; signers: string[]; carried: boolean } | null;
}

/** The page's figures, read inside the page in one synchronous go (nothing redraws meanwhile). */
interface PageSnapshot {
  head: number;
  headHash: string;
  finalized: number;
  validatorCount: number;
  firstStakeText: string;
  charted: number[];
  rounds: number[];
  rows: Array<{ address: string; stakeWei: string; signed: number }>;
}
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
/** The few DOM names snapshot() uses (the test is compiled without the DOM library). */
declare const document: { getElementById(id: string): PageElement };

/** Runs in the page (playwright serialises it). */
function snapshot(): PageSnapshot {
  const data = (id: string, key = "value") => document.getElementById(id).dataset[key] ?? "";
  const list = (v: string) => (v === "" ? [] : v.split(",").map(Number));
  return {
    head: Number(data("head-number")),
    headHash: document.getElementById("head-hash").textContent ?? "",
    finalized: Number(data("finalized-number")),
    validatorCount: Number(data("validator-count")),
    firstStakeText: document.getElementById("validators").querySelector("tbody tr td.stake")?.textContent ?? "",
    charted: list(data("chart-rounds", "blocks")),
    rounds: list(data("chart-rounds", "rounds")),
    rows: [...document.getElementById("validators").querySelectorAll("tbody tr")].map((tr) => ({
      address: tr.dataset.address ?? "",
      stakeWei: tr.dataset.stakeWei ?? "",
      signed: Number(tr.dataset.signed),
    })),
  };
}

interface RpcPicture {
  finalized: number;
  headHash: string;
  validators: Validator[];
  records: BlockConsensus[];
}

/** What JSON-RPC answers for the same figures. */
async function rpcPicture(url: string, charted: number[]): Promise<RpcPicture> {
  const [finalized, latest, validators, records] = await Promise.all([
    rpcCall<{ number: string }>(url, "eth_getBlockByNumber", ["finalized", false]),
    rpcCall<{ hash: string }>(url, "eth_getBlockByNumber", ["latest", false]),
    rpcCall<Validator[]>(url, "verity_getValidators"),
    Promise.all(charted.map((n) => rpcCall<BlockConsensus>(url, "verity_getBlockConsensus", [`0x${n.toString(16)}`]))),
  ]);
  return { finalized: Number(BigInt(finalized.number)), headHash: latest.hash, validators, records };
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
      // (Polled from here: the page's Content-Security-Policy refuses the string predicates
      // waitForFunction evaluates in it.)
      await waitUntil("the page to draw three heads", async () => Number((await tab.getAttribute("body", "data-updates")) ?? 0) >= 3, 30_000, 100);
      const pageHead = async () => Number(await tab.getAttribute("#head-number", "data-value"));
      const first = await pageHead();
      await waitUntil("the page to draw a newer head", async () => (await pageHead()) > first, 15_000, 100);

      // The head moves: take the page's figures in one go (a snapshot) and JSON-RPC's around it, until
      // no block came in between (the same head before and after, and on the page).
      let seen: { page: PageSnapshot; rpc: RpcPicture } | null = null;
      for (let attempt = 0; attempt < 40 && seen === null; attempt++) {
        const before = Number(await blockNumber(url));
        const page = await tab.evaluate(snapshot);
        const rpc = await rpcPicture(url, page.charted);
        const after = Number(await blockNumber(url));
        if (before === after && page.head === after) seen = { page, rpc };
        else await new Promise((r) => setTimeout(r, 150));
      }
      expect(seen, "the page's head never equalled eth_blockNumber").not.toBeNull();
      const { page, rpc } = seen!;
      const head = page.head;

      // Finality: a committed block is final, so "finalized" is the head.
      expect(page.finalized).toBe(head);
      expect(rpc.finalized).toBe(head);
      expect(rpc.headHash.startsWith(page.headHash.slice(0, 10))).toBe(true);

      // Validators: the set and each stake, exactly as verity_getValidators gives them.
      expect(rpc.validators.length).toBe(3);
      expect(page.validatorCount).toBe(rpc.validators.length);
      expect(page.rows.map((r) => r.address)).toEqual(rpc.validators.map((v) => v.address));
      expect(page.rows.map((r) => BigInt(r.stakeWei))).toEqual(rpc.validators.map((v) => BigInt(v.stake)));
      expect(page.firstStakeText).toBe("1,000");

      // Rounds chart and participation: the blocks the page charts, as verity_getBlockConsensus gives them.
      expect(page.charted.length).toBeGreaterThanOrEqual(3);
      expect(page.charted.at(-1)).toBe(head);
      expect(page.rounds).toEqual(rpc.records.map((c) => (c.commit ? c.commit.round : c.round) + 1));
      for (const row of page.rows) {
        const signed = rpc.records.filter((c) => c.commit?.signers.some((s) => s.toLowerCase() === row.address.toLowerCase())).length;
        expect(row.signed, `precommits of ${row.address}`).toBe(signed);
      }
      // Every charted block has its certificate, of more than half of three equal stakes at least;
      // all but the head's are the ones the next block carries.
      for (const c of rpc.records) expect(c.commit?.signers.length ?? 0, `signers of block ${c.number}`).toBeGreaterThanOrEqual(2);
      expect(rpc.records.slice(0, -1).every((c) => c.commit?.carried)).toBe(true);
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
