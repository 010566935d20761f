// eth_getLogs, and the range resolution the log filters (eth_newFilter, eth_getFilterLogs) reuse.
//
// Ranges follow the execution-apis spec and its rpc-compat fixtures (the behaviour geth, Nethermind,
// Besu and Erigon share): a reversed range, or a fromBlock past the head with toBlock "latest", is
// -32602 "invalid block range params"; a toBlock past the head is -32602 "block range extends beyond
// current head block". Nothing is clamped, so a client never gets a silently partial answer.
import type { BlockNumberOrTag } from "../params.js";
import type { LogQuery, LogWithContext } from "../backend/port.js";
import { RpcError, invalidParams, serverError } from "../errors.js";
import { formatLogWithContext } from "../format.js";
import { required } from "../params.js";
import { parseLogFilter, type LogFilter } from "../params-objects.js";
import { defineMethod, type MethodContext, type MethodTable } from "./types.js";

/** EIP-1474's "limit exceeded", the code Infura and others use for over-large log queries. */
export const LIMIT_EXCEEDED = -32005;

function resolveBound(tag: BlockNumberOrTag, head: bigint): bigint {
  if (tag === "latest") return head;
  if (tag === "earliest") return 0n;
  if (tag === "pending") throw invalidParams("pending logs are not supported");
  return tag.number;
}

/** Turns a parsed filter into the backend's query, enforcing the range rules and the range cap. */
export async function resolveLogQuery(filter: LogFilter, { backend, limits }: MethodContext): Promise<LogQuery> {
  let fromBlock: bigint;
  let toBlock: bigint;
  if (filter.kind === "hash") {
    const block = await backend.getBlock({ hash: filter.blockHash });
    if (block === null) throw serverError("unknown block");
    fromBlock = toBlock = block.header.number;
  } else {
    const head = backend.headNumber();
    fromBlock = resolveBound(filter.fromBlock, head);
    toBlock = resolveBound(filter.toBlock, head);
    if (fromBlock > toBlock) throw invalidParams("invalid block range params");
    if (toBlock > head) throw invalidParams("block range extends beyond current head block");
    if (toBlock - fromBlock + 1n > BigInt(limits.maxLogBlockRange)) {
      throw invalidParams(`block range too large: at most ${limits.maxLogBlockRange} blocks per query`);
    }
  }
  return { fromBlock, toBlock, addresses: filter.addresses, topics: filter.topics, limit: limits.maxLogResults + 1 };
}

export const ethLogMethods: MethodTable = {
  eth_getLogs: defineMethod([required("filter", parseLogFilter)], async ([filter], ctx) => {
    const query = await resolveLogQuery(filter, ctx);
    const logs: LogWithContext[] = await ctx.backend.getLogs(query);
    if (logs.length > ctx.limits.maxLogResults) {
      throw new RpcError(LIMIT_EXCEEDED, `query returned more than ${ctx.limits.maxLogResults} results`);
    }
    return logs.map(formatLogWithContext);
  }),
};
