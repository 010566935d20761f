// `verity status --rpc URL` against a real running node: the figures it prints are those JSON-RPC and
// /ready report; a namespace the node does not serve shows as unavailable; an unreachable node is a
// clear error and a non-zero exit.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/args.js";
import { fetchStatus, formatStatus } from "../../src/cli/status.js";
import { freePort } from "../helpers/process.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

const ROOT = resolve(import.meta.dirname, "../..");
let n: RpcTestNode;
let limited: RpcTestNode;
let rpc: RpcClient;

beforeAll(async () => {
  n = await startRpcTestNode();
  limited = await startRpcTestNode({ apis: ["eth", "web3"] });
  rpc = new RpcClient(n.url);
});

afterAll(async () => {
  await n?.stop();
  await limited?.stop();
});

describe("verity status", () => {
  it("prints the head, peers, sync, pool, validators and readiness JSON-RPC reports", async () => {
    const [a0, a1] = DEV;
    await rpc.receipt(await rpc.call<string>("eth_sendTransaction", [{ from: a0!.address, to: a1!.address, value: "0x1" }]));
    const status = await fetchStatus(`${n.url}/`);
    const head = await rpc.call<{ number: string; hash: string; timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    expect(status.head).toEqual({ number: BigInt(head.number), hash: head.hash, timestamp: BigInt(head.timestamp) });
    expect(status.chainId).toBe(31337n);
    const text = formatStatus(status, BigInt(head.timestamp) + 3n);
    expect(text).toContain(`Head:       #${BigInt(head.number)} ${head.hash} (3 s ago)`);
    expect(text).toContain("Peers:      0");
    expect(text).toContain("Syncing:    no");
    expect(text).toContain("Pool:       0 pending, 0 queued");
    expect(text).toContain("Validators: 4 in the set; this node runs 4 key(s), 4 in the set");
    expect(text).toContain("Ready:      yes");
  });

  it("shows what the node does not serve as unavailable", async () => {
    const text = formatStatus(await fetchStatus(limited.url));
    expect(text).toContain("Peers:      unavailable");
    expect(text).toContain("Pool:       unavailable");
    expect(text).toMatch(/Head: {7}#[0-9]+ 0x[0-9a-f]{64}/);
  });

  it("runs as a command, and says when it cannot reach the node", async () => {
    // Asynchronously: the node runs in this process and must answer while the command waits.
    const run = (args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
        execFile(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) =>
          done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const ok = await run(["status", "--rpc", n.url]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Node: {7}http:\/\/127\.0\.0\.1:[0-9]+ \(verity\/v/);
    expect(ok.stdout).toContain("Ready:      yes");
    const down = await run(["status", "--rpc", `http://127.0.0.1:${await freePort()}`]);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/^verity: cannot read the head from http:\/\/127\.0\.0\.1:[0-9]+: .*ECONNREFUSED/);
  });

  it("takes --rpc only for status, and only an http(s) URL", () => {
    expect(parseCli(["status"])).toEqual({ command: "status", rpc: "http://127.0.0.1:8545" });
    expect(() => parseCli(["status", "--rpc", "localhost:8545"])).toThrow('--rpc: expected an http:// or https:// URL, got "localhost:8545"');
    expect(() => parseCli(["start", "--rpc", "http://x"])).toThrow("--rpc is a flag of verity status");
  });
});
