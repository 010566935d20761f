// What LevelDB's `sync: true` costs on this file system: every block commit is one synced batch
// (atomic durability is a requirement), so this is the floor the commit stage pays per block.
// Measured on a scratch database next to the bench's data dirs: the same small batch written with
// and without sync, alternately, median of each.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { median } from "./stats.js";

export interface SyncCost {
  /** Median wall ms of a synced batch, of the same batch unsynced, and their difference (the fsync). */
  syncedMs: number;
  unsyncedMs: number;
  fsyncMs: number;
  samples: number;
}

export async function measureSyncCost(samples = 30, batchBytes = 64 * 1024): Promise<SyncCost> {
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-fsync-"));
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  await db.open();
  try {
    const synced: number[] = [];
    const unsynced: number[] = [];
    const value = new Uint8Array(1024).fill(7);
    for (let i = 0; i < samples * 2; i++) {
      const ops = Array.from({ length: batchBytes / 1024 }, (_, k) => ({ type: "put" as const, key: Uint8Array.of(i >> 8, i & 255, k), value }));
      const sync = i % 2 === 0;
      const t0 = performance.now();
      await db.batch(ops, { sync });
      (sync ? synced : unsynced).push(performance.now() - t0);
    }
    const syncedMs = median(synced);
    const unsyncedMs = median(unsynced);
    return { syncedMs, unsyncedMs, fsyncMs: syncedMs - unsyncedMs, samples };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
