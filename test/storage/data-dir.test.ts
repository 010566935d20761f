// Data dir hygiene on a real LevelDB: one node per data dir, and data of another format refused with
// what to do.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { ChainStore, DATA_FORMAT_VERSION, DataDirError } from "../../src/storage/chain-store.js";
import { FORMAT_VERSION_KEY, HEAD_KEY } from "../../src/storage/keys.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), "verity-datadir-"));
  dirs.push(d);
  return d;
};

async function withRawDb(dir: string, f: (db: ClassicLevel<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  await db.open();
  try {
    await f(db);
  } finally {
    await db.close();
  }
}

describe("data dir", () => {
  it("is opened by one store at a time, and free again once closed", async () => {
    const dir = dataDir();
    const first = await ChainStore.open(dir);
    const second = await ChainStore.open(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(DataDirError);
    expect((second as Error).message).toBe(
      `the data dir ${dir} is in use by another verity node (its database lock is held): stop that node first, or give this one a --datadir of its own`,
    );
    await first.close();
    const again = await ChainStore.open(dir);
    await again.close();
  });

  it("records its format, and refuses a newer or an older one", async () => {
    const dir = dataDir();
    await (await ChainStore.open(dir)).close();
    await withRawDb(dir, async (db) => expect([...(await db.get(FORMAT_VERSION_KEY))!]).toEqual([DATA_FORMAT_VERSION]));

    await withRawDb(dir, (db) => db.put(FORMAT_VERSION_KEY, Uint8Array.of(DATA_FORMAT_VERSION + 1)));
    await expect(ChainStore.open(dir)).rejects.toThrow(new RegExp(`written by a newer verity \\(data format ${DATA_FORMAT_VERSION + 1}; this one reads format ${DATA_FORMAT_VERSION}\\): run that newer version, or move the dir aside`));
    // The refusal closed the database: the dir is not left locked.
    await withRawDb(dir, (db) => db.put(FORMAT_VERSION_KEY, Uint8Array.of(0)));
    await expect(ChainStore.open(dir)).rejects.toThrow(/has data format 0, which no migration turns into format 1: move it aside and sync again/);
  });

  it("takes a dir written before formats were recorded as format 1", async () => {
    const dir = dataDir();
    await withRawDb(dir, (db) => db.put(HEAD_KEY, new Uint8Array(32)));
    const store = await ChainStore.open(dir);
    expect(await store.getHeadHash()).toEqual(new Uint8Array(32));
    await store.close();
    await withRawDb(dir, async (db) => expect([...(await db.get(FORMAT_VERSION_KEY))!]).toEqual([1]));
  });
});
