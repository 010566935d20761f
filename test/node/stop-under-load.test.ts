// Stopping a node while JSON-RPC requests are in flight: a real node (LevelDB in a temp dir, blocks
// every 100 ms), 24 clients sending reads and batches back to back over keep-alive connections, then
// stop(). The stop must not let handlers run on against the closed database (each such handler logged
// "Database is not open"), must end within a bound, and every answer a client got must be a JSON-RPC
// result or a JSON-RPC error (a request arriving during the stop is told so), never a half answer.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { VerityNode } from "../../src/node/node.js";
import { createLogger } from "../../src/util/logger.js";
import { defineMethod } from "../../src/rpc/methods/types.js";
import { startFixtureServer } from "../helpers/rpc-client.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CLIENTS = 24;
/** Generous for a shared two-core machine: the point is that the stop ends, not how fast. */
const STOP_BOUND_MS = 15_000;

/** What a client saw for one request. */
type Outcome = "result" | "rpc-error" | "refused" | "bad";

async function post(url: string, body: unknown): Promise<Outcome> {
  let text: string;
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    text = await res.text();
  } catch {
    return "refused"; // connection refused or closed by the stopping server before an answer
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    const items = Array.isArray(parsed) ? parsed : [parsed];
    if (items.every((i) => typeof i === "object" && i !== null && "result" in i)) return "result";
    if (items.every((i) => typeof i === "object" && i !== null && ("result" in i || "error" in i))) return "rpc-error";
    return "bad";
  } catch {
    return "bad";
  }
}

describe("node stop under JSON-RPC load", () => {
  it("finishes or refuses in-flight requests before closing the database, and ends within a bound", async () => {
    const datadir = mkdtempSync(join(tmpdir(), "verity-stop-"));
    dirs.push(datadir);
    const lines: string[] = [];
    const genesis = devGenesis();
    const node = await VerityNode.start({
      datadir,
      genesis,
      http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
      blockTimeMs: 100,
      devAccounts: deriveDevAccounts().map((a) => a.address),
      validators: genesis.validators.map((_, i) => devValidatorKeys(i)),
      logger: createLogger({ level: "warn", format: "json", write: (l) => lines.push(l) }),
    });
    const url = node.rpcUrl;
    const account = deriveDevAccounts()[0]!.address;
    const address = "0x" + Buffer.from(account).toString("hex");
    const requests = [
      { jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", true] },
      { jsonrpc: "2.0", id: 2, method: "eth_getBalance", params: [address, "latest"] },
      [
        { jsonrpc: "2.0", id: 3, method: "eth_getTransactionCount", params: [address, "latest"] },
        { jsonrpc: "2.0", id: 4, method: "eth_getBlockByNumber", params: ["0x0", false] },
        { jsonrpc: "2.0", id: 5, method: "eth_getCode", params: [address, "latest"] },
        { jsonrpc: "2.0", id: 6, method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "latest" }] },
      ],
      { jsonrpc: "2.0", id: 7, method: "eth_call", params: [{ to: address, data: "0x" }, "latest"] },
    ];
    const outcomes: Record<Outcome, number> = { result: 0, "rpc-error": 0, refused: 0, bad: 0 };
    let stopping = false;
    let answeredBeforeStop = 0;
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      // Bounded: each client stops at the first refusal after the stop began, or after 5,000 requests.
      for (let i = 0; i < 5_000; i++) {
        const outcome = await post(url, requests[(c + i) % requests.length]);
        outcomes[outcome]++;
        if (!stopping && outcome === "result") answeredBeforeStop++;
        if (stopping && outcome === "refused") return;
      }
    });
    // Let the load build up and blocks come.
    const until = Date.now() + 30_000;
    while (answeredBeforeStop < 300 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(answeredBeforeStop).toBeGreaterThanOrEqual(300);

    stopping = true;
    const started = performance.now();
    await node.stop();
    const stopMs = performance.now() - started;
    await Promise.all(clients);

    const notOpen = lines.filter((l) => /not open/i.test(l));
    expect(notOpen, notOpen.slice(0, 3).join("\n")).toEqual([]);
    const errors = lines.filter((l) => JSON.parse(l).level === "error");
    expect(errors, errors.slice(0, 3).join("\n")).toEqual([]);
    expect(outcomes.bad).toBe(0);
    expect(stopMs).toBeLessThan(STOP_BOUND_MS);
  });
});

describe("JSON-RPC server close", () => {
  it("answers a request still running at the drain bound with 'node is shutting down', and refuses new ones", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const rpc = await startFixtureServer({
      drainMs: 300,
      extraMethods: [{ test_hang: defineMethod([], async () => (await held, "late")) }],
    });
    const hanging = rpc.call("test_hang");
    await new Promise((r) => setTimeout(r, 50)); // the request is running
    const closing = rpc.server.close();
    const refused = await rpc.call("eth_chainId");
    expect(refused.error).toEqual({ code: -32000, message: "node is shutting down" });
    expect((await hanging).error).toEqual({ code: -32000, message: "node is shutting down" });
    await closing;
    release();
  });

  it("lets a running request finish within the bound and answers it", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const rpc = await startFixtureServer({ extraMethods: [{ test_slow: defineMethod([], async () => (await held, "done")) }] });
    const slow = rpc.call("test_slow");
    await new Promise((r) => setTimeout(r, 50));
    const closing = rpc.server.close();
    setTimeout(release, 100);
    expect((await slow).result).toBe("done");
    await closing;
  });
});
