// The JSON-RPC server: one HTTP listener (which also upgrades WebSockets on GET /, as anvil does) and,
// when asked (geth's --ws / --ws.port), a second listener for WebSocket clients. Both share one method
// table (restricted per transport to the namespaces --http.api / --ws.api allow) and one set of
// polling filters, which expire when idle.
import type { FastifyInstance } from "fastify";
import type { RpcBackend } from "./backend/port.js";
import type { DispatchOptions } from "./dispatch.js";
import { FilterManager } from "./filters.js";
import { InFlightRequests } from "./in-flight.js";
import { buildApp } from "./http-app.js";
import type { RpcLogger } from "./logger.js";
import { mergeMethodTables, methodsFor, restrictToNamespaces } from "./methods/index.js";
import { DEFAULT_RPC_LIMITS, type MethodContext, type MethodTable, type RpcLimits } from "./methods/types.js";
import type { WebSocketOptions } from "./ws.js";
import type { HealthSource, Metrics } from "../metrics/index.js";

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_BATCH_SIZE = 1000;
/**
 * Open connections (HTTP keep-alive and WebSocket alike) one listener holds at most; a connection
 * beyond it is closed at once. Bounds the memory and descriptors a flood of idle connections (or of
 * WebSockets, each with up to maxSubscriptionsPerConnection subscriptions) can take, well below a
 * typical descriptor limit, so that the listener keeps accepting after the flood ends.
 */
export const DEFAULT_MAX_CONNECTIONS = 4096;
/** geth's default WebSocket port. */
export const DEFAULT_WS_PORT = 8546;
/**
 * How long close() lets running requests finish before it answers them "node is shutting down" and
 * closes the listeners (the node closes its database after that). Handlers are bounded by the RPC
 * limits (log ranges, gas cap), so on a healthy node they finish well within it.
 */
export const DEFAULT_DRAIN_MS = 5_000;

export interface RpcServerOptions {
  backend: RpcBackend;
  /** Interface to listen on (--http.addr), e.g. "127.0.0.1". */
  host: string;
  /** Port (--http.port); 0 picks a free one (see the returned url). */
  port: number;
  /** --http.corsdomain: origins allowed to read responses in a browser (and to open WebSockets); ["*"] allows any, [] none. */
  corsDomains: string[];
  /** --http.vhosts: Host names accepted (IP literals always are); undefined or ["*"] accepts any. */
  vhosts?: string[];
  /** --http.api: namespaces served over HTTP (e.g. ["eth", "net", "web3"]); undefined or ["*"] serves all. */
  apis?: string[];
  /** WebSocket upgrades on the HTTP port (anvil's behaviour); default true. */
  wsOnHttpPort?: boolean;
  /** --ws: a WebSocket listener of its own (--ws.addr, --ws.port, --ws.api; apis default to the HTTP ones). */
  ws?: { host: string; port: number; apis?: string[] };
  /** Largest request body (or WebSocket message) in bytes; default 5 MiB. */
  maxBodyBytes?: number;
  /** Most requests in one batch; default 1000. */
  maxBatchSize?: number;
  /** Most open connections per listener; default DEFAULT_MAX_CONNECTIONS. */
  maxConnections?: number;
  logger: RpcLogger;
  /** Caps (eth_getLogs ranges, tx fee cap, filters, subscriptions); see DEFAULT_RPC_LIMITS. */
  limits?: Partial<RpcLimits>;
  /** Further method tables merged with those the backend supports. */
  extraMethods?: MethodTable[];
  /**
   * Runs on the HTTP listener before its routes are declared, with the fastify instance and the
   * dispatcher's options, so a plugin can add routes or transports on the same port.
   */
  extend?: (app: FastifyInstance, dispatch: DispatchOptions) => Promise<void> | void;
  /** Requests and latency by method are counted here (null or absent: nowhere). */
  metrics?: Metrics | null;
  /** Serves GET /health and GET /ready on the HTTP listeners (absent: those paths are not found). */
  health?: HealthSource;
  /** Serves the status page at GET /status on the HTTP listener (see status-page.ts). */
  statusPage?: boolean;
  /** close() waits this long for running requests (default DEFAULT_DRAIN_MS). */
  drainMs?: number;
}

export interface RpcServer {
  /** http://host:port with the port actually bound. */
  readonly url: string;
  /** ws://host:port of the WebSocket listener, or of the HTTP port when only it upgrades; null when neither. */
  readonly wsUrl: string | null;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function boundPort(app: FastifyInstance, fallback: number): number {
  const address = app.server.address();
  return typeof address === "object" && address !== null ? address.port : fallback;
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { backend, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  const limits: RpcLimits = { ...DEFAULT_RPC_LIMITS, ...options.limits };
  const filters = backend.events
    ? new FilterManager(backend.events, { timeoutMs: limits.filterTimeoutMs, maxFilters: limits.maxFilters, maxBuffered: limits.maxFilterItems })
    : undefined;
  const methods = mergeMethodTables(methodsFor(backend), ...(options.extraMethods ?? []));
  const context = (transport: "http" | "ws"): MethodContext => ({ backend, logger, limits, transport, ...(filters ? { filters } : {}) });
  const metrics = options.metrics ?? null;
  // One tracker for both transports: close() drains HTTP requests and WebSocket messages alike.
  const inFlight = new InFlightRequests();
  const http: DispatchOptions = { methods: restrictToNamespaces(methods, options.apis), context: context("http"), maxBatchSize, metrics, inFlight };
  const ws: WebSocketOptions = {
    dispatch: { methods: restrictToNamespaces(methods, options.ws?.apis ?? options.apis), context: context("ws"), maxBatchSize, metrics, inFlight },
    ...(backend.events ? { events: backend.events } : {}),
    maxSubscriptions: limits.maxSubscriptionsPerConnection,
    logger,
  };
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const shared = { backend, logger, corsDomains: options.corsDomains, vhosts: options.vhosts, maxBodyBytes, maxConnections, http, ...(options.health ? { health: options.health } : {}) };

  const apps: FastifyInstance[] = [];
  const closeAll = async () => {
    // Stop in order: refuse new requests, let running ones finish (or cut them off at the bound), and
    // only then close the listeners; the node closes its database after this returns.
    const cut = await inFlight.drain(options.drainMs ?? DEFAULT_DRAIN_MS);
    if (cut > 0) logger.warn("JSON-RPC requests still running at shutdown were answered 'node is shutting down'", { requests: cut });
    filters?.close();
    for (const app of apps.splice(0).reverse()) await app.close();
  };
  try {
    const httpApp = await buildApp({
      ...shared,
      ws: options.wsOnHttpPort === false ? null : ws,
      ...(options.extend ? { extend: options.extend } : {}),
      ...(options.statusPage ? { statusPage: true } : {}),
    });
    apps.push(httpApp);
    await httpApp.listen({ host: options.host, port: options.port });
    const url = `http://${urlHost(options.host)}:${boundPort(httpApp, options.port)}`;
    let wsUrl = options.wsOnHttpPort === false ? null : url.replace(/^http:/, "ws:");
    if (options.ws) {
      // The WebSocket listener answers POST too: one code path, and harmless.
      const wsApp = await buildApp({ ...shared, ws });
      apps.push(wsApp);
      await wsApp.listen({ host: options.ws.host, port: options.ws.port });
      wsUrl = `ws://${urlHost(options.ws.host)}:${boundPort(wsApp, options.ws.port)}`;
    }
    logger.info("JSON-RPC server listening", { url, wsUrl, cors: options.corsDomains, vhosts: options.vhosts ?? ["*"], ...(options.statusPage ? { statusPage: `${url}/status` } : {}) });
    return { url, wsUrl, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
