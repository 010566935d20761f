// --config FILE, VERITY_* variables and flags, in the order they win, through the real parser
// (parseCli) and the real TOML files on disk; dumpconfig's output read back as a config file.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCli, UsageError, type StartArgs } from "../../src/cli/args.js";
import { CONFIG_KEYS, envName, flagsOfSection, layerSettings, readConfigFile } from "../../src/cli/config-layers.js";
import { startArgsToToml } from "../../src/cli/dump-config.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function toml(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "verity-config-"));
  dirs.push(dir);
  const file = join(dir, "verity.toml");
  writeFileSync(file, text);
  return file;
}

/** What `verity <argv>` would start with, given these variables. */
function settings(argv: string[], env: NodeJS.ProcessEnv = {}): { args: StartArgs; notices: string[] } {
  const layered = layerSettings(argv, env);
  let a;
  try {
    a = parseCli(layered.argv);
  } catch (e) {
    throw layered.explain(e);
  }
  if (a.command !== "start") throw new Error(`not start: ${a.command}`);
  return { args: a, notices: layered.notices };
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("no error");
};

// Every key a config file can hold, with a value other than its default.
const FULL = `
datadir = "/srv/verity"
"datadir.minfreedisk" = 1024
genesis = "/srv/genesis.json"
chain-id = 4242
block-time = 0.5
sender-recovery-threads = 2
log-level = "info,consensus=debug"
password-file = "/srv/password"
bootnodes = ["/ip4/10.0.0.2/tcp/30400"]
maxpeers = 7
status = true

[log]
format = "json"

[http]
addr = "0.0.0.0"
port = 9545
corsdomain = ["https://app.example"]
vhosts = ["node.example", "localhost"]
api = ["eth", "net"]

[ws]
enabled = true
addr = "0.0.0.0"
port = 9546
api = ["eth"]

[rpc]
gascap = 1000000
txfeecap = "0.25"

[metrics]
enabled = true
addr = "0.0.0.0"
port = 9100

[p2p]
port = 30400
addr = "0.0.0.0"

[dev]
accounts = true
gaslimit = 60000000

[txpool]
globalslots = 100000
globalqueue = 2048
accountslots = 32
accountqueue = 128
pricelimit = "2000000000"
pricebump = 12
`;

describe("config keys", () => {
  it("are the flags of verity start as HELP lists them, typed by their placeholder", () => {
    expect(CONFIG_KEYS.get("http.port")).toEqual({ name: "http.port", kind: "integer" });
    expect(CONFIG_KEYS.get("http.corsdomain")?.kind).toBe("list");
    expect(CONFIG_KEYS.get("ws")?.kind).toBe("boolean");
    expect(CONFIG_KEYS.get("block-time")?.kind).toBe("number");
    expect(CONFIG_KEYS.get("datadir")?.kind).toBe("string");
    expect(CONFIG_KEYS.has("config")).toBe(false);
    // Every key is a flag parseCli accepts.
    for (const key of CONFIG_KEYS.keys()) expect(() => parseCli(["start", `--${key}`, ...(CONFIG_KEYS.get(key)!.kind === "boolean" ? [] : ["x"])])).not.toThrow(/Unknown option/);
    expect(envName("http.port")).toBe("VERITY_HTTP_PORT");
    expect(envName("block-time")).toBe("VERITY_BLOCK_TIME");
    expect([...flagsOfSection("status").keys()]).toEqual(["rpc"]);
  });
});

describe("--config FILE", () => {
  it("sets every flag of verity start, and dumpconfig's output reads back to the same settings", () => {
    const file = toml(FULL);
    // FULL is every key there is (a new flag of verity start must be added to it, and to dumpconfig).
    expect([...readConfigFile(file).values.keys()].sort()).toEqual([...CONFIG_KEYS.keys()].sort());
    const { args } = settings(["start", "--config", file]);
    expect(args).toEqual({
      command: "start",
      datadir: "/srv/verity",
      minFreeDiskMB: 1024,
      genesisFile: "/srv/genesis.json",
      chainId: 4242n,
      devGasLimit: 60_000_000n,
      httpAddr: "0.0.0.0",
      httpPort: 9545,
      corsDomains: ["https://app.example"],
      vhosts: ["node.example", "localhost"],
      httpApis: ["eth", "net"],
      statusPage: true,
      ws: { host: "0.0.0.0", port: 9546, apis: ["eth"] },
      rpcGasCap: 1_000_000n,
      rpcTxFeeCap: 250_000_000_000_000_000n,
      senderRecoveryThreads: 2,
      blockTime: 0.5,
      logLevel: "info,consensus=debug",
      logFormat: "json",
      passwordFile: "/srv/password",
      p2p: { host: "0.0.0.0", port: 30400, bootnodes: ["/ip4/10.0.0.2/tcp/30400"], maxPeers: 7 },
      metrics: { host: "0.0.0.0", port: 9100 },
      devAccounts: true,
      txpool: { globalSlots: 100_000, globalQueue: 2048, accountSlots: 32, accountQueue: 128, priceLimit: 2_000_000_000n, priceBump: 12n },
    });
    // The dump names every key the file set, and reads back to the same settings.
    const dumped = startArgsToToml(args);
    expect(settings(["start", "--config", toml(dumped)]).args).toEqual(args);
    // And so for the defaults (nothing set at all).
    const defaults = settings(["start"]).args;
    expect(settings(["start", "--config", toml(startArgsToToml(defaults))]).args).toEqual(defaults);
  });

  it("refuses unknown keys and wrong types, naming the file and the key", () => {
    const unknown = toml("[http]\nprot = 8545\n");
    expect(errorOf(() => settings(["--config", unknown]))).toMatch(new RegExp(`^${unknown}: unknown key "http.prot"`));
    const wrongType = toml('[http]\nport = "8545"\n');
    expect(errorOf(() => settings(["--config", wrongType]))).toBe(`${wrongType}: http.port: expected an integer, got "8545"`);
    const notBool = toml("[metrics]\nenabled = 1\n");
    expect(errorOf(() => settings(["--config", notBool]))).toBe(`${notBool}: metrics: expected true or false, got 1`);
    const notList = toml("[http]\ncorsdomain = [1, 2]\n");
    expect(errorOf(() => settings(["--config", notList]))).toMatch(/http\.corsdomain: expected a list of strings/);
    // A value of the right type that the flag parser refuses: reworded to name the file's key.
    const range = toml("[http]\nport = 70000\n");
    expect(errorOf(() => settings(["--config", range]))).toBe(`${range}: http.port: must be 0..65535`);
    const level = toml('log-level = "loud"\n');
    expect(errorOf(() => settings(["--config", level]))).toMatch(new RegExp(`^${level}: log-level: unknown level "loud"`));
    const broken = toml("[http\nport = 1\n");
    expect(errorOf(() => settings(["--config", broken]))).toMatch(new RegExp(`^${broken}: not valid TOML \\(line 1`));
    expect(errorOf(() => settings(["--config", "/nonexistent/verity.toml"]))).toMatch(/--config: cannot read \/nonexistent\/verity\.toml/);
    expect(errorOf(() => layerSettings(["status", "--config", range], {}))).toMatch(/--config is a flag of verity start/);
  });
});

describe("precedence", () => {
  it("flags > VERITY_* > file > defaults, each override said", () => {
    const file = toml('datadir = "/from/file"\nblock-time = 2\n[http]\nport = 9000\naddr = "0.0.0.0"\n');
    const env = { VERITY_HTTP_PORT: "9001", VERITY_BLOCK_TIME: "3", VERITY_METRICS: "true", VERITY_LOG: "warn", VERITY_NO_SUCH: "x" };
    const { args, notices } = settings(["start", "--config", file, "--http.port", "9002"], env);
    expect(args.httpPort).toBe(9002); // flag
    expect(args.blockTime).toBe(3); // environment over file
    expect(args.httpAddr).toBe("0.0.0.0"); // file over default
    expect(args.datadir).toBe("/from/file");
    expect(args.metrics).toEqual({ host: "127.0.0.1", port: 6060 }); // environment over default
    expect(args.corsDomains).toEqual(["*"]); // default
    expect(notices).toEqual(
      expect.arrayContaining([
        `VERITY_HTTP_PORT overrides http.port from ${file}`,
        `VERITY_BLOCK_TIME overrides block-time from ${file}`,
        "--http.port overrides VERITY_HTTP_PORT",
        "VERITY_NO_SUCH is not a verity setting and is ignored",
      ]),
    );
    expect(notices.some((n) => n.includes("VERITY_LOG"))).toBe(false);
    // A variable's bad value names the variable.
    expect(errorOf(() => settings(["start"], { VERITY_HTTP_PORT: "x" }))).toMatch(/^VERITY_HTTP_PORT: expected a non-negative integer/);
    expect(errorOf(() => settings(["start"], { VERITY_WS: "yes" }))).toMatch(/^VERITY_WS: expected true or false/);
    // A boolean the file turns on, the environment turns off.
    const ws = toml("[ws]\nenabled = true\n");
    expect(settings(["--config", ws]).args.ws).toBeDefined();
    expect(settings(["--config", ws], { VERITY_WS: "false" }).args.ws).toBeUndefined();
    // Variables do not reach other commands.
    expect(layerSettings(["status", "--rpc", "http://127.0.0.1:1"], { VERITY_HTTP_PORT: "9001" }).argv).toEqual(["status", "--rpc", "http://127.0.0.1:1"]);
  });

  it("dumpconfig is start's settings under another name", () => {
    const layered = layerSettings(["dumpconfig", "--datadir", "dumpconfig"], {});
    expect(layered.command).toBe("dumpconfig");
    expect(layered.argv).toEqual(["start", "--datadir", "dumpconfig"]);
  });
});
