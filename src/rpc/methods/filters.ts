// Polling filters: eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
// eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter (geth's semantics and wording).
import { ErrorCode, RpcError, invalidParams, serverError } from "../errors.js";
import { FILTER_NOT_FOUND, type FilterManager } from "../filters.js";
import { formatLogWithContext } from "../format.js";
import { ParamError, jsonType, required } from "../params.js";
import { parseLogFilter } from "../params-objects.js";
import { normaliseRpcId } from "../random-id.js";
import { LIMIT_EXCEEDED, resolveLogQuery } from "./eth-logs.js";
import { defineMethod, type MethodContext, type MethodTable } from "./types.js";

function parseFilterId(value: unknown): string {
  if (typeof value !== "string") throw new ParamError(`filter id must be a hex string, got ${jsonType(value)}`);
  const id = normaliseRpcId(value);
  if (id === null) throw new ParamError("filter id must be a hex string");
  return id;
}

function manager(ctx: MethodContext): FilterManager {
  if (ctx.filters === undefined) throw new RpcError(ErrorCode.methodNotFound, "filters are not available on this server");
  return ctx.filters;
}

const filterId = required("filterId", parseFilterId);

export const filterMethods: MethodTable = {
  eth_newFilter: defineMethod([required("filter", parseLogFilter)], ([filter], ctx) => {
    if (filter.kind === "range") {
      const { fromBlock, toBlock } = filter;
      if (fromBlock === "pending" || toBlock === "pending") throw invalidParams("pending logs are not supported");
      if (typeof fromBlock === "object" && typeof toBlock === "object" && fromBlock.number > toBlock.number) {
        throw invalidParams("invalid block range params");
      }
    }
    return manager(ctx).install("logs", filter);
  }),
  eth_newBlockFilter: defineMethod([], (_args, ctx) => manager(ctx).install("blocks")),
  eth_newPendingTransactionFilter: defineMethod([], (_args, ctx) => manager(ctx).install("pendingTransactions")),

  eth_getFilterChanges: defineMethod([filterId], ([id], ctx) => {
    const changes = manager(ctx).poll(id);
    if (changes === null) throw serverError(FILTER_NOT_FOUND);
    return changes.items;
  }),

  /** Everything a log filter matches now, over its whole range (not only what is new). */
  eth_getFilterLogs: defineMethod([filterId], async ([id], ctx) => {
    const filter = manager(ctx).get(id);
    if (filter === null || filter.logFilter === undefined) throw serverError(FILTER_NOT_FOUND);
    const logs = await ctx.backend.getLogs(await resolveLogQuery(filter.logFilter, ctx));
    if (logs.length > ctx.limits.maxLogResults) {
      throw new RpcError(LIMIT_EXCEEDED, `query returned more than ${ctx.limits.maxLogResults} results`);
    }
    return logs.map(formatLogWithContext);
  }),

  eth_uninstallFilter: defineMethod([filterId], ([id], ctx) => manager(ctx).uninstall(id)),
};
