// debug_trace* and eth_createAccessList for the node: finds the block (and its parent's state) a
// trace needs and hands the replay to evm/'s TraceExecutor. Mined transactions are replayed with the
// header's own environment, so a trace reproduces exactly what the block executed.
import type { Chain } from "../../chain/chain.js";
import type { Block, Hash32 } from "../../primitives/types.js";
import { InvalidMessageError, type CallExecutor } from "../../evm/call.js";
import type { BlockEnv } from "../../evm/executor.js";
import { createAccessList } from "../../evm/trace-access-list.js";
import { TraceError, TraceExecutor } from "../../evm/trace.js";
import type { BlockSelector, TraceSource } from "./port.js";
import type { AccessListResult, CallRequest, TraceOptions } from "../../evm/types.js";
import { UserError } from "./port.js";
import type { Json } from "../../util/json.js";

/** The environment a committed block executed in. */
function envOf(block: Block): BlockEnv {
  const h = block.header;
  return { number: h.number, timestamp: h.timestamp, proposer: h.proposer, gasLimit: h.gasLimit, baseFeePerGas: h.baseFeePerGas, prevRandao: h.seed };
}

/** Trace failures the client should read (timeouts, invalid messages) become UserErrors. */
async function userFacing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TraceError || err instanceof InvalidMessageError) throw new UserError(err.message);
    throw err;
  }
}

export interface TracingDeps {
  chain: Chain;
  calls: CallExecutor;
  /** The block a selector names, or null. */
  resolve(selector: BlockSelector): Promise<Block | null>;
  /** The environment calls on top of `block` run in (as eth_call). */
  envAfter(block: Block): BlockEnv;
}

export class NodeTracing implements TraceSource {
  private readonly executor: TraceExecutor;

  constructor(private readonly d: TracingDeps) {
    this.executor = new TraceExecutor(d.chain.common, d.calls);
  }

  private async parentOf(block: Block): Promise<Block> {
    const parent = await this.d.chain.getBlockByHash(block.header.parentHash);
    if (parent === null) throw new Error(`parent of block ${block.header.number} is missing`);
    return parent;
  }

  async traceTransaction(hash: Hash32, options: TraceOptions): Promise<Json | null> {
    const location = await this.d.chain.getTxLocation(hash);
    if (location === null) return null;
    const block = await this.d.chain.getBlockByHash(location.blockHash);
    if (block === null) return null;
    const parent = await this.parentOf(block);
    const [trace] = await userFacing(() => this.executor.traceBlock(parent.header.stateRoot, envOf(block), block.transactions, options, location.index));
    return trace ?? null;
  }

  async traceBlock(selector: BlockSelector, options: TraceOptions): Promise<Array<{ txHash: Hash32; result: Json }> | null> {
    const block = await this.d.resolve(selector);
    if (block === null) return null;
    if (block.transactions.length === 0) return [];
    const parent = await this.parentOf(block);
    const traces = await userFacing(() => this.executor.traceBlock(parent.header.stateRoot, envOf(block), block.transactions, options));
    return traces.map((result, i) => ({ txHash: block.transactions[i]!.hash(), result }));
  }

  private async stateBlock(at: BlockSelector): Promise<Block> {
    const block = await this.d.resolve(at);
    if (block === null) throw new UserError("header not found");
    return block;
  }

  async traceCall(request: CallRequest, at: BlockSelector, options: TraceOptions): Promise<Json> {
    const block = await this.stateBlock(at);
    return userFacing(() => this.executor.traceCall(block.header.stateRoot, this.d.envAfter(block), request, options));
  }

  async createAccessList(request: CallRequest, at: BlockSelector): Promise<AccessListResult> {
    const block = await this.stateBlock(at);
    return userFacing(() => createAccessList(this.d.calls, block.header.stateRoot, this.d.envAfter(block), request));
  }
}
