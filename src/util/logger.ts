// Operator-facing logs through pino: one event per line with a level, the time, the module and its
// fields, as JSON lines (--log.format json, for a log shipper) or as text (pino-pretty, for a terminal)
// carrying the same fields. Levels are per module: "info,consensus=debug,p2p=warn" (--log-level).
// VERITY_LOG sets the level where no one is given (the tests' child processes use it).
import { Writable } from "node:stream";
import { pino, type Logger as Pino } from "pino";
import pretty from "pino-pretty";

export type LogFields = Record<string, unknown>;
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFormat = "text" | "json";
const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(component: string): Logger;
}

/** A level for every module: `default`, and `modules` where one is named. */
export interface LogLevels {
  default: LogLevel;
  modules: Record<string, LogLevel>;
}

/** "info" or "info,consensus=debug,p2p=warn" (a module alone, "consensus=debug", keeps info for the rest). */
export function parseLogLevels(spec: string): LogLevels {
  const out: LogLevels = { default: "info", modules: {} };
  for (const part of spec.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const [name, level] = part.includes("=") ? (part.split("=", 2) as [string, string]) : [undefined, part];
    if (!LEVELS.includes(level as LogLevel)) throw new Error(`unknown level "${level}" (${LEVELS.join(", ")})`);
    if (name === undefined) out.default = level as LogLevel;
    else if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`"${name}" is not a module name`);
    else out.modules[name] = level as LogLevel;
  }
  return out;
}

/** Values as an operator reads them: bigints in decimal, bytes in 0x-hex, errors by their message. */
function plain(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return "0x" + Buffer.from(v).toString("hex");
  if (v instanceof Error) return v.message;
  return v;
}

function plainFields(fields: LogFields | undefined): LogFields {
  const out: LogFields = {};
  if (fields) for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = plain(v);
  return out;
}

/** A field in the text format, logfmt-style: key=value, quoted when the value has spaces, quotes or =. */
function textValue(v: unknown): string {
  if (typeof v === "string") return /[\s"=]/.test(v) || v === "" ? JSON.stringify(v) : v;
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The text format's line after pino-pretty's time and level: "[module] message key=value ...". */
function textMessage(log: Record<string, unknown>): string {
  let line = `[${String(log.module)}] ${String(log.msg)}`;
  for (const [k, v] of Object.entries(log)) if (!TEXT_OMITS.has(k)) line += ` ${k}=${textValue(v)}`;
  return line;
}
const TEXT_OMITS = new Set(["level", "time", "module", "msg"]);

function lineSink(write: (line: string) => void): Writable {
  // Called synchronously for each line (the callback returns at once), so lines keep their order.
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") write(line);
      done();
    },
  });
}

/** VERITY_LOG's levels when it holds valid ones ("warn", "info,p2p=debug"), else info. */
function envLevels(): string {
  const spec = process.env.VERITY_LOG;
  if (spec === undefined) return "info";
  try {
    parseLogLevels(spec);
    return spec;
  } catch {
    return "info";
  }
}

export function createLogger(opts: { level?: LogLevel | string; format?: LogFormat; component?: string; write?: (line: string) => void } = {}): Logger {
  const levels = parseLogLevels(opts.level ?? envLevels());
  const sink = opts.write ? lineSink(opts.write) : process.stderr;
  const destination =
    opts.format === "json"
      ? sink
      : pretty({ destination: sink, sync: true, colorize: false, hideObject: true, translateTime: "SYS:HH:MM:ss.l", messageFormat: textMessage });
  const root: Pino = pino(
    {
      level: "debug",
      base: undefined,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const make = (component: string): Logger => {
    const log = root.child({ module: component }, { level: levels.modules[component] ?? levels.default });
    return {
      debug: (m, f) => log.debug(plainFields(f), m),
      info: (m, f) => log.info(plainFields(f), m),
      warn: (m, f) => log.warn(plainFields(f), m),
      error: (m, f) => log.error(plainFields(f), m),
      child: (c) => make(c),
    };
  };
  return make(opts.component ?? "node");
}

/** Logs nothing (no pino instance behind it: tests create many nodes). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
