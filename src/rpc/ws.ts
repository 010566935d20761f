// WebSocket transport: each text message is a JSON-RPC request or batch, run through the same
// dispatcher as HTTP and answered in order; the connection carries its own eth_subscribe
// subscriptions, which end when it closes. A client that stops reading (its unsent backlog grows past
// a bound) or floods requests faster than they are answered is disconnected rather than buffered
// without limit.
import type { WebSocket } from "@fastify/websocket";
import type { ChainEventSource } from "./backend/port.js";
import { handleBody, type DispatchOptions } from "./dispatch.js";
import type { RpcLogger } from "./logger.js";
import { ConnectionSubscriptions } from "./subscriptions.js";

/** Unsent bytes a connection may have queued before it is dropped as too slow. */
export const MAX_SEND_BACKLOG_BYTES = 16 * 1024 * 1024;
/** Requests a connection may have waiting for their answers. */
export const MAX_QUEUED_REQUESTS = 1024;
/** How often a silent connection is pinged; one that missed the previous pong is closed. */
export const PING_INTERVAL_MS = 30_000;

/** RFC 6455 close codes used here. */
const POLICY_VIOLATION = 1008;

export interface WebSocketOptions {
  /** The dispatcher for this transport (methods allowed over WebSocket, context with transport "ws"). */
  dispatch: DispatchOptions;
  events?: ChainEventSource;
  maxSubscriptions: number;
  logger: RpcLogger;
}

function textOf(message: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(message)) return Buffer.concat(message).toString("utf8");
  return Buffer.from(message as ArrayBuffer).toString("utf8");
}

/** Serves one accepted WebSocket connection until it closes. */
export function serveWebSocket(socket: WebSocket, options: WebSocketOptions): void {
  const { logger } = options;
  const send = (text: string) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_SEND_BACKLOG_BYTES) {
      logger.warn("closing a WebSocket client that does not keep up", { backlog: socket.bufferedAmount });
      socket.close(POLICY_VIOLATION, "client too slow");
      return;
    }
    socket.send(text);
  };
  const subscriptions = options.events ? new ConnectionSubscriptions(options.events, send, options.maxSubscriptions) : undefined;
  const dispatch: DispatchOptions = {
    ...options.dispatch,
    context: { ...options.dispatch.context, transport: "ws", ...(subscriptions ? { subscriptions } : {}) },
  };

  let queued = 0;
  let chain: Promise<void> = Promise.resolve();
  socket.on("message", (message: Buffer | ArrayBuffer | Buffer[]) => {
    if (++queued > MAX_QUEUED_REQUESTS) {
      socket.close(POLICY_VIOLATION, "too many requests in flight");
      return;
    }
    const text = textOf(message);
    chain = chain
      .then(async () => {
        const reply = await handleBody(text, dispatch);
        if (reply !== null) send(JSON.stringify(reply));
        // Only now may new subscriptions notify: the client has the reply with their ids.
        subscriptions?.release();
      })
      .catch((err: unknown) => logger.error("WebSocket request failed", { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => queued--);
  });

  let alive = true;
  socket.on("pong", () => (alive = true));
  const pinger = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, PING_INTERVAL_MS);
  pinger.unref();

  socket.on("close", () => {
    clearInterval(pinger);
    subscriptions?.closeAll();
  });
}
