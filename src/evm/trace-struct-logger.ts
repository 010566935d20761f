// geth's default tracer, the opcode ("struct") logger: one entry per executed opcode with pc, op, gas
// left, gas cost, depth (1 = the transaction's own frame) and refund counter, plus optionally the
// stack, memory, storage touched so far and the last call's return data. Its JSON follows the
// execution-apis spec's OpcodeTransactionTrace (0x-prefixed words, integers for gas).
import { bytesToHex } from "@ethereumjs/util";
import type { Json, JsonObject } from "../util/json.js";
import { gethErrorName, type EVMResult, type EvmTracer, type InterpreterStep, type Message } from "./trace-hooks.js";

export interface StructLoggerConfig {
  enableMemory: boolean;
  disableStack: boolean;
  disableStorage: boolean;
  enableReturnData: boolean;
  /** Most entries recorded; 0 = no limit. Execution continues past it. */
  limit: number;
}

/** The opcodes whose gasCost, in geth, includes the gas handed to the callee (geth's callGasTemp). */
const CALL_OPS = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]);

/**
 * The step's gas cost as geth reports it. The EVM's fee for the call opcodes is what the opcode itself
 * costs; geth adds the gas the callee is given (the requested gas, at most all but one 64th of what is
 * left after the opcode's own cost, EIP-150), without the 2300 stipend of a value transfer. CREATE and
 * CREATE2 stay as they are: geth hands the callee its gas inside the opcode, so their gasCost is the
 * opcode's own cost only.
 */
function gasCost(step: InterpreterStep): bigint {
  const fee = step.opcode.dynamicFee ?? BigInt(step.opcode.fee);
  const requested = step.stack[step.stack.length - 1];
  if (!CALL_OPS.has(step.opcode.name) || requested === undefined || step.gasLeft < fee) return fee;
  const available = step.gasLeft - fee;
  const allowed = available - available / 64n;
  return fee + (requested < allowed ? requested : allowed);
}

const word = (value: bigint): string => "0x" + value.toString(16).padStart(64, "0");
const quantity = (value: bigint): string => "0x" + value.toString(16);

/** Memory as 32-byte words, the way the spec shows it. */
function memoryWords(memory: Uint8Array): string[] {
  const hex = bytesToHex(memory).slice(2);
  const words: string[] = [];
  for (let i = 0; i < hex.length; i += 64) words.push("0x" + hex.slice(i, i + 64).padEnd(64, "0"));
  return words;
}

export class StructLogger implements EvmTracer {
  private readonly entries: JsonObject[] = [];
  /** Per contract (0x address): every slot read or written so far, key word -> value word. */
  private readonly storage = new Map<string, Map<string, string>>();
  /** An SLOAD whose loaded value shows on top of the stack at its frame's next step. */
  private pendingLoad: { entry: JsonObject | null; contract: Map<string, string>; key: string; depth: number } | null = null;
  /** Return data of the last call each frame made, by depth. */
  private readonly returnData: Uint8Array[] = [];
  /** The last entry of each frame, which gets the error when that frame halts exceptionally. */
  private readonly lastEntry: Array<JsonObject | undefined> = [];
  /** The byte of each frame's last opcode, for geth's invalid-opcode error. */
  private readonly lastCode: number[] = [];
  private readonly depths: number[] = [];

  constructor(private readonly config: StructLoggerConfig) {}

  private contractStorage(address: string): Map<string, string> {
    let slots = this.storage.get(address);
    if (slots === undefined) {
      slots = new Map();
      this.storage.set(address, slots);
    }
    return slots;
  }

  private resolvePendingLoad(step: InterpreterStep): void {
    const load = this.pendingLoad;
    if (load === null || step.depth !== load.depth) return;
    this.pendingLoad = null;
    const value = step.stack[step.stack.length - 1];
    if (value === undefined) return;
    load.contract.set(load.key, word(value));
    if (load.entry !== null) load.entry.storage = Object.fromEntries(load.contract);
  }

  onStep(step: InterpreterStep): void {
    this.resolvePendingLoad(step);
    this.lastCode[step.depth] = step.opcode.code;
    const op = step.opcode.name;
    const touchesStorage = !this.config.disableStorage && (op === "SLOAD" || op === "SSTORE");
    const { limit } = this.config;
    const recording = limit === 0 || this.entries.length < limit;
    // Past the limit only storage still needs tracking (later entries would show it).
    if (!recording && !touchesStorage) return;
    const entry: JsonObject = {
      pc: step.pc,
      op,
      gas: Number(step.gasLeft),
      gasCost: Number(gasCost(step)),
      depth: step.depth + 1,
      refund: Number(step.gasRefund),
    };
    if (touchesStorage) this.trackStorage(step, entry, recording);
    if (!recording) return;
    if (!this.config.disableStack) entry.stack = step.stack.map(quantity);
    if (this.config.enableMemory) entry.memory = memoryWords(step.memory);
    if (this.config.enableReturnData) entry.returnData = bytesToHex(this.returnData[step.depth] ?? new Uint8Array());
    this.entries.push(entry);
    this.lastEntry[step.depth] = entry;
  }

  /** SSTORE records its new value now; SLOAD's value is read from the stack at the next step. */
  private trackStorage(step: InterpreterStep, entry: JsonObject, recording: boolean): void {
    const stack = step.stack;
    const key = stack[stack.length - 1];
    if (key === undefined) return;
    const contract = this.contractStorage(step.address.toString());
    if (step.opcode.name === "SSTORE") {
      const value = stack[stack.length - 2];
      if (value === undefined) return;
      contract.set(word(key), word(value));
      entry.storage = Object.fromEntries(contract);
    } else {
      this.pendingLoad = { entry: recording ? entry : null, contract, key: word(key), depth: step.depth };
    }
  }

  onEnter(message: Message): void {
    this.depths.push(message.depth);
    this.returnData[message.depth] = new Uint8Array();
    this.lastEntry[message.depth] = undefined;
  }

  onExit(result: EVMResult): void {
    const depth = this.depths.pop();
    if (depth === undefined) return;
    const error = result.execResult.exceptionError;
    // A REVERT is the opcode working as designed; geth marks only exceptional halts on the step.
    const entry = this.lastEntry[depth];
    if (error !== undefined && error.error !== "revert" && entry !== undefined) entry.error = gethErrorName(error.error, this.lastCode[depth]);
    if (depth > 0) this.returnData[depth - 1] = result.execResult.returnValue;
  }

  result(gasUsed: bigint, failed: boolean, returnValue: Uint8Array): Json {
    return { gas: Number(gasUsed), failed, returnValue: bytesToHex(returnValue), structLogs: this.entries };
  }
}
