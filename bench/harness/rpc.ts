// A small JSON-RPC 2.0 client over node:http with a keep-alive agent whose socket count is the
// load generator's "connections": c workers with one request in flight each hold c TCP connections,
// as CometBFT's QA load tool does. Every request has a timeout, so no wait is unbounded.
import { Agent, request } from "node:http";

export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number | undefined,
    message: string,
  ) {
    super(`${method}: ${message}`);
  }
}

interface JsonRpcResponse {
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message?: string };
}

export interface RpcCall {
  readonly method: string;
  readonly params: readonly unknown[];
}

export class RpcClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private nextId = 1;

  constructor(
    readonly url: string,
    connections = 8,
    private readonly timeoutMs = 60_000,
  ) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port || 80);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  private post(body: string): Promise<string> {
    return new Promise((resolveBody, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method: "POST",
          path: "/",
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`request to ${this.url} timed out after ${this.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  async call<T = unknown>(method: string, params: readonly unknown[] = []): Promise<T> {
    const id = this.nextId++;
    const text = await this.post(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    const body = parseResponse(text, method) as JsonRpcResponse;
    if (body.error) throw new RpcError(method, body.error.code, body.error.message ?? "error");
    return body.result as T;
  }

  /** One HTTP request carrying many calls; results in call order. Any error rejects the batch. */
  async batch<T = unknown>(calls: readonly RpcCall[]): Promise<T[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const payload = calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params }));
    const parsed = parseResponse(await this.post(JSON.stringify(payload)), calls[0]!.method);
    if (!Array.isArray(parsed)) throw new RpcError(calls[0]!.method, undefined, `batch answered with a non-array: ${JSON.stringify(parsed).slice(0, 200)}`);
    const byId = new Map((parsed as JsonRpcResponse[]).map((r) => [r.id, r]));
    return calls.map((c, i) => {
      const r = byId.get(first + i);
      if (r === undefined) throw new RpcError(c.method, undefined, "missing from the batch response");
      if (r.error) throw new RpcError(c.method, r.error.code, r.error.message ?? "error");
      return r.result as T;
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function parseResponse(text: string, method: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RpcError(method, undefined, `not JSON: ${text.slice(0, 200)}`);
  }
}

export const toQuantity = (n: bigint | number): string => `0x${n.toString(16)}`;
