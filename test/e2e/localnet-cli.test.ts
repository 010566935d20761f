// `verity localnet` itself: it prints every endpoint and the dev accounts, its nodes find each other
// and follow one chain, and stopping it leaves no orphans: SIGTERM stops every node cleanly, and
// even a SIGKILLed localnet's nodes notice their parent is gone and shut down. Kept small (one
// validator and the RPC node) since the multi-validator behaviour is covered by localnet.test.ts.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rpcCall } from "../helpers/process.js";
import { blockNumber, freePortRange, sleep, stopProc, track, waitUntil, type Proc } from "../helpers/localnet.js";

const ROOT = resolve(import.meta.dirname, "../..");
const started: Proc[] = [];
const childPids = new Set<number>();
let dir: string | undefined;

afterAll(async () => {
  await Promise.all(started.map((p) => stopProc(p, 5_000)));
  for (const pid of childPids) if (alive(pid)) process.kill(pid, "SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Live (non-zombie) processes whose parent is `ppid`, from /proc. */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...; comm may hold spaces or parentheses, so split after the last ')'.
      const [state, parent] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(parent) === ppid && state !== "Z") out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  try {
    return !readFileSync(`/proc/${pid}/stat`, "utf8").slice(-200).includes(") Z ");
  } catch {
    return false;
  }
}

async function startLocalnet(httpPort: number, p2pPort: number): Promise<Proc> {
  const args = ["--import", "tsx", "src/cli/main.ts", "localnet", "--validators", "1", "--datadir", dir!];
  args.push("--http.port", String(httpPort), "--p2p.port", String(p2pPort), "--block-time", "0.5");
  const p = track("localnet", spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }), "");
  started.push(p);
  const urls = [httpPort, httpPort + 1].map((port) => `http://127.0.0.1:${port}`);
  // Both nodes answer, and the RPC node follows the validator's chain.
  await waitUntil("both nodes to follow one chain", async () => (await Promise.all(urls.map((u) => blockNumber(u).catch(() => -1n)))).every((h) => h >= 2n), 90_000, 250);
  for (const pid of childrenOf(p.child.pid!)) childPids.add(pid);
  return p;
}

describe("verity localnet", () => {
  it("prints the endpoints and dev accounts; SIGTERM stops every node, and a SIGKILLed localnet's nodes stop by themselves", async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-localnet-cli-"));
    const base = await freePortRange(4);
    const [httpPort, p2pPort] = [base, base + 2];

    const first = await startLocalnet(httpPort, p2pPort);
    const out = first.log();
    expect(out).toMatch(new RegExp(`validator-0 +JSON-RPC http://127\\.0\\.0\\.1:${httpPort} +p2p /ip4/127\\.0\\.0\\.1/tcp/${p2pPort}`));
    expect(out).toMatch(new RegExp(`rpc +JSON-RPC http://127\\.0\\.0\\.1:${httpPort + 1} +p2p /ip4/127\\.0\\.0\\.1/tcp/${p2pPort + 1}`));
    expect(out).toContain("(0) 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266  0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    const nodes = childrenOf(first.child.pid!);
    expect(nodes).toHaveLength(2);
    const chainId = await rpcCall<string>(`http://127.0.0.1:${httpPort + 1}`, "eth_chainId");
    expect(BigInt(chainId)).toBe(31337n);

    first.child.kill("SIGTERM");
    expect(await Promise.race([first.exited, sleep(20_000).then(() => "still running")])).toBe(0);
    for (const pid of nodes) expect(alive(pid), `node ${pid} after SIGTERM`).toBe(false);

    // Same data dirs again (the chain resumes), then the localnet process dies without a word.
    const second = await startLocalnet(httpPort, p2pPort);
    const again = childrenOf(second.child.pid!);
    expect(again).toHaveLength(2);
    second.child.kill("SIGKILL");
    await second.exited;
    await waitUntil("the orphaned nodes to stop themselves", () => again.every((pid) => !alive(pid)), 20_000, 100);
  }, 180_000);
});
