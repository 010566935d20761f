// The method table: each JSON-RPC method is a list of declared positional parameters and a handler
// that receives them parsed. Namespaces (eth, net, web3; later debug, txpool, filters, subscriptions,
// dev signing) each export a table; the server merges them. Handlers get a context rather than
// globals, so a transport (HTTP now, WebSocket in issue 5) can add what it carries per connection.
import type { RpcBackend } from "../backend.js";
import type { Json } from "../format.js";
import type { RpcLogger } from "../logger.js";
import { parseParams, type Param, type ParamValues } from "../params.js";

/** Caps that protect the node from expensive requests. */
export interface RpcLimits {
  /** eth_getLogs: most blocks one query may span. */
  maxLogBlockRange: number;
  /** eth_getLogs: most logs one query may return. */
  maxLogResults: number;
}

export const DEFAULT_LIMITS: RpcLimits = { maxLogBlockRange: 10_000, maxLogResults: 10_000 };

export interface MethodContext {
  readonly backend: RpcBackend;
  readonly logger: RpcLogger;
  readonly limits: RpcLimits;
  /** The transport the request came over; subscriptions (issue 5) exist only on "ws". */
  readonly transport: "http" | "ws";
}

export interface RpcMethod {
  readonly params: readonly Param<unknown>[];
  /** Parses `rawParams` against `params` (throwing -32602 errors) and runs the handler. */
  invoke(rawParams: unknown, ctx: MethodContext): Promise<Json>;
}

export type MethodTable = Record<string, RpcMethod>;

export function defineMethod<const P extends readonly Param<unknown>[]>(
  params: P,
  handler: (args: ParamValues<P>, ctx: MethodContext) => Promise<Json> | Json,
): RpcMethod {
  return {
    params,
    async invoke(rawParams, ctx) {
      const args = parseParams(params, rawParams);
      return handler(args, ctx);
    },
  };
}
