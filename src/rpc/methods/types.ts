// The method table: each JSON-RPC method is a list of declared positional parameters and a handler
// that receives them parsed. Namespaces (eth, net, web3, debug, txpool, filters, subscriptions, dev
// signing) each export a table; the server merges them. Handlers get a context rather than globals,
// so a transport (HTTP, WebSocket) can add what it carries per connection.
import type { RpcBackend } from "../backend/port.js";
import type { FilterManager } from "../filters.js";
import type { Json } from "../../util/json.js";
import type { RpcLogger } from "../logger.js";
import { parseParams, type Param, type ParamValues } from "../params.js";
import type { ConnectionSubscriptions } from "../subscriptions.js";

/** Caps that protect the node from expensive requests. */
export interface RpcLimits {
  /** eth_getLogs: most blocks one query may span. */
  maxLogBlockRange: number;
  /** eth_getLogs: most logs one query may return. */
  maxLogResults: number;
  /**
   * Largest fee (gas limit x fee cap, in wei) eth_sendTransaction and eth_sendRawTransaction accept,
   * as geth's --rpc.txfeecap (default 1 ether); 0 disables the check.
   */
  txFeeCap: bigint;
  /** Idle time after which a filter nobody polls is removed (geth: 5 minutes). */
  filterTimeoutMs: number;
  /** Most filters installed at once, and most items one filter buffers between polls. */
  maxFilters: number;
  maxFilterItems: number;
  /** Most subscriptions one WebSocket connection may hold. */
  maxSubscriptionsPerConnection: number;
}

export const ONE_ETHER = 10n ** 18n;

export const DEFAULT_RPC_LIMITS: RpcLimits = {
  maxLogBlockRange: 10_000,
  maxLogResults: 10_000,
  txFeeCap: ONE_ETHER,
  filterTimeoutMs: 5 * 60_000,
  maxFilters: 10_000,
  maxFilterItems: 100_000,
  maxSubscriptionsPerConnection: 1_000,
};

export interface MethodContext {
  readonly backend: RpcBackend;
  readonly logger: RpcLogger;
  readonly limits: RpcLimits;
  /** The transport the request came over; subscriptions exist only on "ws". */
  readonly transport: "http" | "ws";
  /** Installed polling filters, shared by the server's transports (absent without chain events). */
  readonly filters?: FilterManager;
  /** This connection's subscriptions (WebSocket only). */
  readonly subscriptions?: ConnectionSubscriptions;
  /** In a batch: the head's number when the batch arrived, which eth_blockNumber answers (dispatch.ts says why). */
  readonly batchHead?: bigint;
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
