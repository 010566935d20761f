// The HTTP JSON-RPC protocol over real sockets: batches, notifications, parse errors, limits, unknown
// methods, bad params, CORS, virtual hosts, and garbage that must never bring the server down.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RpcLogger } from "../../src/rpc/logger.js";
import type { LogFields } from "../../src/util/logger.js";
import { BROKEN } from "../helpers/fixture-backend.js";
import { startFixtureServer, type FixtureServer, type RpcReply } from "../helpers/rpc-client.js";
import { data } from "../../src/rpc/hex.js";

/** A logger that keeps what it is told, to check that failures are logged with their method. */
class CapturingLogger implements RpcLogger {
  readonly lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
  debug(message: string, fields?: LogFields) {
    this.lines.push({ level: "debug", message, fields });
  }
  info(message: string, fields?: LogFields) {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields?: LogFields) {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields?: LogFields) {
    this.lines.push({ level: "error", message, fields });
  }
}

/** A raw HTTP request with headers fetch will not let us set (Host). */
function rawRequest(url: string, method: string, headers: Record<string, string>, body = ""): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const logger = new CapturingLogger();
let rpc: FixtureServer;

beforeAll(async () => {
  rpc = await startFixtureServer({ logger, maxBatchSize: 5, maxBodyBytes: 4096 });
});
afterAll(async () => {
  await rpc.server.close();
});

describe("single requests", () => {
  it("answers with the request's id, string or number", async () => {
    const { status, headers, json } = await rpc.post({ jsonrpc: "2.0", id: "abc", method: "eth_chainId", params: [] });
    expect(status).toBe(200);
    expect(headers.get("content-type")).toMatch(/application\/json/);
    expect(json).toEqual({ jsonrpc: "2.0", id: "abc", result: "0x539" });
    expect((await rpc.post({ jsonrpc: "2.0", id: 7, method: "eth_chainId" })).json).toEqual({ jsonrpc: "2.0", id: 7, result: "0x539" });
    expect((await rpc.post({ jsonrpc: "2.0", id: null, method: "eth_chainId" })).json).toEqual({ jsonrpc: "2.0", id: null, result: "0x539" });
  });

  it("reads the body whatever the content type says", async () => {
    const body = { jsonrpc: "2.0", id: 1, method: "net_version" };
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-8"]) {
      expect((await rpc.post(body, { "content-type": type })).json).toEqual({ jsonrpc: "2.0", id: 1, result: "1337" });
    }
  });

  it("answers a notification with nothing", async () => {
    const { status, text } = await rpc.post({ jsonrpc: "2.0", method: "eth_chainId" });
    expect(status).toBe(200);
    expect(text).toBe("");
  });

  it("gives -32700 with id null for bodies that are not JSON", async () => {
    for (const body of ["{bad", "", '[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}', "\u0000"]) {
      const { status, json } = await rpc.post(body);
      expect(status).toBe(200);
      expect(json).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
    }
  });

  it("gives -32600 for invalid request objects", async () => {
    const cases: Array<[unknown, RpcReply["id"], string]> = [
      [{ jsonrpc: "1.0", id: 1, method: "eth_chainId" }, 1, 'invalid request: jsonrpc must be "2.0"'],
      [{ id: 2, method: "eth_chainId" }, 2, 'invalid request: jsonrpc must be "2.0"'],
      [{ jsonrpc: "2.0", id: 3 }, 3, "invalid request: method must be a non-empty string"],
      [{ jsonrpc: "2.0", id: 4, method: 12 }, 4, "invalid request: method must be a non-empty string"],
      [{ jsonrpc: "2.0", id: { a: 1 }, method: "eth_chainId" }, null, "invalid request: id must be a string, number or null"],
      [42, null, "invalid request: expected an object"],
    ];
    for (const [body, id, message] of cases) {
      expect((await rpc.post(body)).json).toEqual({ jsonrpc: "2.0", id, error: { code: -32600, message } });
    }
  });

  it("gives -32601 in geth's words for unknown methods, including prototype names", async () => {
    for (const method of ["eth_foo", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const reply = await rpc.call(method);
      expect(reply.error).toEqual({ code: -32601, message: `the method ${method} does not exist/is not available` });
    }
  });

  it("gives -32602 naming the argument for bad params", async () => {
    expect((await rpc.call("eth_getBalance", ["0x1234", "latest"])).error).toEqual({
      code: -32602,
      message: "invalid argument 0: hex string has length 4, want 40 for address",
    });
    expect((await rpc.call("eth_getBlockByNumber", ["latest"])).error).toEqual({ code: -32602, message: "missing value for required argument 1" });
    expect((await rpc.call("eth_blockNumber", [1])).error).toEqual({ code: -32602, message: "too many arguments, want at most 0" });
    const named = await rpc.post({ jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: { address: "0x" } });
    expect((named.json as RpcReply).error).toEqual({ code: -32602, message: "non-array args" });
  });

  it("hides internal failures behind -32603 and logs them with the method name", async () => {
    const reply = await rpc.call("eth_getCode", [data(BROKEN), "latest"]);
    expect(reply.error).toEqual({ code: -32603, message: "internal error" });
    expect(JSON.stringify(reply)).not.toMatch(/secret|LevelDB|at /);
    const logged = logger.lines.find((line) => line.level === "error" && line.fields?.method === "eth_getCode");
    expect(String(logged?.fields?.error)).toMatch(/LevelDB read failed/);
  });
});

describe("batches", () => {
  it("answers each element in order, per-element errors included, notifications skipped", async () => {
    const { json } = await rpc.post([
      { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
      { jsonrpc: "2.0", method: "eth_chainId" },
      { jsonrpc: "2.0", id: 2, method: "eth_nope" },
      7,
      { jsonrpc: "2.0", id: 3, method: "eth_getBalance", params: ["0x00"] },
    ]);
    expect(json).toEqual([
      { jsonrpc: "2.0", id: 1, result: "0x539" },
      { jsonrpc: "2.0", id: 2, error: { code: -32601, message: "the method eth_nope does not exist/is not available" } },
      { jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request: expected an object" } },
      { jsonrpc: "2.0", id: 3, error: { code: -32602, message: "invalid argument 0: hex string has length 2, want 40 for address" } },
    ]);
  });

  it("sends nothing for a batch of notifications", async () => {
    const { status, text } = await rpc.post([{ jsonrpc: "2.0", method: "eth_chainId" }, { jsonrpc: "2.0", method: "net_version" }]);
    expect(status).toBe(200);
    expect(text).toBe("");
  });

  it("rejects an empty batch and a batch over the limit with one error", async () => {
    expect((await rpc.post([])).json).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "empty batch" } });
    const six = Array.from({ length: 6 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" }));
    expect((await rpc.post(six)).json).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "batch too large: 6 requests, at most 5 allowed" },
    });
  });
});

describe("limits and robustness", () => {
  it("answers an oversized body with HTTP 413 and a JSON-RPC error", async () => {
    const big = { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ data: "0x" + "00".repeat(4096) }] };
    const { status, json } = await rpc.post(big);
    expect(status).toBe(413);
    expect(json).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "request body too large: at most 4096 bytes" } });
    expect((await rpc.call("eth_chainId")).result).toBe("0x539");
  });

  it("answers an oversized chunked body (no Content-Length) with 413 too, and closes that connection", async () => {
    const answer = await new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest(rpc.server.url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
      });
      req.on("error", reject);
      // Three chunks of 2,000 bytes: the limit (4,096) is crossed by the third.
      for (let i = 0; i < 3; i++) req.write("x".repeat(2000));
      req.end();
    });
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe("close");
    expect(JSON.parse(answer.body)).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "request body too large: at most 4096 bytes" } });
    expect((await rpc.call("eth_chainId")).result).toBe("0x539");
  });

  it("answers a POST to / with a query string, and 404s a POST elsewhere whatever its type", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 3, method: "eth_chainId", params: [] });
    const withQuery = await rawRequest(`${rpc.server.url}/?client=test`, "POST", { "content-type": "application/json" }, body);
    expect(withQuery.status).toBe(200);
    expect(JSON.parse(withQuery.body)).toEqual({ jsonrpc: "2.0", id: 3, result: "0x539" });
    const elsewhere = await rawRequest(`${rpc.server.url}/rpc`, "POST", { "content-type": "application/x-unknown" }, body);
    expect(elsewhere.status).toBe(404);
  });

  it("survives garbage and keeps serving", async () => {
    const garbage = [
      "null", "true", '"str"', "[null]", "[[]]", "[[[[[[]]]]]]", "1e999", '{"__proto__":{"x":1}}',
      '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":"x"}',
      '{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"topics":[[[]]]}]}',
      '{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":{}}]}',
      '{"jsonrpc":"2.0","id":1,"method":"eth_feeHistory","params":[1e400,"latest",[]]}',
      '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":[{"blockNumber":"0x1"},false]}',
      "[" + "[".repeat(1000) + "]".repeat(1000) + "]",
    ];
    for (const body of garbage) {
      const { status, json } = await rpc.post(body);
      expect(status, body).toBe(200);
      const replies = Array.isArray(json) ? json : [json];
      for (const reply of replies as RpcReply[]) {
        expect(reply.jsonrpc).toBe("2.0");
        expect(reply.error?.code, body).toBeLessThan(0);
      }
    }
    expect((await rpc.call("eth_blockNumber")).result).toBe("0x1");
  });

  it("rejects startup on a port in use, leaving the running server alone", async () => {
    const port = Number(new URL(rpc.server.url).port);
    await expect(startFixtureServer({ port })).rejects.toThrow(/EADDRINUSE/);
    expect((await rpc.call("eth_chainId")).result).toBe("0x539");
  });

  it("serves a status page on GET / and 404 elsewhere", async () => {
    const status = await fetch(rpc.server.url);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ name: "verity", clientVersion: "verity/fixture", chainId: "0x539", blockNumber: "0x1" });
    expect((await fetch(rpc.server.url + "/nope")).status).toBe(404);
  });
});

describe("CORS and virtual hosts", () => {
  it("sends no CORS headers when no domain is configured", async () => {
    const { headers } = await rpc.post({ jsonrpc: "2.0", id: 1, method: "eth_chainId" }, { origin: "http://dapp.test" });
    expect(headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows listed origins, answers preflights, and ignores others", async () => {
    const listed = await startFixtureServer({ corsDomains: ["http://dapp.test"] });
    try {
      const allowed = await listed.post({ jsonrpc: "2.0", id: 1, method: "eth_chainId" }, { origin: "http://dapp.test" });
      expect(allowed.headers.get("access-control-allow-origin")).toBe("http://dapp.test");
      expect(allowed.headers.get("vary")).toMatch(/Origin/);
      const other = await listed.post({ jsonrpc: "2.0", id: 1, method: "eth_chainId" }, { origin: "http://evil.test" });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      const preflight = await fetch(listed.server.url, {
        method: "OPTIONS",
        headers: { origin: "http://dapp.test", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe("http://dapp.test");
      expect(preflight.headers.get("access-control-allow-methods")).toBe("POST, GET, OPTIONS");
      expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
      const refused = await fetch(listed.server.url, { method: "OPTIONS", headers: { origin: "http://evil.test" } });
      expect(refused.status).toBe(204);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
      // CORS headers also ride on error answers (a 413 the page must be able to read)
      const tooBig = await listed.post("x".repeat(6 * 1024 * 1024), { origin: "http://dapp.test" });
      expect(tooBig.status).toBe(413);
      expect(tooBig.headers.get("access-control-allow-origin")).toBe("http://dapp.test");
    } finally {
      await listed.server.close();
    }
  });

  it('allows every origin with "*"', async () => {
    const open = await startFixtureServer({ corsDomains: ["*"] });
    try {
      const { headers } = await open.post({ jsonrpc: "2.0", id: 1, method: "eth_chainId" }, { origin: "http://anything.test" });
      expect(headers.get("access-control-allow-origin")).toBe("*");
    } finally {
      await open.server.close();
    }
  });

  it("refuses Host names outside --http.vhosts but always accepts IP literals", async () => {
    const guarded = await startFixtureServer({ vhosts: ["localhost"] });
    try {
      const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });
      const headers = { "content-type": "application/json" };
      const evil = await rawRequest(guarded.server.url, "POST", { ...headers, host: "evil.test:8545" }, body);
      expect(evil).toEqual({ status: 403, body: "invalid host specified\n" });
      const local = await rawRequest(guarded.server.url, "POST", { ...headers, host: "LOCALHOST:8545" }, body);
      expect(local.status).toBe(200);
      expect(JSON.parse(local.body)).toEqual({ jsonrpc: "2.0", id: 1, result: "0x539" });
      expect((await rawRequest(guarded.server.url, "POST", { ...headers, host: "127.0.0.1:1" }, body)).status).toBe(200);
      expect((await rawRequest(guarded.server.url, "POST", { ...headers, host: "[::1]:1" }, body)).status).toBe(200);
    } finally {
      await guarded.server.close();
    }
  });
});
