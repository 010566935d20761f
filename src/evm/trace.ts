// Re-execution with a tracer attached: a committed block's transactions replayed on its parent's state
// (those before the traced one run untraced), or a call message on any block's state as eth_call runs
// it. Nothing is committed: one journal checkpoint wraps the run and is reverted.
import type { Common } from "@ethereumjs/common";
import type { Block as EthjsBlock } from "@ethereumjs/block";
import type { TypedTransaction } from "@ethereumjs/tx";
import { runTx, type VM } from "@ethereumjs/vm";
import type { CallRequest, TraceOptions } from "./types.js";
import type { Json } from "../util/json.js";
import { ethjsReason, InvalidMessageError, type CallExecutor } from "./call.js";
import { ethjsBlockFor, type BlockEnv } from "./executor.js";
import { beforeTransactions } from "./system-contracts.js";
import { CallTracer } from "./trace-call-tracer.js";
import { attachTracer, TraceTimeoutError, type EvmTracer } from "./trace-hooks.js";
import { StructLogger } from "./trace-struct-logger.js";

type RunResult = Awaited<ReturnType<typeof runTx>>;

/** A tracer and how it turns the finished run into its JSON document. */
interface ActiveTrace {
  tracer: EvmTracer;
  finish(tx: TypedTransaction, run: RunResult): Json;
}

function startTrace(options: TraceOptions): ActiveTrace {
  if (options.tracer === "call") {
    const tracer = new CallTracer(options);
    return { tracer, finish: (tx, run) => tracer.result(tx, run.totalGasSpent) };
  }
  const tracer = new StructLogger(options);
  return {
    tracer,
    finish: (_tx, run) => tracer.result(run.totalGasSpent, run.execResult.exceptionError !== undefined, run.execResult.returnValue),
  };
}

/** The error a trace fails with when it runs out of time (geth's wording). */
export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TraceError";
  }
}

export class TraceExecutor {
  constructor(
    private readonly common: Common,
    private readonly calls: CallExecutor,
  ) {}

  private ethjsBlock(env: BlockEnv): EthjsBlock {
    return ethjsBlockFor(env, this.common);
  }

  private async traced(vm: VM, options: TraceOptions, run: () => Promise<RunResult>, tx: TypedTransaction): Promise<{ trace: Json; gasSpent: bigint }> {
    const active = startTrace(options);
    const detach = attachTracer(vm, active.tracer, Date.now() + options.timeoutMs);
    try {
      const result = await run();
      return { trace: active.finish(tx, result), gasSpent: result.totalGasSpent };
    } catch (err) {
      if (err instanceof TraceTimeoutError) throw new TraceError("execution timeout");
      throw err;
    } finally {
      detach();
    }
  }

  /**
   * Replays a committed block's transactions on its parent's state `parentRoot` and traces the one at
   * `only`, or every one when `only` is undefined. Returns the traces in transaction order.
   */
  async traceBlock(parentRoot: Uint8Array, env: BlockEnv, txs: readonly TypedTransaction[], options: TraceOptions, only?: number): Promise<Json[]> {
    const vm = await this.calls.vmAt(parentRoot);
    const block = this.ethjsBlock(env);
    const last = only ?? txs.length - 1;
    const traces: Json[] = [];
    let blockGasUsed = 0n;
    await vm.evm.journal.checkpoint();
    try {
      // The block's pre-block system calls, as its execution made them (executor.ts).
      const parentHash = await this.calls.blockHash(env.number - 1n);
      if (parentHash !== undefined) await beforeTransactions(vm, block, parentHash);
      for (let i = 0; i <= last; i++) {
        const tx = txs[i]!;
        const run = () => runTx(vm, { tx, block, blockGasUsed, skipHardForkValidation: true });
        if (only === undefined || i === only) {
          const { trace, gasSpent } = await this.traced(vm, options, run, tx);
          traces.push(trace);
          blockGasUsed += gasSpent;
        } else {
          blockGasUsed += (await run()).totalGasSpent;
        }
      }
    } finally {
      await vm.evm.journal.revert();
    }
    return traces;
  }

  /** Traces a call message on `root` as eth_call runs it (nonce and balance unchecked, gas capped). */
  async traceCall(root: Uint8Array, env: BlockEnv, request: CallRequest, options: TraceOptions): Promise<Json> {
    const vm = await this.calls.vmAt(root);
    let tx: TypedTransaction;
    try {
      tx = this.calls.message(request, this.calls.capped(request.gas));
    } catch (e) {
      if (e instanceof InvalidMessageError) throw new TraceError(`tracing failed: ${e.message}`);
      throw e;
    }
    const block = this.calls.block(env, request);
    await vm.evm.journal.checkpoint();
    try {
      // A message the EVM refuses to apply (gas below the intrinsic cost, a fee cap below the base
      // fee) is the caller's doing: geth answers "tracing failed: …" (-32000).
      const run = () =>
        runTx(vm, { tx, block, skipNonce: true, skipBalance: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true }).catch((e: unknown) => {
          throw e instanceof TraceTimeoutError ? e : new TraceError(`tracing failed: ${ethjsReason(e)}`);
        });
      return (await this.traced(vm, options, run, tx)).trace;
    } finally {
      await vm.evm.journal.revert();
    }
  }
}
