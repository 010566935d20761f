// The `verity` command as an operator uses it: help, init, start from the files init wrote, and
// clear errors for bad flags and bad genesis files.
import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { freePort, rpcCall, spawnNode, type NodeProcess } from "../helpers/process.js";
import { transfer1559 } from "../helpers/txs.js";

const ROOT = resolve(import.meta.dirname, "../..");
const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
const dirs: string[] = [];
const procs: NodeProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("verity CLI", () => {
  it("prints help and refuses unknown flags with a hint", () => {
    const help = run(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--http\.port/);
    expect(help.stdout).toMatch(/verity init/);
    const bad = run(["start", "--no-such-flag"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/no-such-flag/);
    expect(bad.stderr).toMatch(/--help/);
    const port = run(["start", "--http.port", "99999"]);
    expect(port.stderr).toMatch(/--http\.port: must be 0\.\.65535/);
  });

  it("passes the --txpool.* flags to the node's pool, and refuses bad values", async () => {
    expect(run(["start", "--txpool.globalslots", "0"]).stderr).toMatch(/--txpool\.globalslots: must be 1\.\.10000000/);
    expect(run(["start", "--txpool.pricelimit", "1.5"]).stderr).toMatch(/--txpool\.pricelimit: expected wei/);
    expect(run(["--help"]).stdout).toMatch(/--txpool\.accountqueue N/);
    const dir = mkdtempSync(join(tmpdir(), "verity-cli-"));
    dirs.push(dir);
    const port = await freePort();
    const node = await spawnNode(["--datadir", dir, "--block-time", "60", "--txpool.pricelimit", "2000000000", "--txpool.accountqueue", "1"], { port });
    procs.push(node);
    const [alice] = deriveDevAccounts(1);
    const raw = (nonce: bigint, tip: bigint) =>
      bytesToHex(transfer1559(alice!.privateKey, { nonce, to: alice!.address, maxPriorityFeePerGas: tip }).serialize());
    await expect(rpcCall(node.url, "eth_sendRawTransaction", [raw(0n, 10n ** 9n)])).rejects.toThrow(/gas tip cap 1000000000, minimum needed 2000000000/);
    await rpcCall(node.url, "eth_sendRawTransaction", [raw(3n, 2n * 10n ** 9n)]);
    await expect(rpcCall(node.url, "eth_sendRawTransaction", [raw(4n, 2n * 10n ** 9n)])).rejects.toThrow(/account limit exceeded: queued 1 txs/);
    node.child.kill("SIGTERM");
    expect(await node.exited).toBe(0);
  });

  it("--dev.gaslimit sets the dev chain's block gas limit, and refuses what it cannot honour", async () => {
    expect(run(["start", "--dev.gaslimit", "20999"]).stderr).toMatch(/--dev\.gaslimit: expected 21000\.\.1000000000 gas, got "20999"/);
    expect(run(["start", "--dev.gaslimit", "3e7"]).stderr).toMatch(/--dev\.gaslimit: expected 21000\.\.1000000000 gas/);
    const initialized = mkdtempSync(join(tmpdir(), "verity-cli-"));
    dirs.push(initialized);
    expect(run(["init", "--datadir", initialized, "--plaintext-keys"]).status).toBe(0);
    expect(run(["start", "--datadir", initialized, "--dev.gaslimit", "60000000"]).stderr).toMatch(
      /--dev\.gaslimit 60000000 contradicts the genesis file's gasLimit 30000000/,
    );

    const dir = mkdtempSync(join(tmpdir(), "verity-cli-"));
    dirs.push(dir);
    const port = await freePort();
    const node = await spawnNode(["--datadir", dir, "--dev.gaslimit", "60000000"], { port });
    procs.push(node);
    const [alice] = deriveDevAccounts(1);
    const hash = await rpcCall<string>(node.url, "eth_sendRawTransaction", [bytesToHex(transfer1559(alice!.privateKey, { nonce: 0n, to: alice!.address }).serialize())]);
    let receipt: { blockNumber: string } | null = null;
    for (let i = 0; i < 100 && receipt === null; i++) {
      receipt = await rpcCall<{ blockNumber: string } | null>(node.url, "eth_getTransactionReceipt", [hash]);
      if (receipt === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(receipt).not.toBeNull();
    const block = await rpcCall<{ gasLimit: string }>(node.url, "eth_getBlockByNumber", [receipt!.blockNumber, false]);
    expect(BigInt(block.gasLimit)).toBe(60_000_000n);
    for (let i = 0; i < 100 && !/Gas limit:\s+60000000/.test(node.output()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(node.output()).toMatch(/Gas limit:\s+60000000/);
    node.child.kill("SIGTERM");
    expect(await node.exited).toBe(0);
  });

  it("names the bad field of a genesis file", () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-cli-"));
    dirs.push(dir);
    writeFileSync(join(dir, "g.json"), JSON.stringify({ chainId: 5, validators: [{ address: "0x12" }] }));
    const r = run(["start", "--datadir", join(dir, "data"), "--genesis", join(dir, "g.json")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/invalid genesis: validators\[0\]\.address: expected 20 bytes/);
  });

  it("init writes a genesis and validator keys, and start runs that chain", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-cli-"));
    dirs.push(dir);
    writeFileSync(join(dir, "password.txt"), "correct horse\n");
    const init = run(["init", "--datadir", dir, "--chain-id", "4242", "--validators", "3", "--password-file", join(dir, "password.txt"), "--lightkdf"]);
    expect(init.status, init.stderr).toBe(0);
    const genesis = JSON.parse(readFileSync(join(dir, "genesis.json"), "utf8")) as { chainId: number; validators: unknown[] };
    expect(genesis.chainId).toBe(4242);
    expect(genesis.validators).toHaveLength(3);
    expect(existsSync(join(dir, "validator-2.json"))).toBe(true);
    expect(run(["init", "--datadir", dir, "--plaintext-keys"]).stderr).toMatch(/exists \(use --force/);

    const port = await freePort();
    const node = await spawnNode(["--datadir", dir, "--password-file", join(dir, "password.txt")], { port });
    procs.push(node);
    expect(await rpcCall(node.url, "eth_chainId")).toBe("0x1092");
    // The banner is printed once the node is up, which may be just after its RPC first answers.
    for (let i = 0; i < 100 && !/Chain ID:\s+4242/.test(node.output()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(node.output()).toMatch(/Chain ID:\s+4242/);
    node.child.kill("SIGTERM");
    expect(await node.exited).toBe(0);
  });
});
