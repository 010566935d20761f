// Gossiped transaction admission on real parts (the node's block pipeline on a temp LevelDB, real
// signed transfers): batches are admitted one at a time, the queue yields to the event loop between
// slices, a batch beyond the bound is ignored (shed) rather than queued, and verdicts are those of
// the old per-batch rule (accept if anything new, reject if one transaction no node would accept).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { openBlockPipeline, type BlockPipeline } from "../../src/node/block-pipeline.js";
import { GossipTxIngress } from "../../src/node/tx-gossip-ingress.js";
import { silentLogger } from "../../src/util/logger.js";
import { transfer1559 } from "../helpers/txs.js";

const accounts = deriveDevAccounts(4);
const genesis = devGenesis();
const to = accounts[3]!.address;

let dir: string;
let p: BlockPipeline;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-ingress-"));
  p = await openBlockPipeline({ datadir: dir, genesis, logger: silentLogger });
});
afterEach(async () => {
  await p.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `count` signed transfers of dev account `who`, nonces from `first`. */
const transfers = (who: number, count: number, first = 0) =>
  Array.from({ length: count }, (_, i) => transfer1559(accounts[who]!.privateKey, { nonce: BigInt(first + i), to }).serialize());

describe("GossipTxIngress", () => {
  it("admits batches one after another, never two at once, and gives each its verdict", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const ingress = new GossipTxIngress({
      submit: async (raw) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await p.txs.submit(raw, "gossip");
        } finally {
          inFlight--;
        }
      },
    });
    const batches = [transfers(0, 20), transfers(1, 20), transfers(2, 20)];
    const verdicts = await Promise.all(batches.map((b) => ingress.offer(b)));
    expect(verdicts).toEqual(["accept", "accept", "accept"]);
    expect(maxInFlight).toBe(1);
    expect(p.pool.stats().pending).toBe(60);
    expect(ingress.waiting).toBe(0);
    // The same batch again brings nothing new: ignored, not rejected (a duplicate is no fault).
    const again = await ingress.offer(batches[0]!);
    expect(again).toMatchObject({ verdict: "ignore" });
  });

  it("rejects a batch carrying a transaction no node would accept", async () => {
    const ingress = new GossipTxIngress({ submit: (raw) => p.txs.submit(raw, "gossip") });
    const bad = new Uint8Array([0x02, 0xc0]); // a type-2 envelope around an empty list: undecodable
    const verdict = await ingress.offer([...transfers(0, 2), bad]);
    expect(verdict).toMatchObject({ verdict: "reject" });
  });

  it("lets the event loop run between slices of a long batch", async () => {
    // A clock that moves 1 ms per reading: an 8 ms slice ends every few transactions.
    let t = 0;
    const order: string[] = [];
    const ingress = new GossipTxIngress({
      now: () => (t += 1),
      sliceMs: 8,
      submit: async (raw) => {
        const r = await p.txs.submit(raw, "gossip");
        order.push("tx");
        return r;
      },
    });
    const done = ingress.offer(transfers(0, 40));
    // Scheduled after the batch started: without yielding it would run only after all 40 admissions
    // (LevelDB reads are served from the executor's caches here, so admissions need no I/O turn).
    setImmediate(() => order.push("other task"));
    expect(await done).toBe("accept");
    const at = order.indexOf("other task");
    expect(at).toBeGreaterThan(-1);
    expect(at).toBeLessThan(order.length - 1);
  });

  it("sheds a batch when the bound is reached, and takes batches again once the queue drained", async () => {
    const shed: number[] = [];
    const ingress = new GossipTxIngress({ submit: (raw) => p.txs.submit(raw, "gossip"), maxQueuedTxs: 30, onShed: (n) => shed.push(n) });
    const first = ingress.offer(transfers(0, 20));
    const second = ingress.offer(transfers(1, 20)); // 20 + 20 > 30: shed at once
    expect(await second).toMatchObject({ verdict: "ignore", reason: expect.stringContaining("admission queue full") });
    expect(shed).toEqual([20]);
    expect(await first).toBe("accept");
    expect(await ingress.offer(transfers(1, 20))).toBe("accept");
    expect(p.pool.stats().pending).toBe(40);
    // A single batch larger than the bound is taken when nothing waits (the decoder bounds batches).
    expect(await ingress.offer(transfers(2, 40))).toBe("accept");
  });
});
