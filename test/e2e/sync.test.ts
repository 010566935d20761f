// Issue 4, "done when" 3: a fresh non-validator node syncs 1000+ blocks from genesis over the sync
// protocol, verifying every certificate and re-executing every block, and reports its progress
// (eth_syncing answers an object while it syncs; its log has "sync progress" and "sync done" lines
// with blocks/s, % and ETA). Prints the measured sync speed.
//
// The 1000 blocks come from a single-validator chain run in this process with a 1 ms block time
// (and no propose window: a lone validator has no competitor to wait for); a share of them carry
// transfers so that re-execution has work to do. That chain is then served, frozen (automine
// with nothing to mine), by an in-process node with p2p; the syncing node is a `verity start` child.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { genesisToJson } from "../../src/chain/genesis-json.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { DEFAULT_TIMEOUTS } from "../../src/consensus/timeouts.js";
import { VerityNode, type NodeOptions } from "../../src/node/node.js";
import { createLogger, silentLogger } from "../../src/util/logger.js";
import { freePort, rpcCall } from "../helpers/process.js";
import { transfer1559 } from "../helpers/txs.js";
import { blockAt, spawnTracked, stopProc, waitForRpc, waitUntil, type Proc } from "../helpers/localnet.js";

const TARGET = 1000n;
const genesis = devGenesis({ validators: 1 });

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}, 60_000);

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "verity-sync-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startInProcess(o: Partial<NodeOptions> & { datadir: string }): Promise<VerityNode> {
  const node = await VerityNode.start({
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 0,
    devAccounts: [],
    validators: [devValidatorKeys(0)],
    logger: process.env.LOCALNET_TEST_LOGS ? createLogger({ level: "info", component: "source" }) : silentLogger,
    ...o,
  });
  // Stopped by the test when done with it, or by afterAll if the test failed first (stop() is idempotent).
  cleanups.push(() => node.stop());
  return node;
}

/** Builds TARGET+ blocks on a lone validator; every fourth block or so carries a transfer. */
async function produceChain(datadir: string): Promise<void> {
  const producer = await startInProcess({ datadir, blockTimeMs: 1, consensusTimeouts: { ...DEFAULT_TIMEOUTS, proposeWindowMs: 0 } });
  const senders = deriveDevAccounts(4);
  const to = deriveDevAccounts(10)[9]!.address;
  let nonce = 0n;
  while (producer.chain.head.header.number < TARGET) {
    // Keep a few transfers in the pool while blocks go by (the pool holds them until mined).
    if (nonce < 250n) {
      await Promise.all(
        senders.map((s) => rpcCall(producer.rpcUrl, "eth_sendRawTransaction", [bytesToHex(transfer1559(s.privateKey, { nonce, to, value: 1n }).serialize())])),
      );
      nonce++;
    }
    await new Promise((r) => setTimeout(r, 15));
  }
  await producer.stop();
}

describe("block sync", () => {
  it("a fresh non-validator node syncs 1000+ blocks from genesis, verifying and re-executing, and reports progress", async () => {
    const sourceDir = tempDir();
    const t0 = performance.now();
    await produceChain(sourceDir);
    const producedIn = (performance.now() - t0) / 1000;

    // Serve it, frozen: automine with an empty pool builds nothing.
    const p2pPort = await freePort();
    const source = await startInProcess({ datadir: sourceDir, p2p: { host: "127.0.0.1", port: p2pPort, bootnodes: [], maxPeers: 25 } });
    const head = source.chain.head.header.number;
    expect(head).toBeGreaterThanOrEqual(TARGET);

    const syncDir = tempDir();
    writeFileSync(join(syncDir, "genesis.json"), genesisToJson(genesis));
    const httpPort = await freePort();
    const args = ["--import", "tsx", "src/cli/main.ts", "start", "--datadir", syncDir, "--http.port", String(httpPort), "--p2p.port", "0"];
    args.push("--bootnodes", `/ip4/127.0.0.1/tcp/${p2pPort}`, "--log-level", "info");
    const follower: Proc = spawnTracked("follower", process.execPath, args, `http://127.0.0.1:${httpPort}`);
    cleanups.push(() => stopProc(follower));
    await waitForRpc(follower);

    // eth_syncing reports an object while the sync runs, then false.
    let sawSyncing: { startingBlock: string; currentBlock: string; highestBlock: string } | null = null;
    await waitUntil(
      "the follower to reach the source's head",
      async () => {
        const s = await rpcCall<false | { startingBlock: string; currentBlock: string; highestBlock: string }>(follower.url, "eth_syncing");
        if (s !== false && sawSyncing === null) sawSyncing = s;
        return BigInt(await rpcCall<string>(follower.url, "eth_blockNumber")) >= head;
      },
      240_000,
      50,
    );
    expect(sawSyncing).not.toBeNull();
    expect(BigInt(sawSyncing!.highestBlock)).toBe(head);
    await waitUntil("eth_syncing false", async () => (await rpcCall(follower.url, "eth_syncing")) === false, 10_000);

    // The same chain: head hash, state root, and a block in the middle.
    for (const n of [head, TARGET / 2n]) {
      const [a, b] = await Promise.all([blockAt(source.rpcUrl, n), blockAt(follower.url, n)]);
      expect({ hash: b?.hash, stateRoot: b?.stateRoot }).toEqual({ hash: a?.hash, stateRoot: a?.stateRoot });
    }
    const balance = (url: string) => rpcCall<string>(url, "eth_getBalance", [bytesToHex(deriveDevAccounts(10)[9]!.address), "latest"]);
    expect(await balance(follower.url)).toBe(await balance(source.rpcUrl));

    // Progress lines: blocks/s, percentage and ETA, then a summary with the rate.
    const log = follower.log();
    expect(log).toMatch(/sync progress head=\d+ target=\d+ percent=[\d.]+ blocksPerSec=[\d.]+ eta=\w+/);
    const done = [...log.matchAll(/sync done head=(\d+) blocks=(\d+) seconds=([\d.]+) blocksPerSec=([\d.]+)/g)];
    expect(done.length).toBeGreaterThan(0);
    const synced = done.reduce((n, m) => n + Number(m[2]), 0);
    const seconds = done.reduce((n, m) => n + Number(m[3]), 0);
    expect(synced).toBeGreaterThanOrEqual(Number(TARGET));
    console.log(
      `[sync] produced ${head} blocks in ${producedIn.toFixed(1)} s; a fresh node synced ${synced} blocks in ${seconds.toFixed(1)} s: ${(synced / seconds).toFixed(0)} blocks/s (certificate checks + re-execution + commit)`,
    );
    // Generous: on a 2-core host shared with other suites, producing the chain alone can take minutes.
  }, 420_000);
});
