// The short soak (issue 15): `npm run soak` as a user runs it, for about a minute and a half of load
// on 4 validator processes and an RPC node, with one fault of every kind within f (SIGKILL, SIGSTOP,
// a partition, added latency and loss, a wiped data dir, a clock offset) one after another. It
// asserts the soak's invariants from its JSON report: one chain on every node, every receipt kept,
// contiguous nonces and no accepted transaction lost, no double signing, every heal followed by
// progress within the bound, memory bounded. It runs in the smoke config, alone (vitest.smoke.config.ts):
// its five nodes and the faults must not share the two cores with the timing-sensitive network tests.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_FAULT_KINDS } from "../../bench/soak/faults.js";
import type { SoakResult } from "../../bench/soak/run.js";

const ROOT = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "verity-soak-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("short soak (npm run soak)", () => {
  it("keeps every invariant through one fault of each kind under load", { timeout: 320_000 }, async () => {
    const args = ["--validators", "4", "--minutes", "1.5", "--rate", "8", "--seed", "3", "--hold", "4-5", "--gap", "1-2", "--recovery-bound", "60", "--every-kind", "--out", out];
    const run = await promisify(execFile)(process.execPath, ["--import", "tsx", "bench/soak/main.ts", ...args], { cwd: ROOT, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }).catch(
      (e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? "", stderr: `${e.message}\n${e.stderr ?? ""}` }),
    );
    const json = readdirSync(out).find((f) => /^soak-.*\.json$/.test(f));
    expect(json, `${run.stdout}\n${run.stderr}`).toBeDefined();
    expect(readdirSync(out).filter((f) => f.endsWith(".md") || f.endsWith(".svg"))).toHaveLength(2);
    const r = (JSON.parse(readFileSync(join(out, json!), "utf8")) as { result: SoakResult }).result;

    expect(r.violations, run.stdout).toEqual([]);
    expect(r.checks.map((c) => c.invariant).sort()).toEqual(["double-sign", "memory", "no-vanished-tx", "node-exit", "nonces", "one-chain", "receipts", "recovery"]);
    for (const c of r.checks) expect(c, run.stdout).toMatchObject({ passed: true });
    // Every kind within f was injected, and every fault was followed by a recovery.
    expect(new Set(r.faults.map((f) => f.kind)), run.stdout).toEqual(new Set(DEFAULT_FAULT_KINDS));
    for (const f of r.faults) expect(f.recoverySeconds, `${f.kind} ${f.target}`).not.toBeNull();
    // The load was real and none of it was lost.
    expect(r.txs.accepted).toBeGreaterThan(300);
    expect(r.txs.vanished).toBe(0);
    expect(r.txs.included + r.txs.pending).toBe(r.txs.accepted);
    expect(r.finalHeight).toBeGreaterThan(r.faults.at(-1)!.heightAtHeal);
    // The checks looked at something: every node's heights, the signing records of the downed validators.
    expect(r.signing.length).toBeGreaterThanOrEqual(4);
    expect(r.heads.some((h) => h.node === "rpc")).toBe(true);
    expect(r.linkConnectionsRefused).toBeGreaterThan(0);
  });
});
