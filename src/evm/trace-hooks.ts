// The seam between @ethereumjs/evm's events and verity's tracers: a tracer is three optional
// callbacks (each opcode step, each message entered, each message left), attached to a VM's EVM for
// one execution. Listeners are synchronous (one argument), so the EVM does not await a promise per
// step; tracers read everything they need from the event objects.
import type { EVMResult, InterpreterStep, Message } from "@ethereumjs/evm";
import type { VM } from "@ethereumjs/vm";

export type { EVMResult, InterpreterStep, Message };

export interface EvmTracer {
  onStep?(step: InterpreterStep): void;
  onEnter?(message: Message): void;
  onExit?(result: EVMResult): void;
}

/** geth's words for the EVM's exceptional halts (what clients and explorers expect to read). */
const GETH_ERRORS: Record<string, string> = {
  revert: "execution reverted",
  "invalid JUMP": "invalid jump destination",
  "static state change": "write protection",
  "create collision": "contract address collision",
  "code size to deposit exceeds maximum code size": "max code size exceeded",
  "initcode exceeds max initcode size": "max initcode size exceeded",
  "insufficient balance": "insufficient balance for transfer",
};

/**
 * geth's wording of an EVM error. An invalid opcode names the opcode in geth ("invalid opcode:
 * INVALID" for 0xfe, "invalid opcode: opcode 0xef not defined" for a byte no opcode has): pass the
 * byte the failing frame ran last, which a tracer sees and the EVM's error does not carry.
 */
export function gethErrorName(error: string, lastOpcode?: number): string {
  if (error === "invalid opcode" && lastOpcode !== undefined) {
    return `invalid opcode: ${lastOpcode === 0xfe ? "INVALID" : `opcode 0x${lastOpcode.toString(16)} not defined`}`;
  }
  return GETH_ERRORS[error] ?? error;
}

/** Raised from a step when a trace runs past its deadline; the EVM rethrows non-EVM errors. */
export class TraceTimeoutError extends Error {
  constructor() {
    super("execution timeout");
    this.name = "TraceTimeoutError";
  }
}

/** Attaches `tracer` to the VM's EVM; returns the function that detaches it. */
export function attachTracer(vm: VM, tracer: EvmTracer, deadline: number): () => void {
  const events = vm.evm.events;
  if (events === undefined) throw new Error("this EVM emits no events: tracing is unavailable");
  let steps = 0;
  const onStep = (step: InterpreterStep) => {
    // Reading the clock every step would cost more than the check is worth.
    if (++steps % 1024 === 0 && Date.now() > deadline) throw new TraceTimeoutError();
    tracer.onStep?.(step);
  };
  const onEnter = (message: Message) => tracer.onEnter?.(message);
  const onExit = (result: EVMResult) => tracer.onExit?.(result);
  events.on("step", onStep);
  events.on("beforeMessage", onEnter);
  events.on("afterMessage", onExit);
  return () => {
    events.off("step", onStep);
    events.off("beforeMessage", onEnter);
    events.off("afterMessage", onExit);
  };
}
