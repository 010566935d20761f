// Issue 4: four validators in four network namespaces joined by a bridge, each node listening on
// its namespace's own address (--p2p.addr, --http.addr), with netem delay 50 ms ± 10 ms on every
// link, commit blocks and agree on them.
//
// Runs only as root with `ip` and `tc` present and `ip netns add` working; otherwise it is skipped
// and says why. If the kernel has no netem qdisc (some VM kernels are built without
// CONFIG_NET_SCH_NETEM), it says so and adds the same delay in user space instead: in each
// namespace a relay on the p2p port + 1 forwards to the node, holding every chunk in both
// directions for 50 ms ± 10 ms (order kept), and the bootnodes name the relays. Everything lives in namespaces this test creates: a hub namespace holds the bridge (and the
// only other 10.x address, which a prober process in the hub uses to reach the nodes' JSON-RPC),
// so the host's own namespace is never touched. Deleting the namespaces removes the veths and the
// bridge with them; that happens in afterAll, failure or not.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prepareLocalnet } from "../../src/cli/localnet.js";
import { spawnTracked, stopProc, waitUntil, type Proc } from "../helpers/localnet.js";

const VALIDATORS = 4;
const PREFIX = `vn${process.pid % 100_000}`;
const HUB = `${PREFIX}-hub`;
const nsOf = (i: number) => `${PREFIX}-${i}`;
const ipOf = (i: number) => `10.77.0.${i + 1}`;
const HUB_IP = "10.77.0.254";
const HTTP_PORT = 8545;
const P2P_PORT = 30303;
const RELAY_PORT = P2P_PORT + 1;
const DELAY_MS = 50;
const JITTER_MS = 10;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function ip(...args: string[]): string {
  return run("ip", args);
}

function inNs(ns: string, cmd: string, ...args: string[]): string {
  return run("ip", ["netns", "exec", ns, cmd, ...args]);
}

function errorText(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr || err.message || String(e)).trim().split("\n")[0] ?? "";
}

/** Why this host cannot run the test, or null when it can. */
function skipReason(): string | null {
  if (process.platform !== "linux") return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return "not running as root (network namespaces need CAP_NET_ADMIN)";
  for (const tool of ["ip", "tc"]) {
    try {
      run("sh", ["-c", `command -v ${tool}`]);
    } catch {
      return `\`${tool}\` is not installed`;
    }
  }
  const probe = `${PREFIX}-probe`;
  try {
    ip("netns", "add", probe);
  } catch (e) {
    return `\`ip netns add\` failed: ${errorText(e)}`;
  }
  try {
    ip("netns", "del", probe);
  } catch {
    // best effort
  }
  return null;
}

const skip = skipReason();
if (skip) console.warn(`[netns] skipped: ${skip}`);

const procs: Proc[] = [];
let dir: string | undefined;
let created = false;

function deleteNamespaces(): void {
  for (const ns of [...Array.from({ length: VALIDATORS }, (_, i) => nsOf(i)), HUB]) {
    try {
      ip("netns", "del", ns);
    } catch {
      // not created (or already gone)
    }
  }
}

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProc(p)));
  // LOCALNET_LOG_DIR=<dir> keeps every process's log for a post-mortem (as Localnet.stop does).
  const keep = process.env.LOCALNET_LOG_DIR;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    for (const p of procs) writeFileSync(join(keep, `netns-${p.name}.log`), p.log());
  }
  if (created) deleteNamespaces();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/**
 * The hub namespace with bridge br0 (HUB_IP), and per validator a namespace whose veth (eth0, ipOf(i))
 * pairs with a bridge port in the hub. Returns why netem could not be applied, or null if it was.
 */
function buildTopology(): string | null {
  created = true;
  ip("netns", "add", HUB);
  inNs(HUB, "ip", "link", "set", "lo", "up");
  inNs(HUB, "ip", "link", "add", "br0", "type", "bridge");
  inNs(HUB, "ip", "addr", "add", `${HUB_IP}/24`, "dev", "br0");
  inNs(HUB, "ip", "link", "set", "br0", "up");
  let netemProblem: string | null = null;
  for (let i = 0; i < VALIDATORS; i++) {
    const ns = nsOf(i);
    ip("netns", "add", ns);
    // Created directly inside the two namespaces: the host namespace never sees them.
    ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", `port${i}`, "netns", HUB);
    inNs(HUB, "ip", "link", "set", `port${i}`, "master", "br0", "up");
    inNs(ns, "ip", "link", "set", "lo", "up");
    inNs(ns, "ip", "addr", "add", `${ipOf(i)}/24`, "dev", "eth0");
    inNs(ns, "ip", "link", "set", "eth0", "up");
    // Egress delay on every node: each message between two nodes is delayed once, 50 ms ± 10 ms.
    if (netemProblem === null) {
      try {
        inNs(ns, "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", "50ms", "10ms");
      } catch (e) {
        netemProblem = errorText(e);
      }
    }
  }
  return netemProblem;
}

/** Polls every node's JSON-RPC from inside the hub; prints one JSON line per round. */
const PROBER = `
const urls = process.argv.slice(1);
const call = async (url, method, params) => {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), signal: AbortSignal.timeout(2000) });
  return (await r.json()).result;
};
const parent = Number(process.env.VERITY_PARENT_PID);
const until = Date.now() + 300000;
while (Date.now() < until) {
  try { process.kill(parent, 0); } catch { process.exit(0); }
  try {
    const heights = (await Promise.all(urls.map((u) => call(u, "eth_blockNumber", [])))).map((h) => Number(h));
    const min = Math.min(...heights);
    const blocks = await Promise.all(urls.map((u) => call(u, "eth_getBlockByNumber", ["0x" + min.toString(16), false])));
    console.log(JSON.stringify({ heights, min, blocks: blocks.map((b) => b.hash + "/" + b.stateRoot) }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e && e.message || e) }));
  }
  await new Promise((r) => setTimeout(r, 500));
}
`;

/** netem's job done in user space: a TCP relay that delays each chunk by DELAY_MS ± JITTER_MS. */
const DELAY_RELAY = `
import net from "node:net";
const [host, port, target, targetPort, mean, jitter] = process.argv.slice(1);
const delay = () => Number(mean) + (Math.random() * 2 - 1) * Number(jitter);
function relay(from, to) {
  // One FIFO per direction, drained by one timer: chunks leave in order, each no earlier than its
  // own due time (separate timers with equal expiry may fire out of order and corrupt the stream).
  const queue = [];
  let timer = null;
  const drain = () => {
    timer = null;
    while (queue.length > 0 && queue[0].due <= Date.now()) queue.shift().act();
    if (queue.length > 0) timer = setTimeout(drain, queue[0].due - Date.now());
  };
  const later = (act) => {
    const last = queue.length > 0 ? queue[queue.length - 1].due : 0;
    queue.push({ due: Math.max(last, Date.now() + delay()), act });
    if (timer === null) timer = setTimeout(drain, queue[0].due - Date.now());
  };
  from.on("data", (chunk) => later(() => to.destroyed || to.write(chunk)));
  from.on("end", () => later(() => to.destroyed || to.end()));
  from.on("error", () => later(() => to.destroy()));
}
net.createServer((client) => {
  const upstream = net.connect(Number(targetPort), target);
  relay(client, upstream);
  relay(upstream, client);
}).listen(Number(port), host);
const parent = Number(process.env.VERITY_PARENT_PID);
setInterval(() => { try { process.kill(parent, 0); } catch { process.exit(0); } }, 1000);
`;

interface ProbeRound {
  heights?: number[];
  min?: number;
  blocks?: string[];
  error?: string;
}

function rounds(prober: Proc): ProbeRound[] {
  return prober
    .log()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as ProbeRound);
}

describe("network namespaces", () => {
  it.skipIf(skip !== null)(`4 validators in 4 namespaces over a bridge, links delayed 50 ± 10 ms, commit blocks and agree${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const netemProblem = buildTopology();
    if (netemProblem) console.warn(`[netns] netem unavailable (${netemProblem}): delaying p2p traffic by ${DELAY_MS} ms ± ${JITTER_MS} ms with user-space relays instead`);
    const peerPort = netemProblem ? RELAY_PORT : P2P_PORT;

    dir = mkdtempSync(join(tmpdir(), "verity-netns-"));
    // Genesis and validator keys as `verity localnet` writes them; the flags are this topology's.
    const layout = prepareLocalnet({ dir, validators: VALIDATORS, httpPort: HTTP_PORT, p2pPort: P2P_PORT });
    const validators = layout.nodes.filter((n) => n.validator);
    const urls = validators.map((_, i) => `http://${ipOf(i)}:${HTTP_PORT}`);
    validators.forEach((n, i) => {
      const bootnodes = validators.map((_, j) => j).filter((j) => j !== i).map((j) => `/ip4/${ipOf(j)}/tcp/${peerPort}`);
      const args = ["--datadir", n.datadir, "--http.addr", ipOf(i), "--http.port", String(HTTP_PORT), "--http.vhosts", "*"];
      args.push("--p2p.addr", ipOf(i), "--p2p.port", String(P2P_PORT), "--bootnodes", bootnodes.join(","));
      args.push("--dev.accounts", "--log-level", "info", "--block-time", "1");
      procs.push(spawnTracked(n.name, "ip", ["netns", "exec", nsOf(i), process.execPath, "--import", "tsx", "src/cli/main.ts", "start", ...args], urls[i]!));
    });
    if (netemProblem) {
      for (let i = 0; i < VALIDATORS; i++) {
        const relayArgs = [ipOf(i), String(RELAY_PORT), ipOf(i), String(P2P_PORT), String(DELAY_MS), String(JITTER_MS)];
        procs.push(spawnTracked(`relay-${i}`, "ip", ["netns", "exec", nsOf(i), process.execPath, "--input-type=module", "-e", DELAY_RELAY, ...relayArgs], ""));
      }
    }
    const prober = spawnTracked("prober", "ip", ["netns", "exec", HUB, process.execPath, "--input-type=module", "-e", PROBER, ...urls], "");
    procs.push(prober);

    let agreed: ProbeRound | undefined;
    await waitUntil(
      "all four validators to agree on block 5",
      () => {
        for (const p of procs) if (p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode}):\n${p.log().slice(-3000)}`);
        agreed = rounds(prober).find((r) => r.min !== undefined && r.min >= 5 && new Set(r.blocks).size === 1);
        return agreed !== undefined;
      },
      120_000,
      500,
    );
    expect(agreed!.blocks).toHaveLength(VALIDATORS);

    // Each node talked to the others over its namespace address, not loopback.
    for (const [i, p] of procs.slice(0, VALIDATORS).entries()) {
      expect(p.log()).toContain(`listen=/ip4/${ipOf(i)}/tcp/${P2P_PORT}`);
      expect(p.log()).toContain(`url=http://${ipOf(i)}:${HTTP_PORT}`);
    }
    const times = procs
      .slice(0, VALIDATORS)
      .flatMap((p) => [...p.log().matchAll(/committed block number=(\d+) round=(\d+) .* ms=(\d+)/g)])
      // Height 1 waits for the peers to connect; the ones after show the network's pace.
      .filter((m) => Number(m[1]) > 1)
      .map((m) => ({ round: Number(m[2]), ms: Number(m[3]) }));
    const avg = times.reduce((s, t) => s + t.ms, 0) / Math.max(1, times.length);
    console.log(
      `[netns] ${netemProblem ? "user-space relays" : "netem"} ${DELAY_MS}±${JITTER_MS} ms: agreed on block ${agreed!.min} (${agreed!.blocks![0]!.slice(0, 18)}…); ` +
        `heights 2+: start to commit avg ${avg.toFixed(0)} ms over ${times.length} local commits, ${times.filter((t) => t.round > 0).length} needed round > 0`,
    );
    // Delete the namespaces now (afterAll repeats it harmlessly) and check nothing is left behind.
    await Promise.all(procs.map((p) => stopProc(p)));
    deleteNamespaces();
    expect(ip("netns", "list").split("\n").filter((l) => l.startsWith(`${PREFIX}-`))).toEqual([]);
  }, 180_000);
});
