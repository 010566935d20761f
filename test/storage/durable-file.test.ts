// writeFileDurably: the signing records' file copies. Real files in a temp dir: the directory is
// made when missing, a rewrite replaces the bytes whole, and no temporary file is left behind.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFileIfExists, writeFileDurably } from "../../src/storage/durable-file.js";

describe("writeFileDurably", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("makes the directory, replaces the file whole and leaves no temporary file", async () => {
    const root = mkdtempSync(join(tmpdir(), "verity-durable-"));
    dirs.push(root);
    const path = join(root, "records", "validator-0.bin");
    expect(await readFileIfExists(path)).toBeUndefined();
    writeFileDurably(path, new Uint8Array(4096).fill(7));
    writeFileDurably(path, Uint8Array.from([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(await readFileIfExists(path)).toEqual(Uint8Array.from([1, 2, 3]));
    expect(readdirSync(join(root, "records"))).toEqual(["validator-0.bin"]);
  });

  it("throws where the file cannot be written", () => {
    const root = mkdtempSync(join(tmpdir(), "verity-durable-"));
    dirs.push(root);
    // A directory where the file should be: the rename fails, and the caller hears of it.
    writeFileDurably(join(root, "a", "x.bin"), Uint8Array.from([1]));
    expect(() => writeFileDurably(join(root, "a"), Uint8Array.from([2]))).toThrow();
  });
});
