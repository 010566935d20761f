// A fixture server on 127.0.0.1:0 and a plain fetch-based JSON-RPC client for protocol tests.
import { startRpcServer, type RpcServer, type RpcServerOptions } from "../../src/rpc/server.js";
import { silentLogger } from "../../src/util/logger.js";
import { FixtureBackend } from "./fixture-backend.js";

export interface FixtureServer {
  server: RpcServer;
  backend: FixtureBackend;
  /** POSTs `body` (an object is JSON-encoded) and returns status, headers and the parsed body. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; json: unknown; text: string }>;
  /** One request; returns the response object. */
  call(method: string, params?: unknown[]): Promise<RpcReply>;
}

export interface RpcReply {
  jsonrpc: "2.0";
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: string };
}

export async function startFixtureServer(options: Partial<RpcServerOptions> = {}): Promise<FixtureServer> {
  const backend = new FixtureBackend();
  const server = await startRpcServer({ backend, host: "127.0.0.1", port: 0, corsDomains: [], logger: silentLogger, ...options });
  let nextId = 1;
  const post: FixtureServer["post"] = async (body, headers = {}) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON (plain-text answers such as 403/404): callers look at `text`
    }
    return { status: response.status, headers: response.headers, json, text };
  };
  const call: FixtureServer["call"] = async (method, params = []) => {
    const { json } = await post({ jsonrpc: "2.0", id: nextId++, method, params });
    return json as RpcReply;
  };
  return { server, backend, post, call };
}
