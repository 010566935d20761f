// debug_trace*'s TraceConfig: the default opcode logger's switches, or tracer "callTracer" with its
// tracerConfig (onlyTopCall, withLog), and a timeout as a Go duration string ("5s", "300ms", "1m30s").
import type { TraceOptions } from "../evm/types.js";
import { ParamError, field, isPlainObject, jsonType, parseBool } from "./params.js";

/** geth's default trace timeout, and the longest this node allows. */
export const DEFAULT_TRACE_TIMEOUT_MS = 5_000;
export const MAX_TRACE_TIMEOUT_MS = 60_000;

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go time.Duration string in milliseconds. */
export function parseGoDuration(value: unknown): number {
  if (typeof value !== "string") throw new ParamError(`expected a duration string, got ${jsonType(value)}`);
  const parts = /^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$/.test(value) ? value.match(/[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h)/g) : null;
  if (parts === null) throw new ParamError(`time: invalid duration ${JSON.stringify(value.slice(0, 40))}`);
  let ms = 0;
  for (const part of parts) {
    const [, number, unit] = /^([0-9.]+)(.*)$/.exec(part)!;
    ms += Number(number) * DURATION_UNITS_MS[unit!]!;
  }
  return ms;
}

function flag(config: Record<string, unknown>, name: string): boolean {
  const value = config[name];
  return value === undefined || value === null ? false : field(name, parseBool, value);
}

const STRUCT_FIELDS = new Set(["enableMemory", "disableStack", "disableStorage", "enableReturnData", "limit", "debug", "timeout", "tracer", "tracerConfig", "reexec"]);

export function parseTraceConfig(value: unknown): TraceOptions {
  if (!isPlainObject(value)) throw new ParamError(`trace config must be an object, got ${jsonType(value)}`);
  for (const [key, item] of Object.entries(value)) {
    // debug_traceCall's overrides are not supported (as eth_call's); an empty object is harmless.
    if (key === "stateOverrides" || key === "blockOverrides") {
      if (isPlainObject(item) && Object.keys(item).length === 0) continue;
      throw new ParamError(`${key === "stateOverrides" ? "state" : "block"} overrides are not supported`);
    }
    if (!STRUCT_FIELDS.has(key)) throw new ParamError(`unknown trace config field "${key.slice(0, 40)}"`);
  }
  let timeoutMs = DEFAULT_TRACE_TIMEOUT_MS;
  if (value.timeout !== undefined && value.timeout !== null) {
    timeoutMs = field("timeout", parseGoDuration, value.timeout);
    if (timeoutMs > MAX_TRACE_TIMEOUT_MS) throw new ParamError(`timeout: at most ${MAX_TRACE_TIMEOUT_MS / 1000}s allowed`);
  }
  const tracer = value.tracer ?? "";
  if (typeof tracer !== "string") throw new ParamError(`tracer must be a string, got ${jsonType(tracer)}`);
  if (tracer === "callTracer") {
    const config = value.tracerConfig ?? {};
    if (!isPlainObject(config)) throw new ParamError(`tracerConfig must be an object, got ${jsonType(config)}`);
    return { tracer: "call", onlyTopCall: flag(config, "onlyTopCall"), withLog: flag(config, "withLog"), timeoutMs };
  }
  if (tracer !== "") throw new ParamError(`tracer "${tracer.slice(0, 40)}" is not available: use the default opcode logger or "callTracer"`);
  let limit = 0;
  if (value.limit !== undefined && value.limit !== null) {
    if (typeof value.limit !== "number" || !Number.isSafeInteger(value.limit) || value.limit < 0) {
      throw new ParamError("limit must be a non-negative integer");
    }
    limit = value.limit;
  }
  return {
    tracer: "struct",
    enableMemory: flag(value, "enableMemory"),
    disableStack: flag(value, "disableStack"),
    disableStorage: flag(value, "disableStorage"),
    enableReturnData: flag(value, "enableReturnData"),
    limit,
    timeoutMs,
  };
}

/** The opcode logger with geth's defaults (no config given). */
export const DEFAULT_TRACE_OPTIONS: TraceOptions = {
  tracer: "struct",
  enableMemory: false,
  disableStack: false,
  disableStorage: false,
  enableReturnData: false,
  limit: 0,
  timeoutMs: DEFAULT_TRACE_TIMEOUT_MS,
};
