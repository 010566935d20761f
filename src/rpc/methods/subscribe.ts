// eth_subscribe / eth_unsubscribe (WebSocket only): newHeads, logs with address/topic filters, and
// newPendingTransactions (hashes, or full transactions with `true`), with geth's errors.
import { ErrorCode, RpcError, invalidParams } from "../errors.js";
import { ParamError, argumentError, jsonType, optional, parseBool, required } from "../params.js";
import { parseLogFilter } from "../params-objects.js";
import { normaliseRpcId } from "../random-id.js";
import type { SubscriptionRequest } from "../subscriptions.js";
import { defineMethod, type MethodContext, type MethodTable } from "./types.js";

const KINDS = ["newHeads", "logs", "newPendingTransactions"] as const;

function parseKind(value: unknown): (typeof KINDS)[number] {
  if (typeof value !== "string") throw new ParamError(`subscription name must be a string, got ${jsonType(value)}`);
  const kind = KINDS.find((k) => k === value);
  if (kind === undefined) throw new ParamError(`no "${value.slice(0, 40)}" subscription in eth namespace`);
  return kind;
}

function subscriptionsOf(ctx: MethodContext) {
  // geth's answer to a subscription over a transport without notifications (HTTP).
  if (ctx.subscriptions === undefined) throw new RpcError(ErrorCode.methodNotFound, "notifications not supported");
  return ctx.subscriptions;
}

/** The second argument, whose meaning depends on the subscription kind. */
function subscriptionRequest(kind: (typeof KINDS)[number], options: unknown): SubscriptionRequest {
  try {
    if (kind === "newHeads") {
      if (options !== null) throw new ParamError("newHeads takes no options");
      return { kind };
    }
    if (kind === "newPendingTransactions") return { kind, fullTransactions: options === null ? false : parseBool(options) };
    if (options === null) return { kind, criteria: { addresses: [], topics: [] } };
    const filter = parseLogFilter(options);
    if (filter.kind === "hash") throw new ParamError("a logs subscription follows new blocks: blockHash is not allowed");
    const request: SubscriptionRequest = { kind, criteria: { addresses: filter.addresses, topics: filter.topics } };
    for (const [bound, tag] of [["fromBlock", filter.fromBlock], ["toBlock", filter.toBlock]] as const) {
      if (tag === "pending" || tag === "earliest") throw new ParamError(`${bound}: only "latest" or a block number is allowed`);
      if (typeof tag === "object") request[bound] = tag.number;
    }
    if (request.fromBlock !== undefined && request.toBlock !== undefined && request.fromBlock > request.toBlock) {
      throw invalidParams("invalid block range params");
    }
    return request;
  } catch (err) {
    if (err instanceof ParamError) throw argumentError(1, err);
    throw err;
  }
}

export const subscriptionMethods: MethodTable = {
  eth_subscribe: defineMethod([required("subscription", parseKind), optional<unknown>("options", (v) => v, null)], ([kind, options], ctx) =>
    subscriptionsOf(ctx).add(subscriptionRequest(kind, options)),
  ),
  eth_unsubscribe: defineMethod([required("subscriptionId", (v: unknown) => (typeof v === "string" ? normaliseRpcId(v) : null))], ([id], ctx) => {
    const subscriptions = subscriptionsOf(ctx);
    return id === null ? false : subscriptions.remove(id);
  }),
};
