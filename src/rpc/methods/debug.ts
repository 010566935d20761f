// debug_ namespace: tracing (geth's opcode logger and callTracer) over committed transactions, whole
// blocks and calls, and the raw encodings of transactions, receipts, headers and blocks.
//
// Raw headers and blocks are verity's own encodings (the header carries the BFT fields after
// Ethereum's twelve), so keccak256(debug_getRawHeader) is the block hash; receipts and transactions
// use Ethereum's encodings, so debug_getRawReceipts hash to the header's receiptsRoot.
import { encodeBlock, encodeConsensusReceipt, encodeHeader } from "../../primitives/encoding.js";
import type { BlockSelector, RpcBackend, TraceSource } from "../backend/port.js";
import { ErrorCode, RpcError, serverError } from "../errors.js";
import { data } from "../hex.js";
import { optional, parseBlockNumberOrTag, parseBlockRef, parseHash, required } from "../params.js";
import { parseCallRequest } from "../params-objects.js";
import { DEFAULT_TRACE_OPTIONS, parseTraceConfig } from "../params-trace.js";
import { defineMethod, type MethodTable } from "./types.js";

const config = optional("traceConfig", parseTraceConfig, DEFAULT_TRACE_OPTIONS);

function tracing(backend: RpcBackend): TraceSource {
  if (backend.tracing === undefined) throw new RpcError(ErrorCode.methodNotFound, "tracing is not available on this node");
  return backend.tracing;
}

function selectorLabel(selector: BlockSelector): string {
  if (typeof selector === "string") return selector;
  return "number" in selector ? `#${selector.number}` : data(selector.hash);
}

async function traceBlock(backend: RpcBackend, selector: BlockSelector, options: Parameters<TraceSource["traceBlock"]>[1]) {
  const traces = await tracing(backend).traceBlock(selector, options);
  if (traces === null) throw serverError(`block ${selectorLabel(selector)} not found`);
  return traces.map(({ txHash, result }) => ({ txHash: data(txHash), result }));
}

async function blockOrThrow(backend: RpcBackend, selector: BlockSelector) {
  const block = await backend.getBlock(selector);
  if (block === null) throw serverError(`block ${selectorLabel(selector)} not found`);
  return block;
}

export const debugTraceMethods: MethodTable = {
  debug_traceTransaction: defineMethod([required("transactionHash", parseHash), config], async ([hash, options], { backend }) => {
    const trace = await tracing(backend).traceTransaction(hash, options);
    if (trace === null) throw serverError("transaction not found");
    return trace;
  }),
  debug_traceBlockByNumber: defineMethod([required("block", parseBlockNumberOrTag), config], ([selector, options], { backend }) =>
    traceBlock(backend, selector, options),
  ),
  debug_traceBlockByHash: defineMethod([required("blockHash", parseHash), config], ([hash, options], { backend }) =>
    traceBlock(backend, { hash }, options),
  ),
  debug_traceCall: defineMethod(
    [required("transaction", parseCallRequest), optional("block", parseBlockRef, "latest" as BlockSelector), config],
    ([parsed, at, options], { backend }) => tracing(backend).traceCall(parsed.request, at, options),
  ),
};

export const debugRawMethods: MethodTable = {
  /** A mined or pooled transaction's network encoding; null when unknown. */
  debug_getRawTransaction: defineMethod([required("transactionHash", parseHash)], async ([hash], { backend }) => {
    const found = await backend.getTransaction(hash);
    return found === null ? null : data(found.tx.serialize());
  }),
  debug_getRawReceipts: defineMethod([required("block", parseBlockRef)], async ([selector], { backend }) => {
    const block = await blockOrThrow(backend, selector);
    const receipts = await backend.getReceipts(block.hash);
    if (receipts === null) throw serverError(`receipts of block ${selectorLabel(selector)} not found`);
    return receipts.map((receipt) => data(encodeConsensusReceipt(receipt)));
  }),
  debug_getRawHeader: defineMethod([required("block", parseBlockRef)], async ([selector], { backend }) =>
    data(encodeHeader((await blockOrThrow(backend, selector)).header)),
  ),
  debug_getRawBlock: defineMethod([required("block", parseBlockRef)], async ([selector], { backend }) =>
    data(encodeBlock(await blockOrThrow(backend, selector))),
  ),
};
