// One listener of the JSON-RPC server (fastify 5): POST / takes JSON-RPC 2.0 requests and batches,
// answered ahead of fastify by http-fast-path.ts (a malformed body is a JSON-RPC parse error, an
// oversized one an HTTP 413 that still carries a JSON-RPC error object). Through fastify: GET / gives
// a short status or, with an Upgrade header, opens a WebSocket (as anvil serves both on one port),
// OPTIONS answers CORS preflights, GET /health and GET /ready answer probes when the node passes its
// health source (metrics/health.ts).
import { createServer } from "node:http";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { RpcBackend } from "./backend/port.js";
import type { DispatchOptions } from "./dispatch.js";
import { jsonRpcError, serveRpcPost, takesFastPath, type FastPathOptions } from "./http-fast-path.js";
import { ErrorCode } from "./errors.js";
import { quantity } from "./hex.js";
import { allowedOrigin, hostAllowed, preflightHeaders, sameOrigin } from "./http-guards.js";
import type { RpcLogger } from "./logger.js";
import { serveStatusPage } from "./status-page.js";
import { serveWebSocket, type WebSocketOptions } from "./ws.js";
import { probeResponse, type HealthSource } from "../metrics/index.js";

export interface AppOptions {
  backend: RpcBackend;
  logger: RpcLogger;
  corsDomains: string[];
  vhosts: string[] | undefined;
  maxBodyBytes: number;
  /** Open connections at most (node's server.maxConnections: more are closed on arrival). */
  maxConnections: number;
  /** The dispatcher for POST requests. */
  http: DispatchOptions;
  /** WebSocket upgrades on GET /; null refuses them. */
  ws: WebSocketOptions | null;
  /** Runs before the routes are declared (see RpcServerOptions.extend). POST / is answered before
   * fastify sees it (http-fast-path.ts): hooks registered here do not run for JSON-RPC POSTs. */
  extend?: (app: FastifyInstance, dispatch: DispatchOptions) => Promise<void> | void;
  /** GET /health (liveness) and GET /ready (readiness, 503 with the reasons) for probes. */
  health?: HealthSource;
  /** GET /status: the node's status page (status-page.ts). */
  statusPage?: boolean;
}

function isUpgrade(headers: Record<string, string | string[] | undefined>): boolean {
  const upgrade = headers.upgrade;
  return typeof upgrade === "string" && upgrade.toLowerCase() === "websocket";
}

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const { backend, logger, corsDomains, vhosts, maxBodyBytes } = o;
  // requestTimeout bounds how long a client may take to send one request (geth's 30 s read timeout);
  // forceCloseConnections lets close() end idle keep-alive connections instead of waiting on them.
  const fastPath: FastPathOptions = { dispatch: o.http, corsDomains, vhosts, maxBodyBytes, logger };
  const app = Fastify({
    logger: false,
    bodyLimit: maxBodyBytes,
    requestTimeout: 30_000,
    forceCloseConnections: true,
    // The server fastify would make, with POST / answered before fastify sees it (http-fast-path.ts).
    // Its timeouts are the ones fastify sets on its own servers: requestTimeout as above, keep-alive
    // 72 s (fastify's default), no idle timeout.
    serverFactory: (handler) => {
      const server = createServer((req, res) => (takesFastPath(req) ? serveRpcPost(req, res, fastPath) : handler(req, res)));
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = 30_000;
      server.setTimeout(0);
      return server;
    },
  });
  app.server.maxConnections = o.maxConnections;

  // A body sent to any other path is read as text whatever its content type, so that such a request
  // gets its 404 (or 413) rather than fastify's 415 for a type it has no parser for.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.addHook("onRequest", async (request, reply) => {
    const upgrade = isUpgrade(request.headers);
    const refuse = (text: string) => {
      // An upgrade request's socket left the HTTP server's care: close it once the answer is out,
      // or it would linger (and hold up close()).
      if (upgrade) reply.raw.once("finish", () => request.raw.socket.destroy());
      return reply.code(403).header("connection", "close").type("text/plain").send(text);
    };
    if (!hostAllowed(vhosts, request.headers.host)) return refuse("invalid host specified\n");
    const origin = allowedOrigin(corsDomains, request.headers.origin);
    // Browsers do not apply CORS to WebSockets: the server must refuse foreign pages itself.
    // The node's own status page (same origin) may always open one.
    if (upgrade && request.headers.origin !== undefined && origin === null && !(o.statusPage && sameOrigin(request.headers.origin, request.headers.host)))
      return refuse("origin not allowed\n");
    if (request.method === "OPTIONS") {
      if (origin !== null) {
        const requested = request.headers["access-control-request-headers"];
        reply.headers(preflightHeaders(origin, typeof requested === "string" ? requested : undefined));
      }
      return reply.code(204).send();
    }
    if (origin !== null) {
      reply.header("access-control-allow-origin", origin);
      if (origin !== "*") reply.header("vary", "Origin");
    }
  });

  // Before the routes, so a plugin's onRoute hooks (as @fastify/websocket's) see them.
  if (o.extend) await o.extend(app, o.http);
  if (o.ws !== null && !app.hasDecorator("websocketServer")) await app.register(websocket, { options: { maxPayload: maxBodyBytes } });

  const ws = o.ws;
  app.route({
    method: "GET",
    url: "/",
    handler: async (_request, reply) => {
      let head: string | null = null;
      try {
        head = quantity(backend.headNumber());
      } catch (err) {
        logger.warn("status page could not read the head", { error: err instanceof Error ? err.message : String(err) });
      }
      return reply.type("application/json").send(
        JSON.stringify({ name: "verity", clientVersion: backend.clientVersion, chainId: quantity(backend.chainId), blockNumber: head, rpc: "POST / (JSON-RPC 2.0)" }),
      );
    },
    ...(ws !== null ? { wsHandler: (socket) => serveWebSocket(socket, ws) } : {}),
  });

  // Probes (a container's or load balancer's), as on the metrics listener.
  const health = o.health;
  if (health) {
    for (const path of ["/health", "/ready"] as const) {
      app.get(path, async (_request, reply) => {
        const { status, body } = await probeResponse(health, path);
        return reply.code(status).type("application/json").send(body);
      });
    }
  }

  if (o.statusPage) serveStatusPage(app);

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).type("text/plain").send("not found: JSON-RPC is served at /\n"));

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.statusCode === 413) {
      return reply.code(413).type("application/json").send(jsonRpcError(ErrorCode.invalidRequest, `request body too large: at most ${maxBodyBytes} bytes`));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      logger.debug("rejected HTTP request", { url: request.url, code: error.code, message: error.message });
      return reply.code(error.statusCode).type("application/json").send(jsonRpcError(ErrorCode.invalidRequest, "invalid request"));
    }
    logger.error("HTTP JSON-RPC handler failed", { url: request.url, error: error.stack ?? error.message });
    return reply.code(500).type("application/json").send(jsonRpcError(ErrorCode.internal, "internal error"));
  });
  return app;
}
