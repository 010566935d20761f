// The status page's serving (rpc/status-page.ts) and its one new figure (verity_getBlockConsensus),
// against real listeners: the page and uPlot come from the JSON-RPC port only when asked for; the
// node's own page may open a WebSocket whatever --http.corsdomain says, a foreign page may not; a
// committed block's consensus record names its certificate's signers and this node's timeouts. The
// page itself in Chromium: test/e2e/status-page.test.ts.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "@ethereumjs/util";
import { isLoopback, parseCli, type StartArgs } from "../../src/cli/args.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { HeightTimeouts } from "../../src/node/consensus/height-timeouts.js";
import { certificateSigners } from "../helpers/localnet.js";
import { startFixtureServer, type FixtureServer } from "../helpers/rpc-client.js";
import { startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";
import { transfer1559 } from "../helpers/txs.js";

function upgrade(url: string, origin: string): Promise<"open" | "refused"> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url.replace("http://", "ws://"), { headers: { origin } } as unknown as string[]);
    socket.onopen = () => {
      socket.close();
      resolve("open");
    };
    socket.onerror = () => resolve("refused");
  });
}

describe("serving the status page", () => {
  let withPage: FixtureServer;
  let without: FixtureServer;
  beforeAll(async () => {
    withPage = await startFixtureServer({ statusPage: true, corsDomains: ["https://app.example"] });
    without = await startFixtureServer({ corsDomains: ["https://app.example"] });
  });
  afterAll(async () => {
    await withPage.server.close();
    await without.server.close();
  });

  it("serves the page, its module, its stylesheet and uPlot from node_modules, and nothing without the option", async () => {
    const page = await fetch(`${withPage.server.url}/status`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await page.text();
    for (const asset of ["/status/status.js", "/status/status.css", "/status/uplot.css"]) expect(html).toContain(asset);
    const uplot = await fetch(`${withPage.server.url}/status/uplot.js`);
    expect(uplot.headers.get("content-type")).toMatch(/^text\/javascript/);
    const shipped = readFileSync(createRequire(import.meta.url).resolve("uplot/dist/uPlot.esm.js"), "utf8");
    expect(await uplot.text()).toBe(shipped);
    expect((await fetch(`${withPage.server.url}/status/status.js`)).status).toBe(200);
    expect((await fetch(`${withPage.server.url}/status/status.css`)).status).toBe(200);
    expect((await fetch(`${without.server.url}/status`)).status).toBe(404);
    expect((await fetch(`${without.server.url}/status/uplot.js`)).status).toBe(404);
  });

  it("lets the node's own page open a WebSocket past --http.corsdomain, and no other page", async () => {
    const own = new URL(withPage.server.url).origin;
    expect(await upgrade(withPage.server.url, own)).toBe("open");
    expect(await upgrade(withPage.server.url, "http://evil.example")).toBe("refused");
    // Without the page, the same-origin exception does not exist.
    expect(await upgrade(without.server.url, new URL(without.server.url).origin)).toBe("refused");
  });

  it("is on by default only on loopback: --status turns it on elsewhere", () => {
    const start = (argv: string[]) => parseCli(["start", ...argv]) as StartArgs;
    expect(start([]).statusPage).toBe(true);
    expect(start(["--http.addr", "::1"]).statusPage).toBe(true);
    expect(start(["--http.addr", "0.0.0.0"]).statusPage).toBe(false);
    expect(start(["--http.addr", "10.0.0.5"]).statusPage).toBe(false);
    expect(start(["--http.addr", "0.0.0.0", "--status"]).statusPage).toBe(true);
    expect([isLoopback("127.0.0.1"), isLoopback("127.8.9.10"), isLoopback("localhost"), isLoopback("128.0.0.1"), isLoopback("::")]).toEqual([true, true, true, false, false]);
  });
});

describe("verity_getBlockConsensus", () => {
  let n: RpcTestNode;
  beforeAll(async () => {
    n = await startRpcTestNode();
  }, 60_000);
  afterAll(async () => {
    await n?.stop();
  });

  it("gives a committed block's round, proposer, certificate signers and this node's timeouts", async () => {
    // Automine: one transaction, one block.
    const [from, to] = deriveDevAccounts(2);
    const raw = bytesToHex(transfer1559(from!.privateKey, { nonce: 0n, to: to!.address }).serialize());
    const call = async <T>(method: string, params: unknown[] = []) => {
      const r = await fetch(n.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      const body = (await r.json()) as { result?: T; error?: { code: number; message: string } };
      if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code });
      return body.result as T;
    };
    type Consensus = { number: string; hash: string; round: number; proposer: string; commit: { round: number; signers: string[]; carried: boolean }; timeouts: Record<string, number> };
    const mineOne = async (nonce: bigint) => {
      const before = await call<string>("eth_blockNumber");
      await call("eth_sendRawTransaction", [bytesToHex(transfer1559(from!.privateKey, { nonce, to: to!.address }).serialize())]);
      for (let i = 0; i < 100 && (await call<string>("eth_blockNumber")) === before; i++) await new Promise((r) => setTimeout(r, 100));
    };
    await call("eth_sendRawTransaction", [raw]);
    for (let i = 0; i < 100 && (await call<string>("eth_blockNumber")) === "0x0"; i++) await new Promise((r) => setTimeout(r, 100));
    // Block 1 is the head: its certificate is the one this node stored (its first quorum).
    const asHead = await call<Consensus>("verity_getBlockConsensus", ["0x1"]);
    expect(asHead.commit.carried).toBe(false);
    // Once block 2 exists, block 1's certificate is the one block 2 carries.
    await mineOne(1n);
    const c = await call<Consensus>("verity_getBlockConsensus", ["0x1"]);
    expect(c.commit.carried).toBe(true);
    expect(c.commit.signers.map((s) => s.toLowerCase())).toEqual(await certificateSigners(n.url, 31337n, 1n));
    const block = await call<{ hash: string; miner: string }>("eth_getBlockByNumber", ["0x1", false]);
    expect(c.number).toBe("0x1");
    expect(c.hash).toBe(block.hash);
    expect(c.proposer.toLowerCase()).toBe(block.miner.toLowerCase());
    expect(c.round).toBe(0);
    expect(c.commit.round).toBe(0);
    // The dev chain's four validators of equal stake: a certificate holds more than 2/3, three or four.
    const validators = [0, 1, 2, 3].map((i) => bytesToHex(devValidatorKeys(i).address).toLowerCase());
    expect(c.commit.signers.length).toBeGreaterThanOrEqual(3);
    for (const s of c.commit.signers) expect(validators).toContain(s.toLowerCase());
    expect([...c.commit.signers].map((s) => s.toLowerCase())).toEqual([...c.commit.signers].map((s) => s.toLowerCase()).sort());
    // This node agreed on block 1 itself, in its first round: no timeout that cost anything.
    expect(c.timeouts.prevote).toBe(0);
    expect(c.timeouts.precommit).toBe(0);
    // Genesis has no certificate and was not agreed here; a future block is not found.
    const genesis = await call<{ commit: unknown; timeouts: unknown }>("verity_getBlockConsensus", ["0x0"]);
    expect(genesis.commit).toBeNull();
    expect(genesis.timeouts).toBeNull();
    await expect(call("verity_getBlockConsensus", ["0x99"])).rejects.toThrow("header not found");
  });
});

describe("HeightTimeouts", () => {
  it("counts each round and step once however many engines fire it, forgets old heights, and knows no height it did not start", () => {
    const t = new HeightTimeouts(2);
    expect(t.of(5)).toBeNull();
    t.began(5);
    t.timedOut(5, 0, "prevote");
    t.timedOut(5, 0, "prevote"); // a second local engine
    t.timedOut(5, 0, "precommit");
    t.timedOut(5, 1, "prevote");
    t.timedOut(9, 0, "prevote"); // not started here: ignored
    expect(t.of(5)).toEqual({ propose: 0, prevote: 2, precommit: 1 });
    expect(t.of(9)).toBeNull();
    t.began(6);
    t.began(7);
    expect(t.of(5)).toBeNull();
    expect(t.of(6)).toEqual({ propose: 0, prevote: 0, precommit: 0 });
  });
});
