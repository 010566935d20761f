// Where a node's settings come from: flags > VERITY_* environment variables > --config FILE (TOML)
// > defaults. The file and the environment are turned into flags placed before the command line's own,
// so parseCli validates every value in one place and the last one given wins; an error about a value
// that came from the file or the environment is reworded to name its key and file or its variable.
// The keys are the flags of `verity start` as HELP lists them, so a new flag is a new key at once.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse as parseToml, TomlError } from "smol-toml";
import { HELP, UsageError } from "./args.js";

/** How a key's value is written in TOML, from the flag's placeholder in HELP (--http.port PORT). */
export type ConfigKind = "boolean" | "integer" | "number" | "list" | "string" | "scalar";

export interface ConfigKey {
  /** The flag's name without dashes, also the TOML key: "http.port". */
  name: string;
  kind: ConfigKind;
}

const KIND_OF_PLACEHOLDER: Record<string, ConfigKind> = {
  PORT: "integer",
  N: "integer",
  MB: "integer",
  SECONDS: "number",
  ETHER: "number",
  LIST: "list",
  ADDR: "string",
  DIR: "string",
  FILE: "string",
  LEVEL: "string",
  FORMAT: "string",
  URL: "string",
};

const EXPECTED: Record<ConfigKind, string> = {
  boolean: "true or false",
  integer: "an integer",
  number: "a number",
  list: 'a list of strings such as ["a", "b"] (or one comma-separated string)',
  string: "a string",
  scalar: "a string or a number",
};

/** Flags that make no sense as settings: they choose the file itself. */
const NOT_SETTINGS = new Set(["config"]);

/** Variables that are not settings but tell verity something else (logging of tests, the localnet's
 * parent, the keystore's password). */
const OTHER_VARIABLES = new Set(["VERITY_LOG", "VERITY_PARENT_PID", "VERITY_PASSWORD"]);

/** The flags of one "Flags for <command>:" section of HELP with their kinds. */
export function flagsOfSection(section: string, help: string = HELP): Map<string, ConfigKey> {
  const lines = help.split("\n");
  const start = lines.findIndex((l) => (l === `Flags for ${section}:` || l.startsWith(`Flags for ${section} (`)) && l.endsWith(":"));
  if (start < 0) throw new Error(`HELP has no "Flags for ${section}:" section`);
  const keys = new Map<string, ConfigKey>();
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") break;
    const m = /^ {2}--([a-z0-9.-]+)(?: ([A-Z]+))?(?:\s|$)/.exec(line);
    if (!m || NOT_SETTINGS.has(m[1]!)) continue;
    keys.set(m[1]!, { name: m[1]!, kind: m[2] === undefined ? "boolean" : (KIND_OF_PLACEHOLDER[m[2]] ?? "scalar") });
  }
  return keys;
}

/** The keys a config file and VERITY_* variables may set: the flags of `verity start`. */
export const CONFIG_KEYS: ReadonlyMap<string, ConfigKey> = flagsOfSection("start");

/** VERITY_HTTP_PORT for http.port, VERITY_BLOCK_TIME for block-time. */
export function envName(key: string): string {
  return "VERITY_" + key.toUpperCase().replace(/[.-]/g, "_");
}

type Value = string | boolean;

/** One source's settings, by key, and how to name the source in a message about a key. */
interface Layer {
  values: Map<string, Value>;
  where: (key: string) => string;
}

/** Nested tables become dotted keys ([http] port = 1 is http.port); `enabled` inside the table of a
 * boolean flag that also has sub-flags ([ws] enabled = true) is that flag. */
function flatten(table: Record<string, unknown>, prefix: string, out: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(table)) {
    const key = prefix + k;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) flatten(v as Record<string, unknown>, key + ".", out);
    else if (k === "enabled" && prefix !== "" && CONFIG_KEYS.get(prefix.slice(0, -1))?.kind === "boolean") out.set(prefix.slice(0, -1), v);
    else out.set(key, v);
  }
}

function tomlValue(file: string, key: string, kind: ConfigKind, v: unknown): Value {
  const bad = () => new UsageError(`${file}: ${key}: expected ${EXPECTED[kind]}, got ${JSON.stringify(v) ?? String(v)}`);
  switch (kind) {
    case "boolean":
      if (typeof v !== "boolean") throw bad();
      return v;
    case "integer":
      if (typeof v !== "number" || !Number.isInteger(v)) throw bad();
      return String(v);
    case "number":
      if (typeof v === "number" && Number.isFinite(v)) return String(v);
      if (typeof v === "string" && /^[0-9]+(\.[0-9]+)?$/.test(v)) return v;
      throw bad();
    case "list":
      if (typeof v === "string") return v;
      if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw bad();
      return v.join(",");
    case "string":
      if (typeof v !== "string") throw bad();
      return v;
    case "scalar":
      if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) throw bad();
      return String(v);
  }
}

/** The settings of a TOML config file; unknown keys and values of the wrong type are errors. */
export function readConfigFile(file: string): Layer {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--config: cannot read ${file}: ${(e as Error).message}`);
  }
  let table: Record<string, unknown>;
  try {
    table = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) throw new UsageError(`${file}: not valid TOML (line ${e.line}, column ${e.column}): ${e.message.split("\n")[0]}`);
    throw e;
  }
  const raw = new Map<string, unknown>();
  flatten(table, "", raw);
  const values = new Map<string, Value>();
  for (const [key, v] of raw) {
    const spec = CONFIG_KEYS.get(key);
    if (!spec) throw new UsageError(`${file}: unknown key "${key}" (the keys are the flags of 'verity start': ${[...CONFIG_KEYS.keys()].join(", ")})`);
    values.set(key, tomlValue(file, key, spec.kind, v));
  }
  return { values, where: (key) => `${file}: ${key}` };
}

/** The settings given as VERITY_* variables; a VERITY_* variable that is no setting is reported. */
export function readEnvironment(env: NodeJS.ProcessEnv, notices: string[]): Layer {
  const byName = new Map([...CONFIG_KEYS.values()].map((k) => [envName(k.name), k]));
  const values = new Map<string, Value>();
  for (const [name, v] of Object.entries(env)) {
    if (!name.startsWith("VERITY_") || v === undefined || OTHER_VARIABLES.has(name)) continue;
    const spec = byName.get(name);
    if (!spec) {
      notices.push(`${name} is not a verity setting and is ignored`);
      continue;
    }
    if (spec.kind !== "boolean") values.set(spec.name, v);
    else if (v === "true" || v === "1") values.set(spec.name, true);
    else if (v === "false" || v === "0") values.set(spec.name, false);
    else throw new UsageError(`${name}: expected true or false (or 1 or 0), got "${v}"`);
  }
  return { values, where: () => "" };
}

/** The flags named on a command line (what its option tokens are), by the types HELP gives them. */
function flagsGiven(argv: string[]): { names: Set<string>; positionals: Array<{ value: string; index: number }> } {
  const options = Object.fromEntries(["start", "localnet", "status", "init"].flatMap((s) => [...flagsOfSection(s).values()].map((k) => [k.name, { type: k.kind === "boolean" ? ("boolean" as const) : ("string" as const) }])));
  const { tokens } = parseArgs({ args: argv, options: { ...options, config: { type: "string" } }, strict: false, allowPositionals: true, tokens: true });
  return {
    names: new Set(tokens.filter((t) => t.kind === "option").map((t) => t.name)),
    positionals: tokens.flatMap((t) => (t.kind === "positional" ? [{ value: t.value, index: t.index }] : [])),
  };
}

export interface LayeredArgs {
  /** The command (start when none is named); for dumpconfig, argv names start in its place. */
  command: string;
  /** The command line to hand to parseCli: the file's and the environment's settings as flags, then argv's. */
  argv: string[];
  /** Says what overrode what (a variable over the file, a flag over either), and variables ignored. */
  notices: string[];
  /** Rewords an error about a flag whose value came from the file or the environment to name that source. */
  explain: (e: unknown) => unknown;
}

/** Applies --config FILE and VERITY_* variables to a `verity start` (or `dumpconfig`) command line. */
export function layerSettings(argv: string[], env: NodeJS.ProcessEnv): LayeredArgs {
  const { names, positionals } = flagsGiven(argv);
  const command = positionals[0]?.value ?? "start";
  const settingsApply = command === "start" || command === "dumpconfig";
  let configFile: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "--config") {
      configFile = argv[++i];
      if (configFile === undefined || configFile.startsWith("--")) throw new UsageError("--config: expected a file name");
    } else if (a.startsWith("--config=")) configFile = a.slice("--config=".length);
    else rest.push(command === "dumpconfig" && i === positionals[0]?.index ? "start" : a);
  }
  const identity: LayeredArgs = { command, argv: rest, notices: [], explain: (e) => e };
  if (!settingsApply) {
    if (configFile !== undefined) throw new UsageError(`--config is a flag of verity start and verity dumpconfig, not of ${command}`);
    return identity;
  }
  const notices: string[] = [];
  const file = configFile !== undefined ? readConfigFile(configFile) : { values: new Map<string, Value>(), where: () => "" };
  const environment = readEnvironment(env, notices);
  const merged = new Map(file.values);
  const origin = new Map<string, string>([...file.values.keys()].map((k) => [k, file.where(k)]));
  for (const [key, v] of environment.values) {
    if (merged.has(key)) notices.push(`${envName(key)} overrides ${key} from ${configFile}`);
    merged.set(key, v);
    origin.set(key, envName(key));
  }
  for (const key of names) {
    if (!origin.has(key)) continue;
    notices.push(`--${key} overrides ${origin.get(key)!.startsWith("VERITY_") ? origin.get(key)! : `${key} from ${configFile}`}`);
    origin.delete(key);
  }
  const layered: string[] = [];
  for (const [key, v] of merged) {
    if (names.has(key)) continue;
    if (v === true) layered.push(`--${key}`);
    else if (v !== false) layered.push(`--${key}`, v);
  }
  const explain = (e: unknown): unknown => {
    if (!(e instanceof UsageError)) return e;
    let message = e.message;
    const lead = /^--([a-z0-9.-]+): /.exec(message);
    if (lead && origin.has(lead[1]!)) message = `${origin.get(lead[1]!)!}: ${message.slice(lead[0].length)}`;
    message = message.replace(/--([a-z0-9.-]+)/g, (m, key: string) => (origin.has(key) ? `${key} (${origin.get(key)!.split(": ")[0]!})` : m));
    return message === e.message ? e : new UsageError(message);
  };
  return { command, argv: [...layered, ...rest], notices, explain };
}
