// Storage faults (issue 15): a data directory damaged while the node was down makes `verity start`
// refuse with one line that says what is wrong and what to do, never a stack trace and never a start
// on silently lost data. The data directory is a real one (`verity init`, then a node that ran and
// committed blocks); each case damages a copy of it the way disks and operators do.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainStore } from "../../src/storage/chain-store.js";
import { DAMAGED_MARKER } from "../../src/storage/integrity.js";
import { freePort, rpcCall, spawnNode } from "../helpers/process.js";

const ROOT = resolve(import.meta.dirname, "../..");
let base: string;
let template: string;

/** Runs `verity <args>` to its exit (bounded: 60 s); its exit code and everything it printed. */
async function verity(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, VERITY_LOG: "warn" } });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((res) => child.once("exit", (c) => res(c)));
  clearTimeout(timer);
  return { code, output };
}

/** A fresh copy of the template data directory. */
function copy(name: string): string {
  const dir = join(base, name);
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** `verity start` on `dir` must refuse: exit 1, one "verity: …" line matching `reason`, no stack trace. */
async function expectRefusal(dir: string, reason: RegExp): Promise<string> {
  const { code, output } = await verity(["start", "--datadir", dir, "--http.port", String(await freePort()), "--block-time", "0"]);
  expect(code, output).toBe(1);
  const line = output.split("\n").find((l) => l.startsWith("verity: ")) ?? "";
  expect(line, output).toMatch(reason);
  expect(output, "no stack trace").not.toMatch(/^\s+at /m);
  return line;
}

/** Overwrites `length` bytes at `offset` of a file with a pattern. */
function scribble(file: string, offset: number, length: number): void {
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(length, 0x5a), 0, length, offset);
  closeSync(fd);
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "verity-storage-faults-"));
  template = join(base, "template");
  const init = await verity(["init", "--datadir", template, "--validators", "1", "--plaintext-keys"]);
  expect(init.code, init.output).toBe(0);
  // Run it until it has committed blocks (and so written signing records), then stop it cleanly.
  const node = await spawnNode(["--datadir", template, "--block-time", "0.1"], { port: await freePort() });
  const deadline = Date.now() + 30_000;
  while (BigInt(await rpcCall<string>(node.url, "eth_blockNumber")) < 30n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(node.output()).toContain("Listening on");
  node.child.kill("SIGTERM");
  expect(await node.exited).toBe(0);
}, 120_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("a damaged data directory", () => {
  it("(control) an undamaged copy starts and keeps its chain", async () => {
    const dir = copy("healthy");
    const node = await spawnNode(["--datadir", dir, "--block-time", "0"], { port: await freePort() });
    expect(BigInt(await rpcCall<string>(node.url, "eth_blockNumber"))).toBeGreaterThanOrEqual(30n);
    // The banner comes right before the signal handlers are installed: a SIGTERM before it kills outright.
    const deadline = Date.now() + 10_000;
    while (!node.output().includes("Listening on") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    node.child.kill("SIGTERM");
    expect(await node.exited).toBe(0);
  }, 60_000);

  it("a corrupt signing record: refuses, naming the record and the database", async () => {
    const dir = copy("signing-record");
    const store = await ChainStore.open(dir);
    const [name] = await store.signingRecordNames();
    expect(name).toMatch(/^validator-0x[0-9a-f]{40}$/);
    await store.putSigningRecord(name!, Uint8Array.of(1, 7, 7, 7));
    await store.close();
    await expectRefusal(dir, new RegExp(`^verity: signing record of ${name} in the database at ${dir} is corrupt \\(.+\\); refusing to sign without it`));
  }, 60_000);

  it("records damaged in LevelDB's log: refuses, and keeps refusing until the marker is removed", async () => {
    const dir = copy("damaged-log");
    const log = readdirSync(dir).filter((f) => f.endsWith(".log")).sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0]!;
    const size = statSync(join(dir, log)).size;
    expect(size, "the log holds the recent blocks").toBeGreaterThan(64 * 1024);
    scribble(join(dir, log), Math.floor(size / 3), 64);
    await expectRefusal(dir, new RegExp(`^verity: the database at ${dir} is damaged: LevelDB dropped damaged records while opening it \\(.*Corruption`));
    // LevelDB has compacted the damaged log away by now: the marker is what still knows.
    expect(existsSync(join(dir, DAMAGED_MARKER))).toBe(true);
    await expectRefusal(dir, new RegExp(`found on an earlier start; remove ${join(dir, DAMAGED_MARKER)} only once the data is restored`));
  }, 60_000);

  it("LevelDB's log cut short at its tail (synced writes lost): the signing record's file copy notices", async () => {
    const dir = copy("truncated-log");
    const log = readdirSync(dir).filter((f) => f.endsWith(".log")).sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0]!;
    // LevelDB takes a log that ends mid-record for a crash and opens the state before it, silently.
    truncateSync(join(dir, log), Math.floor(statSync(join(dir, log)).size / 2));
    await expectRefusal(dir, new RegExp(`^verity: the database at ${dir} lost writes: validator-0x[0-9a-f]{40} signed up to height \\d+ round \\d+ \\w+ \\(${join(dir, "signing-records")}/validator-0x[0-9a-f]{40}\\.bin\\) but the database's signing record only shows height \\d+`));
  }, 60_000);

  it("a corrupt file copy of the signing record: refuses, naming the file", async () => {
    const dir = copy("signing-file");
    const [file] = readdirSync(join(dir, "signing-records"));
    writeFileSync(join(dir, "signing-records", file!), Uint8Array.of(9, 9));
    await expectRefusal(dir, new RegExp(`^verity: signing record of validator-0x[0-9a-f]{40} in ${join(dir, "signing-records", file!).replace(/\./g, "\\.")} is corrupt`));
  }, 60_000);

  it("LevelDB's CURRENT file gone: refuses instead of starting an empty database beside the old one", async () => {
    const dir = copy("no-current");
    unlinkSync(join(dir, "CURRENT"));
    await expectRefusal(dir, new RegExp(`^verity: the database at ${dir} is damaged: its CURRENT file is missing while data files are there`));
    expect(existsSync(join(dir, "CURRENT")), "nothing was created").toBe(false);
  }, 60_000);

  it("a truncated manifest: refuses with LevelDB's reason", async () => {
    const dir = copy("manifest");
    const manifest = readdirSync(dir).find((f) => f.startsWith("MANIFEST-"))!;
    truncateSync(join(dir, manifest), 10);
    await expectRefusal(dir, new RegExp(`^verity: cannot open the database at ${dir}: Corruption: `));
  }, 60_000);

  it("the validator's key file missing: refuses instead of running without the validator", async () => {
    const dir = copy("no-key");
    unlinkSync(join(dir, "validator-0.json"));
    await expectRefusal(dir, /^verity: the database at .+ holds the signing record of validator 0x[0-9a-f]{40}, but no key for it was loaded: its key file \(validator-\*\.json in the data directory\) is missing/);
  }, 60_000);

  it("the validator's key file truncated: refuses, naming the file", async () => {
    const dir = copy("bad-key");
    writeFileSync(join(dir, "validator-0.json"), '{"address": "0x12');
    await expectRefusal(dir, new RegExp(`^verity: ${join(dir, "validator-0.json")}: not valid JSON`));
  }, 60_000);
});
