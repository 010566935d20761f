// Metrics and probes on a real node: a dev node started with --metrics on a free port is scraped over
// HTTP, its Prometheus text parsed strictly (test/helpers/prometheus.ts), and the figures compared
// with what JSON-RPC says (head, pool, requests served, refusals). /health and /ready answer on the
// metrics listener and on the JSON-RPC port; a node that holds a key outside the validator set and
// is networked without peers is not ready, and says why. The Grafana dashboard names only metrics a
// running node exports.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCli, type StartArgs } from "../../src/cli/args.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { VerityNode } from "../../src/node/node.js";
import { silentLogger } from "../../src/util/logger.js";
import { scrape } from "../helpers/prometheus.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let n: RpcTestNode;
let rpc: RpcClient;
let metricsUrl: string;
const [a0, a1, a2] = DEV;

beforeAll(async () => {
  n = await startRpcTestNode({ metrics: true });
  rpc = new RpcClient(n.url);
  metricsUrl = n.node.metricsUrl!;
});

afterAll(async () => {
  await n?.stop();
});

const hexNumber = (h: string) => Number(BigInt(h));

async function signed(from: { key: string }, nonce: number, chainId = 31337n): Promise<string> {
  return new Wallet(from.key).signTransaction({ to: a1!.address, value: 1n, gasLimit: 21_000n, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, chainId, nonce, type: 2 });
}

describe("--metrics", () => {
  it("listens on the port it was given (0: a free one) and reports it", () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
    expect(Number(new URL(metricsUrl).port)).toBeGreaterThan(0);
  });

  it("serves Prometheus text with the head JSON-RPC reports, and process metrics", async () => {
    const hash = await rpc.call<string>("eth_sendTransaction", [{ from: a0!.address, to: a1!.address, value: "0x1" }]);
    const receipt = await rpc.receipt(hash);
    const [m, head] = await Promise.all([scrape(metricsUrl), rpc.call<string>("eth_blockNumber")]);
    expect(Math.abs(m.value("verity_chain_head_height") - hexNumber(head))).toBeLessThanOrEqual(1);
    expect(m.value("verity_chain_head_height")).toBeGreaterThanOrEqual(hexNumber(receipt.blockNumber));
    const block = await rpc.call<{ timestamp: string; number: string }>("eth_getBlockByNumber", [`0x${m.value("verity_chain_head_height").toString(16)}`, false]);
    expect(m.value("verity_chain_head_timestamp_seconds")).toBe(hexNumber(block.timestamp));
    expect(m.types.get("verity_chain_head_height")).toBe("gauge");
    // The block was built, agreed, committed here: each step was observed.
    expect(m.value("verity_chain_blocks_committed_total", { origin: "consensus" })).toBeGreaterThanOrEqual(1);
    expect(m.value("verity_block_build_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(m.value("verity_block_commit_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(m.value("verity_consensus_finality_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(m.value("verity_consensus_rounds_per_height_count")).toBe(m.value("verity_chain_blocks_committed_total"));
    expect(m.value("verity_txpool_admitted_total", { origin: "rpc", status: "pending" })).toBe(1);
    // The four in-process validators hear one another's proposals and votes.
    expect(m.value("verity_consensus_messages_received_total")).toBeGreaterThan(0);
    expect(m.value("verity_consensus_messages_accepted_total")).toBeGreaterThan(0);
    expect(m.types.get("verity_consensus_messages_dropped_total")).toBe("counter");
    expect(m.value("verity_consensus_local_validators", { active: "true" })).toBe(4);
    expect(m.value("verity_node_ready")).toBe(1);
    // State trie reads by source: executing blocks read nodes, and the recent-nodes cache serves most.
    expect(m.types.get("verity_state_node_reads_total")).toBe("counter");
    expect(m.value("verity_state_node_reads_total", { source: "cache" })).toBeGreaterThan(0);
    expect(m.has("verity_state_node_reads_total", { source: "disk" })).toBe(true);
    expect(m.has("verity_state_node_reads_total", { source: "unwritten" })).toBe(true);
    expect(m.samples.find((s) => s.name === "verity_node_info")?.labels.version).toMatch(/^verity\/v/);
    // prom-client's default process metrics.
    for (const name of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds"]) {
      expect(m.has(name), name).toBe(true);
    }
  });

  it("counts JSON-RPC requests by method, including unknown methods, and their latency", async () => {
    const before = await scrape(metricsUrl);
    const ok = { method: "eth_blockNumber", transport: "http", outcome: "ok" };
    for (let i = 0; i < 3; i++) await rpc.call("eth_blockNumber");
    expect((await rpc.raw("eth_noSuchMethod")).error?.code).toBe(-32601);
    const after = await scrape(metricsUrl);
    expect(after.value("verity_rpc_requests_total", ok) - before.value("verity_rpc_requests_total", ok)).toBe(3);
    const unknown = { method: "unknown", transport: "http", outcome: "error" };
    expect(after.value("verity_rpc_requests_total", unknown) - before.value("verity_rpc_requests_total", unknown)).toBe(1);
    expect(after.has("verity_rpc_requests_total", { method: "eth_noSuchMethod" })).toBe(false);
    const timed = { method: "eth_blockNumber", transport: "http" };
    expect(after.value("verity_rpc_request_duration_seconds_count", timed) - before.value("verity_rpc_request_duration_seconds_count", timed)).toBe(3);
    expect(after.value("verity_rpc_request_duration_seconds_bucket", { ...timed, le: "+Inf" })).toBe(after.value("verity_rpc_request_duration_seconds_count", timed));
  });

  it("reports the pool's pending and queued counts as txpool_status does, and refusals by reason code", async () => {
    // Nonce 5 of an account at nonce 0: queued behind the gap.
    const queued = await signed(a2!, 5);
    await rpc.call("eth_sendRawTransaction", [queued]);
    // Signed for another chain: refused with the pool's code.
    const foreign = await signed(a2!, 0, 1n);
    expect((await rpc.raw("eth_sendRawTransaction", [foreign])).error?.message).toMatch(/invalid chain id/);
    const [m, status] = await Promise.all([scrape(metricsUrl), rpc.call<{ pending: string; queued: string }>("txpool_status")]);
    expect(m.value("verity_txpool_queued")).toBe(hexNumber(status.queued));
    expect(m.value("verity_txpool_pending")).toBe(hexNumber(status.pending));
    expect(m.value("verity_txpool_queued")).toBe(1);
    expect(m.value("verity_txpool_admitted_total", { origin: "rpc", status: "queued" })).toBe(1);
    expect(m.value("verity_txpool_rejected_total", { origin: "rpc", reason: "invalid-chain-id" })).toBe(1);
  });

  it("names in the Grafana dashboard only metrics the node exports", async () => {
    const dashboard = JSON.parse(readFileSync(new URL("../../docs/grafana/verity.json", import.meta.url), "utf8")) as {
      panels: { title: string; targets?: { expr: string }[] }[];
      templating: { list: { query: string }[] };
    };
    const queries = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
      ...dashboard.templating.list.map((v) => ({ where: "templating", expr: v.query })),
    ];
    expect(queries.length).toBeGreaterThan(20);
    const exported = (await scrape(metricsUrl)).names();
    // PromQL's functions, aggregations and keywords; every other identifier outside label matchers,
    // ranges and strings must be a metric the scrape declared.
    const promql = new Set([
      "sum", "rate", "increase", "histogram_quantile", "by", "without", "time", "label_values", "avg", "max", "min", "irate",
    ]);
    for (const { where, expr } of queries) {
      const bare = expr
        .replace(/\{[^}]*\}/g, "")
        .replace(/\[[^\]]*\]/g, "")
        .replace(/\b(by|without)\s*\([^)]*\)/g, "")
        .replace(/label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*),\s*[a-z_]+\)/g, "$1");
      const names = (bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !promql.has(w) && !/^[0-9]/.test(w));
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${where}: ${name} (in ${expr}) is not exported`).toBe(true);
    }
  });
});

describe("/health and /ready", () => {
  for (const where of ["metrics listener", "JSON-RPC port"] as const) {
    it(`answer on the ${where}`, async () => {
      const base = where === "metrics listener" ? metricsUrl : n.url;
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      expect(health.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await health.json()).toMatchObject({ status: "ok" });
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: "ready", reasons: [], peers: null, syncing: false, validators: { held: 4, active: 4, setSize: 4 } });
      expect((body.head as { number: string }).number).toBe(`${BigInt(await rpc.call<string>("eth_blockNumber"))}`);
    });
  }

  it("leave the JSON-RPC port's own routes as they were", async () => {
    const status = (await (await fetch(n.url)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ name: "verity", rpc: "POST / (JSON-RPC 2.0)" });
    expect((await fetch(`${n.url}/nothing`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/nothing`)).status).toBe(404);
  });

  it("say why a networked node without peers whose key is not in the set is not ready (503)", async () => {
    const datadir = mkdtempSync(join(tmpdir(), "verity-ready-test-"));
    const node = await VerityNode.start({
      datadir,
      genesis: devGenesis(),
      http: { host: "127.0.0.1", port: 0, corsDomains: [], vhosts: ["*"] },
      blockTimeMs: 0,
      devAccounts: [],
      // The dev genesis elects validators 0..3: key 7 is held but not in the set.
      validators: [devValidatorKeys(7)],
      p2p: { host: "127.0.0.1", port: 0, bootnodes: [], maxPeers: 5 },
      metrics: { host: "127.0.0.1", port: 0 },
      logger: silentLogger,
    });
    try {
      for (const base of [node.metricsUrl!, node.rpcUrl]) {
        const ready = await fetch(`${base}/ready`);
        expect(ready.status).toBe(503);
        const body = (await ready.json()) as { status: string; reasons: { code: string; message: string }[]; peers: number; validators: unknown };
        expect(body.status).toBe("not ready");
        expect(body.reasons.map((r) => r.code).sort()).toEqual(["no-peers", "not-participating"]);
        expect(body.reasons.find((r) => r.code === "not-participating")?.message).toMatch(/none of this node's 1 validator key\(s\) is in the validator set of height 1/);
        expect(body.peers).toBe(0);
        expect(body.validators).toEqual({ held: 1, active: 0, setSize: 4 });
        expect((await fetch(`${base}/health`)).status).toBe(200);
      }
      const m = await scrape(node.metricsUrl!);
      expect(m.value("verity_node_ready")).toBe(0);
      expect(m.value("verity_p2p_peers")).toBe(0);
      expect(m.value("verity_consensus_local_validators", { active: "false" })).toBe(1);
    } finally {
      await node.stop();
      rmSync(datadir, { recursive: true, force: true });
    }
  });
});

describe("metrics flags", () => {
  const start = (...argv: string[]) => parseCli(["start", ...argv]) as StartArgs;
  it("are off by default, and default to 127.0.0.1:6060 (geth's) when on", () => {
    expect(start().metrics).toBeUndefined();
    expect(start("--metrics").metrics).toEqual({ host: "127.0.0.1", port: 6060 });
    expect(start("--metrics", "--metrics.addr", "0.0.0.0", "--metrics.port", "9100").metrics).toEqual({ host: "0.0.0.0", port: 9100 });
  });
  it("refuse --metrics.addr and --metrics.port without --metrics", () => {
    expect(() => start("--metrics.port", "9100")).toThrow("--metrics.addr and --metrics.port need --metrics");
  });
});
