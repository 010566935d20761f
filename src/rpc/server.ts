// The HTTP JSON-RPC endpoint (fastify 5): POST / takes JSON-RPC 2.0 requests and batches, GET / gives
// a short status, OPTIONS answers CORS preflights. Bodies are read as text and parsed here, so a
// malformed body is a JSON-RPC parse error rather than fastify's own 400, and an oversized one is an
// HTTP 413 that still carries a JSON-RPC error object.
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { RpcBackend } from "./backend.js";
import { handleBody, type DispatchOptions } from "./dispatch.js";
import { ErrorCode } from "./errors.js";
import { quantity } from "./hex.js";
import { allowedOrigin, hostAllowed, preflightHeaders } from "./http-guards.js";
import type { RpcLogger } from "./logger.js";
import { mergeMethodTables, standardMethods } from "./methods/index.js";
import { DEFAULT_LIMITS, type MethodContext, type MethodTable, type RpcLimits } from "./methods/types.js";

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_BATCH_SIZE = 1000;

export interface RpcServerOptions {
  backend: RpcBackend;
  /** Interface to listen on (--http.addr), e.g. "127.0.0.1". */
  host: string;
  /** Port (--http.port); 0 picks a free one (see the returned url). */
  port: number;
  /** --http.corsdomain: origins allowed to read responses in a browser; ["*"] allows any, [] none. */
  corsDomains: string[];
  /** --http.vhosts: Host names accepted (IP literals always are); undefined or ["*"] accepts any. */
  vhosts?: string[];
  /** Largest request body in bytes; default 5 MiB. */
  maxBodyBytes?: number;
  /** Most requests in one batch; default 1000. */
  maxBatchSize?: number;
  logger: RpcLogger;
  /** eth_getLogs caps; defaults 10,000 blocks per query and 10,000 logs per answer. */
  limits?: Partial<RpcLimits>;
  /** Further method tables (issue 5: debug_, txpool_, filters, dev signing), merged with the standard ones. */
  extraMethods?: MethodTable[];
  /**
   * Runs before the routes are declared and the server listens, with the fastify instance and the
   * dispatcher's options, so a transport such as @fastify/websocket (issue 5) can be registered on the
   * same port (await app.register(...) inside, so its hooks are in place).
   */
  extend?: (app: FastifyInstance, dispatch: DispatchOptions) => Promise<void> | void;
}

export interface RpcServer {
  /** http://host:port with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

function jsonRpcError(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } });
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { backend, logger, corsDomains, vhosts } = options;
  const context: MethodContext = {
    backend,
    logger,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    transport: "http",
  };
  const dispatch: DispatchOptions = {
    methods: mergeMethodTables(standardMethods(), ...(options.extraMethods ?? [])),
    context,
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
  };

  // requestTimeout bounds how long a client may take to send one request (geth's 30 s read timeout);
  // forceCloseConnections lets close() end idle keep-alive connections instead of waiting on them.
  const app = Fastify({ logger: false, bodyLimit: maxBodyBytes, requestTimeout: 30_000, forceCloseConnections: true });

  // Every body is text to the dispatcher, whatever its content type (curl's default form type,
  // text/plain from browsers avoiding preflights, or none at all).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.addHook("onRequest", async (request, reply) => {
    if (!hostAllowed(vhosts, request.headers.host)) {
      return reply.code(403).type("text/plain").send("invalid host specified\n");
    }
    const origin = allowedOrigin(corsDomains, request.headers.origin);
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
  if (options.extend) await options.extend(app, dispatch);

  app.post("/", async (request, reply) => {
    const body = typeof request.body === "string" ? request.body : "";
    const response = await handleBody(body, dispatch);
    if (response === null) return reply.code(200).send("");
    return reply.code(200).type("application/json").send(JSON.stringify(response));
  });

  app.get("/", async (_request, reply) => {
    let head: string | null = null;
    try {
      head = quantity(backend.headNumber());
    } catch (err) {
      logger.warn("status page could not read the head", { error: err instanceof Error ? err.message : String(err) });
    }
    return reply.type("application/json").send(
      JSON.stringify({ name: "verity", clientVersion: backend.clientVersion, chainId: quantity(backend.chainId), blockNumber: head, rpc: "POST / (JSON-RPC 2.0)" }),
    );
  });

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

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const url = `http://${urlHost(options.host)}:${port}`;
  logger.info("HTTP JSON-RPC server listening", { url, cors: corsDomains, vhosts: vhosts ?? ["*"] });
  return {
    url,
    close: () => app.close(),
  };
}
