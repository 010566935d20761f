// The JSON-RPC POST path, served straight from node:http ahead of fastify.
//
// Why: a JSON-RPC POST is the request a node answers thousands of times a second under load, and
// fastify's generic machinery around it (request and reply objects, hooks, the content-type parser,
// route lookup, a headers write and a body write per reply) cost more CPU than the dispatch of a
// cheap method itself. Everything else (GET / and its WebSocket upgrade, OPTIONS preflights, probes,
// the status page, 404s) still goes through fastify. This path keeps fastify's POST behaviour: the
// same Host check and CORS header, a body over the limit answered with HTTP 413 carrying a JSON-RPC
// error, any body text handed to the dispatcher whatever its content type, and the reply written in
// one go with its length.
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleBody, type DispatchOptions } from "./dispatch.js";
import { ErrorCode } from "./errors.js";
import { allowedOrigin, hostAllowed } from "./http-guards.js";
import type { RpcLogger } from "./logger.js";

export interface FastPathOptions {
  readonly dispatch: DispatchOptions;
  readonly corsDomains: readonly string[];
  readonly vhosts: readonly string[] | undefined;
  readonly maxBodyBytes: number;
  readonly logger: RpcLogger;
}

/** Whether this request takes the fast path: a POST to "/", with or without a query (an upgrade never
 * is one). Every JSON-RPC POST does: fastify declares no POST route. */
export function takesFastPath(req: IncomingMessage): boolean {
  const url = req.url;
  return req.method === "POST" && (url === "/" || url?.startsWith("/?") === true) && req.headers.upgrade === undefined;
}

/** A JSON-RPC error answer that belongs to no request (id null). */
export function jsonRpcError(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } });
}

/** Serves one POST / (takesFastPath was true). Never throws. */
export function serveRpcPost(req: IncomingMessage, res: ServerResponse, o: FastPathOptions): void {
  const headers: Record<string, string | number> = {};
  if (!hostAllowed(o.vhosts, req.headers.host)) {
    req.resume();
    send(res, 403, { ...headers, "content-type": "text/plain; charset=utf-8", connection: "close" }, "invalid host specified\n");
    return;
  }
  const origin = allowedOrigin(o.corsDomains, req.headers.origin);
  if (origin !== null) {
    headers["access-control-allow-origin"] = origin;
    if (origin !== "*") headers["vary"] = "Origin";
  }
  const tooLarge = () => {
    // The rest of the body is not read: the connection cannot carry another request after this one.
    send(res, 413, { ...headers, "content-type": "application/json; charset=utf-8", connection: "close" }, jsonRpcError(ErrorCode.invalidRequest, `request body too large: at most ${o.maxBodyBytes} bytes`));
  };
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > o.maxBodyBytes) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let length = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    if (refused) return;
    length += chunk.length;
    if (length > o.maxBodyBytes) {
      refused = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on("error", () => {
    // The client went away mid-body: nothing to answer.
    refused = true;
  });
  req.on("end", () => {
    if (refused) return;
    const body = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, length).toString("utf8");
    handleBody(body, o.dispatch).then(
      (response) => {
        if (response === null) send(res, 200, { ...headers, "content-type": "text/plain; charset=utf-8" }, "");
        else send(res, 200, { ...headers, "content-type": "application/json; charset=utf-8" }, JSON.stringify(response));
      },
      (error: unknown) => {
        // handleBody turns every failure into a JSON-RPC error: reaching here is a bug of ours.
        o.logger.error("HTTP JSON-RPC handler failed", { url: req.url ?? "/", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        send(res, 500, { ...headers, "content-type": "application/json; charset=utf-8" }, jsonRpcError(ErrorCode.internal, "internal error"));
      },
    );
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body: string): void {
  if (res.headersSent || res.destroyed) return;
  headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
}
