// The password prompt at a real terminal: `verity validator keys show` run under util-linux's
// `script`, which gives it a pseudo-terminal (and, with -E never, echoes nothing itself); the password typed is not echoed, opens the file, and
// a mistyped confirmation of a new password is refused.
import { afterEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { keysFromSeed } from "../../src/chain/validator-keys.js";
import { encryptValidatorKeys } from "../../src/keystore/key-files.js";
import { SCRYPT_N_LIGHT } from "../../src/keystore/v3.js";

const ROOT = resolve(import.meta.dirname, "../..");
const hasScript = spawnSync("script", ["--version"]).status === 0;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `verity <args>` on a pseudo-terminal, answering each prompt (in order) with a line. */
function atTerminal(args: string[], answers: string[]): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.VERITY_PASSWORD;
  const command = [process.execPath, "--import", "tsx", "src/cli/main.ts", ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("script", ["-q", "-E", "never", "-e", "-c", command, "/dev/null"], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  let answered = 0;
  const onOutput = (d: Buffer) => {
    output += d.toString();
    const prompts = output.match(/(Password for [^:]+|New password for [^:]+|Repeat it): /g)?.length ?? 0;
    while (answered < prompts && answered < answers.length) child.stdin.write(`${answers[answered++]}\r`);
  };
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);
  return new Promise((res) => child.once("exit", (code) => res({ code, output })));
}

describe.skipIf(!hasScript)("password prompt", () => {
  it("opens an encrypted key file with the password typed at the terminal, without echoing it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-prompt-"));
    dirs.push(dir);
    const keys = keysFromSeed(new TextEncoder().encode("prompted"));
    writeFileSync(join(dir, "validator-0.json"), await encryptValidatorKeys(keys, "typed secret", SCRYPT_N_LIGHT));
    const ok = await atTerminal(["validator", "keys", "show", "--datadir", dir, "--chain-id", "31337"], ["typed secret"]);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toContain("Password for the validator key files: ");
    expect(ok.output).toContain(`"file": "${join(dir, "validator-0.json")}"`);
    expect(ok.output).not.toContain("typed secret");
    const wrong = await atTerminal(["validator", "keys", "show", "--datadir", dir, "--chain-id", "31337"], ["mistyped"]);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain("wrong password");
  }, 60_000);

  it("asks twice for a new password and refuses two that differ", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-prompt-"));
    dirs.push(dir);
    const r = await atTerminal(["validator", "keys", "new", "--datadir", dir, "--chain-id", "31337", "--lightkdf"], ["one", "two"]);
    expect(r.output).toContain("Repeat it: ");
    expect(r.code).toBe(2);
    expect(r.output).toContain("the passwords do not match");
    expect(readdirSync(dir)).toEqual([]);
    const made = await atTerminal(["validator", "keys", "new", "--datadir", dir, "--chain-id", "31337", "--lightkdf"], ["same", "same"]);
    expect(made.code, made.output).toBe(0);
    expect(made.output).toMatch(/"proofOfPossession": "0x[0-9a-f]{288}"/);
  }, 60_000);
});
