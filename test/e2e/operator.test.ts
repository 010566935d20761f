// An operator's node as a process: settings from a TOML config file, validator keys encrypted by
// `verity init` and unlocked with the file's password-file, JSON logs, a second node refused on the
// same data dir, and a wrong password refused before anything starts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, rpcCall, spawnNode, type NodeProcess } from "../helpers/process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });

let dir: string;
let node: NodeProcess | null = null;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-operator-"));
});
afterAll(() => {
  if (node && node.child.exitCode === null) node.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("an operator's node", () => {
  it("runs from a config file with encrypted keys, logs JSON, and keeps its data dir to itself", async () => {
    const data = join(dir, "chain");
    writeFileSync(join(dir, "password"), "operator password\n");
    writeFileSync(join(dir, "wrong-password"), "not it\n");
    const init = run(["init", "--datadir", data, "--chain-id", "4242", "--validators", "2", "--password-file", join(dir, "password"), "--lightkdf"]);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/\(encrypted\)/);
    const keyFile = readFileSync(join(data, "validator-0.json"), "utf8");
    expect(JSON.parse(keyFile)).toMatchObject({ version: 3, crypto: { kdf: "scrypt", cipher: "aes-128-ctr" }, verity: { kind: "verity-validator-keys" } });

    const config = join(dir, "verity.toml");
    writeFileSync(config, `datadir = "${data}"\npassword-file = "${join(dir, "password")}"\nlog-level = "info"\nblock-time = 0.2\n\n[log]\nformat = "json"\n`);
    const dumped = run(["dumpconfig", "--config", config]);
    expect(dumped.status, dumped.stderr).toBe(0);
    expect(dumped.stdout).toContain(`datadir = "${data}"`);
    expect(dumped.stdout).toMatch(/\[log\]\nformat = "json"/);

    const port = await freePort();
    node = await spawnNode(["--config", config], { port });
    expect(await rpcCall(node.url, "eth_chainId")).toBe("0x1092");
    // The encrypted validator keys were unlocked: the two validators commit blocks.
    let height = 0;
    for (let i = 0; i < 100 && height < 2; i++) {
      height = Number(await rpcCall<string>(node.url, "eth_blockNumber"));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(height).toBeGreaterThanOrEqual(2);
    const logLines = node.output().split("\n").filter((l) => l.startsWith("{"));
    const opened = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.msg === "chain opened");
    expect(opened).toMatchObject({ level: "info", module: "node", chainId: "4242", datadir: data });
    expect(typeof opened?.time).toBe("string");

    // A second node on the same data dir stops at once and says why.
    const second = run(["start", "--config", config, "--http.port", String(await freePort())]);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`verity: the data dir ${data} is in use by another verity node`);

    node.child.kill("SIGTERM");
    expect(await node.exited).toBe(0);

    // A wrong password: the node does not start, and names the file.
    const wrong = run(["start", "--config", config, "--password-file", join(dir, "wrong-password"), "--http.port", String(await freePort())]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`verity: ${join(data, "validator-0.json")}: wrong password (the MAC does not match)`);
    // No password at all: says where to give one.
    const none = run(["start", "--datadir", data, "--http.port", String(await freePort())], { VERITY_PASSWORD: undefined });
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/validator-0\.json: encrypted: give --password-file FILE or set VERITY_PASSWORD/);
  }, 180_000);
});
