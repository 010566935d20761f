// A full disk at the storage boundary, for real: a ChainStore on a small tmpfs that is then filled
// to the last byte. The block batch and the signing record that no longer fit fail as DiskFullError
// naming what was being written, the owner is told once, nothing committed before is lost, and once
// space is freed the reopened store has the last committed block as head and takes new ones. Also
// which errors count as "disk full".
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChainStore } from "../../src/storage/chain-store.js";
import { DiskFullError, isDiskFull } from "../../src/storage/disk-full.js";
import { smallDisk, type SmallDisk } from "../helpers/small-disk.js";

const disk = smallDisk(8);
if (typeof disk === "string") console.warn(`disk-full storage test skipped: ${disk}`);
const mounted: SmallDisk | null = typeof disk === "string" ? null : disk;

const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));

/** A block record of about `size` bytes (storage lays out keys; it does not decode blocks). */
const record = (n: number, size = 4096) => ({ hash: randomBytes(32), number: BigInt(n), blockBytes: randomBytes(size), receiptsBytes: randomBytes(64), txHashes: [randomBytes(32)] });

describe("isDiskFull", () => {
  it("knows the system's ENOSPC and EDQUOT, LevelDB's IO error text, and a cause chain; nothing else", () => {
    expect(isDiskFull(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error("quota"), { code: "EDQUOT" }))).toBe(true);
    expect(isDiskFull(new Error("IO error: /d/000005.log: No space left on device"))).toBe(true);
    expect(isDiskFull(new Error("write failed", { cause: new Error("IO error: /d/MANIFEST-000002: No space left on device") }))).toBe(true);
    expect(isDiskFull(new Error("IO error: /d/000005.log: Permission denied"))).toBe(false);
    expect(isDiskFull(Object.assign(new Error("busy"), { code: "EBUSY" }))).toBe(false);
    expect(isDiskFull("No space left on device")).toBe(false);
  });
});

/** Writes past the end of the filled disk: each write fails as DiskFullError, the owner told once. */
async function fillsUp(store: ChainStore, d: SmallDisk, told: DiskFullError[], committed: Uint8Array[]): Promise<void> {
  expect(d.freeBytes()).toBeLessThan(64 * 1024);
  // A block larger than anything left: LevelDB's log append fails with ENOSPC.
  const failed = store.commitBlock(record(20, 256 * 1024));
  await expect(failed).rejects.toThrow(DiskFullError);
  await expect(failed).rejects.toThrow(new RegExp(`^writing block 20 failed: the disk holding ${store.dir} is full \\(.*No space left on device`, "i"));
  // LevelDB refuses every write after a failed one; each is a DiskFullError, the owner told only once.
  await expect(store.putSigningRecord("validator-x", randomBytes(130))).rejects.toThrow(/^recording what validator-x signs failed: the disk holding .* is full/);
  expect(told).toHaveLength(1);
  expect(told[0]!.message).toMatch(/^writing block 20 failed/);
  // Reads still answer, and the head is the last block that fit.
  expect(await store.getHeadHash()).toEqual(committed.at(-1));
}

describe.skipIf(mounted === null)("a ChainStore on a disk that fills up", () => {
  afterAll(() => mounted?.unmount());

  it("fails the write that does not fit as DiskFullError, tells its owner once, and reopens whole at the last committed block", async () => {
    const d = mounted!;
    const dir = join(d.dir, "db");
    let store = await ChainStore.open(dir);
    const told: DiskFullError[] = [];
    store.onDiskFull((e) => told.push(e));
    const committed: Uint8Array[] = [];
    for (let n = 0; n < 20; n++) {
      const r = record(n);
      await store.commitBlock({ ...r, ...(n === 0 ? { isGenesis: true } : {}) });
      committed.push(r.hash);
    }
    d.fill();
    try {
      await fillsUp(store, d, told, committed);
    } finally {
      await store.close();
      d.empty();
    }
    store = await ChainStore.open(dir);
    try {
      expect(await store.getHeadHash()).toEqual(committed.at(-1));
      for (const [n, hash] of committed.entries()) expect(await store.getCanonicalHash(BigInt(n)), `block ${n}`).toEqual(hash);
      const next = record(20);
      await store.commitBlock(next);
      expect(await store.getHeadHash()).toEqual(next.hash);
    } finally {
      await store.close();
    }
  });

  it("fails a signing record that does not fit as DiskFullError; after space is freed both copies read back, the file never ahead of the database", async () => {
    const d = mounted!;
    const dir = join(d.dir, "db2");
    let store = await ChainStore.open(dir);
    const told: DiskFullError[] = [];
    store.onDiskFull((e) => told.push(e));
    const first = randomBytes(130);
    const second = randomBytes(130);
    await store.putSigningRecord("validator-y", first);
    d.fill();
    try {
      await expect(store.putSigningRecord("validator-y", second)).rejects.toThrow(DiskFullError);
      expect(told).toHaveLength(1);
    } finally {
      await store.close();
      d.empty();
    }
    store = await ChainStore.open(dir);
    try {
      const inDb = await store.getSigningRecord("validator-y");
      const inFile = await store.getSigningRecordFile("validator-y");
      // The database is written first: it holds the first record or the second; the file copy the
      // first, or the same as the database (a copy ahead of the database would refuse the start).
      expect([first, second]).toContainEqual(inDb);
      expect([first, inDb]).toContainEqual(inFile);
    } finally {
      await store.close();
    }
  });
});
