// geth's callTracer: the tree of calls a transaction made (CALL, STATICCALL, DELEGATECALL, CALLCODE,
// CREATE, CREATE2 and SELFDESTRUCT), each with from, to, value, gas, gasUsed, input, output, error and
// decoded revert reason; with `withLog`, the logs each frame emitted (dropped for frames that failed,
// as geth drops them); with `onlyTopCall`, the outermost frame alone.
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import { decodeRevertReason } from "./revert.js";
import type { Json, JsonObject } from "../util/json.js";
import { gethErrorName, type EVMResult, type EvmTracer, type InterpreterStep, type Message } from "./trace-hooks.js";

export interface CallTracerConfig {
  onlyTopCall: boolean;
  withLog: boolean;
}

interface CallLog {
  address: string;
  topics: string[];
  data: string;
  /** How many child calls of the frame came before the log. */
  position: number;
}

interface CallFrame {
  type: string;
  from: string;
  to: string | null;
  value: bigint | null;
  gas: bigint;
  gasUsed: bigint;
  input: Uint8Array;
  output: Uint8Array;
  error?: string;
  revertReason?: string;
  calls: CallFrame[];
  logs: CallLog[];
  /** A SELFDESTRUCT the frame executed: its own frame once the frame ends without error. */
  selfdestruct?: CallFrame;
}

const CALL_OPS = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL", "CREATE", "CREATE2"]);
const quantity = (value: bigint | number): string => "0x" + value.toString(16);
const pad32 = (value: bigint): string => "0x" + value.toString(16).padStart(64, "0");

/** Bytes [offset, offset + size) of memory as the LOG opcode reads them (zero beyond its end). */
function readMemory(memory: Uint8Array, offset: bigint, size: bigint): Uint8Array {
  const out = new Uint8Array(Number(size));
  const start = Number(offset);
  if (start < memory.length) out.set(memory.subarray(start, Math.min(memory.length, start + out.length)));
  return out;
}

function frameJson(frame: CallFrame, withLog: boolean): JsonObject {
  const out: JsonObject = { from: frame.from, gas: quantity(frame.gas), gasUsed: quantity(frame.gasUsed) };
  if (frame.to !== null) out.to = frame.to;
  out.input = bytesToHex(frame.input);
  if (frame.output.length > 0) out.output = bytesToHex(frame.output);
  if (frame.error !== undefined) out.error = frame.error;
  if (frame.revertReason !== undefined) out.revertReason = frame.revertReason;
  if (frame.calls.length > 0) out.calls = frame.calls.map((call) => frameJson(call, withLog));
  if (withLog && frame.logs.length > 0) {
    out.logs = frame.logs.map((log) => ({ address: log.address, topics: log.topics, data: log.data, position: quantity(log.position) }));
  }
  if (frame.value !== null) out.value = quantity(frame.value);
  out.type = frame.type;
  return out;
}

/** geth drops the logs of a failed frame and of everything below it. */
function clearLogs(frame: CallFrame): void {
  frame.logs = [];
  for (const call of frame.calls) clearLogs(call);
}

export class CallTracer implements EvmTracer {
  private readonly open: Array<CallFrame | null> = [];
  private root: CallFrame | null = null;
  /** The opcode each frame ran last: at a frame's entry, its parent's last opcode says how it was called. */
  private readonly lastOp: string[] = [];
  /** Its byte, for geth's invalid-opcode error. */
  private readonly lastCode: number[] = [];

  constructor(private readonly config: CallTracerConfig) {}

  onStep(step: InterpreterStep): void {
    const op = step.opcode.name;
    this.lastOp[step.depth] = op;
    this.lastCode[step.depth] = step.opcode.code;
    if (op === "SELFDESTRUCT") return this.selfdestruct(step);
    if (!this.config.withLog || !op.startsWith("LOG")) return;
    const frame = this.open[this.open.length - 1];
    const stack = step.stack;
    const topicCount = Number(op.slice(3));
    if (frame === null || frame === undefined || stack.length < 2 + topicCount) return;
    const top = stack.length - 1;
    const topics: string[] = [];
    for (let i = 0; i < topicCount; i++) topics.push(pad32(stack[top - 2 - i]!));
    frame.logs.push({
      address: step.address.toString(),
      topics,
      data: bytesToHex(readMemory(step.memory, stack[top]!, stack[top - 1]!)),
      position: frame.calls.length,
    });
  }

  /**
   * geth reports a SELFDESTRUCT as a frame of its own inside the frame that ran it: from the
   * contract, to the beneficiary, the contract's balance as value, no gas and no input. The step comes
   * before the opcode's gas is charged, so the frame is kept only if the caller's frame then ends
   * without error (a SELFDESTRUCT that runs always ends its frame). Never a top call: with
   * `onlyTopCall` it is left out like every inner frame.
   */
  private selfdestruct(step: InterpreterStep): void {
    if (this.config.onlyTopCall) return;
    const frame = this.open[this.open.length - 1];
    const beneficiary = step.stack[step.stack.length - 1];
    if (frame === null || frame === undefined || beneficiary === undefined) return;
    frame.selfdestruct = {
      type: "SELFDESTRUCT",
      from: step.address.toString(),
      to: "0x" + (beneficiary & ((1n << 160n) - 1n)).toString(16).padStart(40, "0"),
      value: step.account.balance,
      gas: 0n,
      gasUsed: 0n,
      input: new Uint8Array(),
      output: new Uint8Array(),
      calls: [],
      logs: [],
    };
  }

  onEnter(message: Message): void {
    if (this.config.onlyTopCall && message.depth > 0) {
      this.open.push(null);
      return;
    }
    const viaOp = message.depth === 0 ? (message.to === undefined ? "CREATE" : "CALL") : (this.lastOp[message.depth - 1] ?? "CALL");
    const type = CALL_OPS.has(viaOp) ? viaOp : "CALL";
    // DELEGATECALL runs the target's code in the caller's context: geth shows the executing
    // contract as `from` and the code's address as `to`; CALLCODE likewise shows the code's address.
    const delegated = type === "DELEGATECALL" || type === "CALLCODE";
    const from = type === "DELEGATECALL" && message.to !== undefined ? message.to : message.caller;
    const to = message.to === undefined ? null : delegated ? message.codeAddress : message.to;
    this.open.push({
      type,
      from: from.toString(),
      to: to === null ? null : to.toString(),
      value: type === "STATICCALL" ? null : message.value,
      gas: message.gasLimit,
      gasUsed: 0n,
      // A copy: the EVM hands the callee a view of the caller's memory, which the call's own return
      // data may overwrite (Solidity writes the result where it encoded the arguments).
      input: message.data.slice(),
      output: new Uint8Array(),
      calls: [],
      logs: [],
    });
  }

  onExit(result: EVMResult): void {
    const frame = this.open.pop();
    if (frame === undefined || frame === null) return;
    const exec = result.execResult;
    frame.gasUsed = exec.executionGasUsed;
    frame.output = exec.returnValue;
    if (frame.to === null && result.createdAddress !== undefined) frame.to = result.createdAddress.toString();
    const error = exec.exceptionError;
    if (error !== undefined) {
      // The frame's depth: the open frames below it (the transaction's own frame is at 0).
      frame.error = gethErrorName(error.error, this.lastCode[this.open.length]);
      if (error.error === "revert") {
        const reason = decodeRevertReason(exec.returnValue);
        if (reason !== null) frame.revertReason = reason;
      } else {
        frame.output = new Uint8Array();
      }
      // geth: a creation that failed created nothing, so its frame has no `to`.
      if (frame.type === "CREATE" || frame.type === "CREATE2") frame.to = null;
      clearLogs(frame);
    } else if (frame.selfdestruct !== undefined) {
      frame.calls.push(frame.selfdestruct);
    }
    delete frame.selfdestruct;
    const parent = this.open.findLast((f): f is CallFrame => f !== null);
    if (this.open.length === 0 || parent === undefined) this.root = frame;
    else parent.calls.push(frame);
  }

  /** The tree, its top frame carrying the transaction's gas limit and total gas used (geth's view). */
  result(tx: TypedTransaction, gasUsed: bigint): Json {
    if (this.root === null) throw new Error("the transaction entered no call frame");
    this.root.gas = tx.gasLimit;
    this.root.gasUsed = gasUsed;
    return frameJson(this.root, this.config.withLog);
  }
}
