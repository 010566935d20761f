// Network metrics on two real networked nodes in this process: a two-validator chain where each node
// holds one key, so that neither decides without the other's gossiped proposals and votes. Their
// scrapes agree with JSON-RPC (peers as net_peerCount) and count the gossip each saw by topic and
// verdict; both are ready (synced, a peer, their key in the set). One of them alone cannot decide: its
// rounds time out, step by step, and the timeouts are counted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import type { TimeoutConfig } from "../../src/consensus/timeouts.js";
import { VerityNode } from "../../src/node/node.js";
import { silentLogger } from "../../src/util/logger.js";
import { waitUntil } from "../helpers/localnet.js";
import { freePort, rpcCall } from "../helpers/process.js";
import { scrape } from "../helpers/prometheus.js";

const genesis = devGenesis({ validators: 2 });
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}, 60_000);

async function start(i: number, p2pPort: number, bootnodes: string[], consensusTimeouts?: TimeoutConfig): Promise<VerityNode> {
  const datadir = mkdtempSync(join(tmpdir(), "verity-netmetrics-"));
  cleanups.push(async () => rmSync(datadir, { recursive: true, force: true }));
  const node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: [], vhosts: ["*"] },
    blockTimeMs: 200,
    devAccounts: [],
    validators: [devValidatorKeys(i)],
    p2p: { host: "127.0.0.1", port: p2pPort, bootnodes, maxPeers: 5 },
    metrics: { host: "127.0.0.1", port: 0 },
    ...(consensusTimeouts ? { consensusTimeouts } : {}),
    logger: silentLogger,
  });
  cleanups.push(() => node.stop());
  return node;
}

describe("network metrics", () => {
  it("count gossip by topic and verdict, and peers as net_peerCount reports them", async () => {
    const portA = await freePort();
    const a = await start(0, portA, []);
    const b = await start(1, await freePort(), [`/ip4/127.0.0.1/tcp/${portA}`]);
    await waitUntil("both nodes commit blocks together", async () => BigInt(await rpcCall<string>(b.rpcUrl, "eth_blockNumber")) >= 3n, 45_000);
    for (const node of [a, b]) {
      const [m, peers] = await Promise.all([scrape(node.metricsUrl!), rpcCall<string>(node.rpcUrl, "net_peerCount")]);
      expect(m.value("verity_p2p_peers")).toBe(Number(BigInt(peers)));
      expect(m.value("verity_p2p_peers")).toBeGreaterThanOrEqual(1);
      // Neither validator decides alone: each published and accepted the other's votes.
      expect(m.value("verity_p2p_gossip_published_total", { topic: "vote" })).toBeGreaterThan(0);
      expect(m.value("verity_p2p_gossip_received_total", { topic: "vote", verdict: "accept" })).toBeGreaterThan(0);
      expect(m.value("verity_consensus_gossip_messages_total", { kind: "vote", verdict: "accept" })).toBe(
        m.value("verity_p2p_gossip_received_total", { topic: "vote", verdict: "accept" }),
      );
      expect(m.value("verity_consensus_messages_accepted_total")).toBeGreaterThan(0);
      expect(m.value("verity_sync_syncing")).toBe(0);
      const ready = await fetch(`${node.metricsUrl}/ready`);
      const body = (await ready.json()) as { status: string; reasons: unknown[]; validators: unknown };
      expect(body, JSON.stringify(body)).toMatchObject({ status: "ready", reasons: [], validators: { held: 1, active: 1, setSize: 2 } });
      expect(ready.status).toBe(200);
      expect(m.value("verity_node_ready")).toBe(1);
    }
  });

  it("count the step timeouts of a validator that cannot reach a quorum alone", async () => {
    const fast: TimeoutConfig = { proposeMs: 100, proposeDeltaMs: 0, prevoteMs: 100, prevoteDeltaMs: 0, precommitMs: 100, precommitDeltaMs: 0 };
    const lone = await start(0, await freePort(), [], fast);
    await waitUntil("a few rounds time out", async () => (await scrape(lone.metricsUrl!)).value("verity_consensus_round") >= 2, 30_000);
    const m = await scrape(lone.metricsUrl!);
    expect(m.value("verity_chain_head_height")).toBe(0);
    expect(m.value("verity_consensus_height")).toBe(1);
    // Its own proposal and prevote are in hand, the other half of the stake never answers: the
    // prevote and precommit steps run out in every round.
    expect(m.value("verity_consensus_timeouts_total", { step: "prevote" })).toBeGreaterThanOrEqual(2);
    expect(m.value("verity_consensus_timeouts_total", { step: "precommit" })).toBeGreaterThanOrEqual(2);
    const ready = (await (await fetch(`${lone.rpcUrl}/ready`)).json()) as { reasons: { code: string }[] };
    expect(ready.reasons.map((r) => r.code)).toEqual(["no-peers"]);
  });
});
