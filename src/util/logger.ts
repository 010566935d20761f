// Operator-facing logs: one line per event, a level, a component and key=value fields, so a line
// tells what happened without a debugger. VERITY_LOG=debug|info|warn|error|silent sets the level.
export type LogFields = Record<string, unknown>;
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(component: string): Logger;
}

function formatValue(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return "0x" + Buffer.from(v).toString("hex");
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === "string") return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return String(v);
}

export function createLogger(opts: { level?: LogLevel; component?: string; write?: (line: string) => void } = {}): Logger {
  const envLevel = process.env.VERITY_LOG as LogLevel | undefined;
  const level = opts.level ?? (envLevel && envLevel in ORDER ? envLevel : "info");
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const make = (component: string): Logger => {
    const log = (lvl: LogLevel, message: string, fields?: LogFields) => {
      if (ORDER[lvl] < ORDER[level]) return;
      const time = new Date().toISOString().slice(11, 23);
      let line = `${time} ${lvl.toUpperCase().padEnd(5)} [${component}] ${message}`;
      if (fields) for (const [k, v] of Object.entries(fields)) if (v !== undefined) line += ` ${k}=${formatValue(v)}`;
      write(line);
    };
    return {
      debug: (m, f) => log("debug", m, f),
      info: (m, f) => log("info", m, f),
      warn: (m, f) => log("warn", m, f),
      error: (m, f) => log("error", m, f),
      child: (c) => make(c),
    };
  };
  return make(opts.component ?? "node");
}

export const silentLogger: Logger = createLogger({ level: "silent" });
