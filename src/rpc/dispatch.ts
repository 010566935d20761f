// JSON-RPC 2.0 over any transport: parses a request body, validates each request object, runs the
// method, and builds the response (or nothing, for notifications). HTTP bodies and WebSocket messages
// both pass through it.
import { ErrorCode, invalidRequest, methodNotFound, toErrorObject, type JsonRpcErrorObject } from "./errors.js";
import type { Json } from "../util/json.js";
import type { MethodContext, MethodTable } from "./methods/types.js";
import type { Metrics } from "../metrics/index.js";
import { SHUTTING_DOWN, type InFlightRequests } from "./in-flight.js";

export type JsonRpcId = string | number | null;

export type JsonRpcResponse =
  | { jsonrpc: "2.0"; id: JsonRpcId; result: Json }
  | { jsonrpc: "2.0"; id: JsonRpcId; error: JsonRpcErrorObject };

export interface DispatchOptions {
  methods: MethodTable;
  context: MethodContext;
  maxBatchSize: number;
  /** Requests and latency by method are counted here (null or absent: nowhere). */
  metrics?: Metrics | null;
  /** The server's running requests: while it stops, requests are refused or cut off (absent: untracked). */
  inFlight?: InFlightRequests;
}

function errorResponse(id: JsonRpcId, error: JsonRpcErrorObject): JsonRpcResponse {
  return { jsonrpc: "2.0", id, error };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isValidId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

/** A method name for logs: bounded, printable. */
function methodLabel(method: unknown): string {
  return typeof method === "string" ? method.slice(0, 80) : `<${typeof method}>`;
}

/**
 * Runs one request object. Returns null for a notification (no "id" member): it is executed but not
 * answered. Never throws: every failure becomes an error response.
 */
export async function handleRequest(request: unknown, options: DispatchOptions): Promise<JsonRpcResponse | null> {
  if (!isObject(request)) return errorResponse(null, invalidRequest("invalid request: expected an object").toObject());
  const isNotification = !Object.hasOwn(request, "id");
  const rawId = request.id;
  if (!isNotification && !isValidId(rawId)) {
    return errorResponse(null, invalidRequest("invalid request: id must be a string, number or null").toObject());
  }
  const id: JsonRpcId = isNotification ? null : (rawId as JsonRpcId);
  if (request.jsonrpc !== "2.0") return errorResponse(id, invalidRequest('invalid request: jsonrpc must be "2.0"').toObject());
  const method = request.method;
  if (typeof method !== "string" || method.length === 0) {
    return errorResponse(id, invalidRequest("invalid request: method must be a non-empty string").toObject());
  }

  const { logger } = options.context;
  let response: JsonRpcResponse;
  const handler = Object.hasOwn(options.methods, method) ? options.methods[method] : undefined;
  const metrics = options.metrics?.rpc;
  // Only served methods become label values: a client cannot grow the series with made-up names.
  const labels = { method: handler === undefined ? "unknown" : method, transport: options.context.transport };
  const done = metrics?.durationSeconds.startTimer(labels);
  if (handler === undefined) {
    response = errorResponse(id, methodNotFound(methodLabel(method)).toObject());
  } else {
    try {
      const invoke = () => handler.invoke(request.params, options.context);
      const outcome = options.inFlight ? await options.inFlight.run(invoke) : { value: await invoke() };
      if (outcome === null || "aborted" in outcome) response = errorResponse(id, SHUTTING_DOWN);
      else response = { jsonrpc: "2.0", id, result: outcome.value };
    } catch (err) {
      const { error, internal } = toErrorObject(err);
      if (internal) {
        logger.error("JSON-RPC method failed", { method, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      } else {
        logger.debug("JSON-RPC method returned an error", { method, code: error.code, message: error.message });
      }
      response = errorResponse(id, error);
    }
  }
  done?.();
  metrics?.requests.inc({ ...labels, outcome: "error" in response ? "error" : "ok" });
  return isNotification ? null : response;
}

/**
 * Runs a parsed payload: one request or a batch. Batches run in order, one after another, so that a
 * client's eth_sendRawTransaction with consecutive nonces in one batch is admitted in that order.
 * Returns null when nothing is to be sent (only notifications).
 *
 * eth_blockNumber in a batch answers the head as of the batch's arrival (JSON-RPC 2.0 lets a server
 * run a batch's calls in any order; this is the answer it would give run first). Without that, a
 * block committed while an earlier call of the batch awaited the database showed up in a later
 * eth_blockNumber, and ethers v6 hung: tx.wait() sends [eth_getTransactionReceipt, eth_blockNumber]
 * in one batch, and when the receipt is null it takes that block number as the poller's baseline,
 * which it never reports as a new block; on an automining chain with nothing else to do no further
 * block comes (5 of 200 sequential send + wait cycles hung on 2026-12-07, with a ~90 ms block).
 */
export async function handlePayload(payload: unknown, options: DispatchOptions): Promise<JsonRpcResponse | JsonRpcResponse[] | null> {
  if (!Array.isArray(payload)) return handleRequest(payload, options);
  if (payload.length === 0) return errorResponse(null, invalidRequest("empty batch").toObject());
  if (payload.length > options.maxBatchSize) {
    return errorResponse(null, invalidRequest(`batch too large: ${payload.length} requests, at most ${options.maxBatchSize} allowed`).toObject());
  }
  const responses: JsonRpcResponse[] = [];
  const batch: DispatchOptions = { ...options, context: { ...options.context, batchHead: options.context.backend.headNumber() } };
  for (const request of payload) {
    const response = await handleRequest(request, batch);
    if (response !== null) responses.push(response);
  }
  return responses.length === 0 ? null : responses;
}

/** Parses the body text and runs it; a body that is not JSON is -32700 with id null. */
export async function handleBody(body: string, options: DispatchOptions): Promise<JsonRpcResponse | JsonRpcResponse[] | null> {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return errorResponse(null, { code: ErrorCode.parseError, message: "parse error" });
  }
  return handlePayload(payload, options);
}
