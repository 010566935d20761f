// How fast a wiped validator catches up: a chain of N validators (all in this process, as the dev
// chain runs them) is built with a few transfers in most blocks, then served frozen over p2p by an
// in-process node, and a fresh `verity start` child syncs it from genesis. Prints blocks/s (over the
// whole catch-up, from the child's first answer to its head reaching the source's), the sizes of what
// sync moves (block and certificate bytes per block, and so per 128-block response), and with
// --profile the child's CPU profile by package with its idle share (time spent waiting).
//
//   npm exec -- tsx bench/sync/sync-rate.ts --blocks 1000 --validators 4 [--profile] [--keep DIR]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Profiler } from "node:inspector";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { genesisToJson } from "../../src/chain/genesis-json.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { DEFAULT_TIMEOUTS } from "../../src/consensus/timeouts.js";
import { VerityNode, type NodeOptions } from "../../src/node/node.js";
import { silentLogger } from "../../src/util/logger.js";
import { transfer1559 } from "../../test/helpers/txs.js";
import { freePort, spawnService, waitForRpc } from "../harness/processes.js";
import { PROJECT_ROOT } from "../harness/nodes.js";
import { formatProfile, summarizeProfile } from "../lib/cpu-profile.js";

const { values } = parseArgs({
  options: {
    blocks: { type: "string", default: "1000" },
    validators: { type: "string", default: "4" },
    txs: { type: "string", default: "8" },
    profile: { type: "boolean", default: false },
    keep: { type: "string" },
  },
});
const BLOCKS = BigInt(values.blocks);
const VALIDATORS = Number(values.validators);
const TXS_PER_BLOCK = Number(values.txs);
const genesis = devGenesis({ validators: VALIDATORS });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await r.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

function nodeOptions(datadir: string, o: Partial<NodeOptions>): NodeOptions {
  return { datadir, genesis, http: { host: "127.0.0.1", port: 0, corsDomains: [], vhosts: ["*"] }, blockTimeMs: 0, devAccounts: [], validators: [], logger: silentLogger, ...o };
}

/** Builds BLOCKS blocks, TXS_PER_BLOCK transfers offered before each (8 senders). */
async function produce(datadir: string): Promise<void> {
  const node = await VerityNode.start(
    nodeOptions(datadir, { blockTimeMs: 1, validators: genesis.validators.map((_, i) => devValidatorKeys(i)), consensusTimeouts: { ...DEFAULT_TIMEOUTS, proposeWindowMs: 0 } }),
  );
  const senders = deriveDevAccounts(8);
  const to = deriveDevAccounts(10)[9]!.address;
  const nonces = senders.map(() => 0n);
  let last = -1n;
  while (node.chain.head.header.number < BLOCKS) {
    const head = node.chain.head.header.number;
    if (head !== last) {
      last = head;
      await Promise.all(
        Array.from({ length: TXS_PER_BLOCK }, (_, i) => {
          const s = i % senders.length;
          const tx = transfer1559(senders[s]!.privateKey, { nonce: nonces[s]!++, to, value: 1n });
          return rpc(node.rpcUrl, "eth_sendRawTransaction", [bytesToHex(tx.serialize())]);
        }),
      );
    }
    await sleep(5);
  }
  await node.stop();
}

async function main(): Promise<void> {
  const work = values.keep ?? mkdtempSync(join(tmpdir(), "verity-sync-rate-"));
  mkdirSync(work, { recursive: true });
  const sourceDir = join(work, "source");
  const t0 = performance.now();
  if (readdirSync(work).includes("source")) console.log(`reusing the chain in ${sourceDir}`);
  else {
    await produce(sourceDir);
    console.log(`produced ${BLOCKS} blocks (${VALIDATORS} validators, ${TXS_PER_BLOCK} transfers a block) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const p2pPort = await freePort();
  const source = await VerityNode.start(nodeOptions(sourceDir, { p2p: { host: "127.0.0.1", port: p2pPort, bootnodes: [], maxPeers: 25 } }));
  const head = source.chain.head.header.number;
  let blockBytes = 0;
  let certBytes = 0;
  let txs = 0;
  for (let n = 1n; n <= head; n++) {
    const hash = (await source.chain.getCanonicalHash(n))!;
    blockBytes += (await source.chain.store.getBlockBytes(hash))!.length;
    certBytes += (await source.chain.store.getCertificateBytes(hash))!.length;
    txs += (await source.chain.getBlockByNumber(n))!.transactions.length;
  }
  const per = (x: number) => x / Number(head);
  console.log(
    `source head ${head}: per block ${per(blockBytes).toFixed(0)} B block + ${per(certBytes).toFixed(0)} B certificate, ${per(txs).toFixed(1)} transactions; a 128-block response ${((128 * per(blockBytes + certBytes)) / 1024).toFixed(0)} KiB`,
  );

  const followerDir = join(work, `follower-${Date.now()}`);
  mkdirSync(followerDir);
  writeFileSync(join(followerDir, "genesis.json"), genesisToJson(genesis));
  const httpPort = await freePort();
  const profDir = join(followerDir, "profile");
  const args = [...(values.profile ? ["--cpu-prof", "--cpu-prof-dir", profDir] : []), "--import", "tsx", "src/cli/main.ts", "start", "--datadir", followerDir];
  args.push("--http.port", String(httpPort), "--p2p.port", "0", "--bootnodes", `/ip4/127.0.0.1/tcp/${p2pPort}`, "--log-level", "info,p2p=warn");
  const logFile = join(followerDir, "follower.log");
  const url = `http://127.0.0.1:${httpPort}`;
  const follower = spawnService({ name: "follower", command: process.execPath, args, cwd: PROJECT_ROOT, logFile });
  try {
    await waitForRpc(follower, url, 90_000);
    const began = performance.now();
    const samples: Array<[number, number]> = [];
    for (;;) {
      const n = Number(BigInt(await rpc<string>(url, "eth_blockNumber")));
      samples.push([(performance.now() - began) / 1000, n]);
      if (BigInt(n) >= head) break;
      if (performance.now() - began > 20 * 60_000) throw new Error(`not synced after 20 min: at ${n} of ${head}`);
      await sleep(200);
    }
    const seconds = (performance.now() - began) / 1000;
    console.log(`follower synced ${head} blocks in ${seconds.toFixed(1)} s: ${(Number(head) / seconds).toFixed(1)} blocks/s from its first answer`);
    const [hashA, hashB] = await Promise.all([rpc<{ hash: string }>(source.rpcUrl, "eth_getBlockByNumber", ["latest", false]), rpc<{ hash: string }>(url, "eth_getBlockByNumber", ["latest", false])]);
    if (hashA.hash !== hashB.hash) throw new Error(`different heads: ${hashA.hash} vs ${hashB.hash}`);
    const log = readFileSync(logFile, "utf8");
    for (const m of log.matchAll(/sync done head=(\d+) blocks=(\d+) seconds=([\d.]+) blocksPerSec=([\d.]+)/g)) console.log(`  ${m[0]}`);
  } finally {
    await follower.stop();
    await source.stop();
  }
  if (values.profile) {
    const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) {
      const profile = JSON.parse(readFileSync(join(profDir, file), "utf8")) as Profiler.Profile;
      const summary = summarizeProfile(profile, 30);
      const wallMs = (profile.endTime - profile.startTime) / 1000;
      console.log(
        `follower process: ${(wallMs / 1000).toFixed(1)} s wall, ${(summary.totalMs / 1000).toFixed(1)} s busy (${((summary.totalMs / wallMs) * 100).toFixed(0)} %), the rest idle; ${(summary.totalMs / Number(head)).toFixed(1)} ms of CPU a block (start-up included)`,
      );
      console.log(formatProfile(summary, 25));
    } else console.log("no CPU profile written");
  }
  if (values.keep === undefined) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}

await main();
