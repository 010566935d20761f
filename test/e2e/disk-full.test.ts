// A node whose disk fills up, for real (issue 14): `verity start` on a small tmpfs, committing blocks
// every 200 ms, with the free-disk check off (--datadir.minfreedisk 0) so that LevelDB's writes (or
// the signing records' file copies) are what hit ENOSPC. The node stops at once by itself: one error
// line saying what happened and what to do, exit code 1. Once space is freed, the same data dir
// starts again at the block it had last committed (every earlier block unchanged) and goes on.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, spawnNode } from "../helpers/process.js";
import { blockAt, blockNumber, waitUntil } from "../helpers/localnet.js";
import { smallDisk, type SmallDisk } from "../helpers/small-disk.js";

const disk = smallDisk(40);
if (typeof disk === "string") console.warn(`disk-full test skipped: ${disk}`);
const mounted: SmallDisk | null = typeof disk === "string" ? null : disk;

afterAll(() => mounted?.unmount());

describe.skipIf(mounted === null)("a node on a disk that fills up", () => {
  it("stops cleanly with one line saying what to do and exit code 1, and starts again where it was once space is freed", async () => {
    const d = mounted!;
    const datadir = join(d.dir, "node");
    const args = ["--datadir", datadir, "--block-time", "0.2", "--log-level", "info"];
    const first = await spawnNode([...args, "--datadir.minfreedisk", "0"], { port: await freePort(), readyTimeoutMs: 60_000 });
    let exit: number | string | null = null;
    void first.exited.then((code) => (exit = code));
    try {
      await waitUntil("height 5", async () => (await blockNumber(first.url)) >= 5n, 30_000);
      // The hashes the node has committed, read until it stops (the last read is a lower bound of its head).
      const hashes = new Map<bigint, string>();
      const readHead = async () => {
        try {
          const b = await blockAt(first.url, "latest");
          if (b !== null) hashes.set(BigInt(b.number), b.hash);
        } catch {
          // stopping
        }
      };
      await readHead();
      d.fill();
      await waitUntil("the node to exit", async () => {
        if (exit === null) await readHead();
        return exit !== null;
      }, 30_000, 50);
      expect(exit).toBe(1);
      const log = first.output();
      const lines = log.split("\n").filter((l) => l.includes("disk full: stopping the node cleanly"));
      expect(lines, log.slice(-3000)).toHaveLength(1);
      console.info(`the node's line: ${lines[0]}`);
      expect(lines[0]).toMatch(/ERROR/);
      expect(lines[0]).toMatch(/(writing block [0-9]+|recording what validator-0x[0-9a-f]+ signs) failed: the disk holding .* is full/);
      expect(lines[0]).toContain("free space on that disk (or move the data dir to a larger one), then start the node again");
      expect(log).toMatch(/shutting down signal="?disk full/);
      const seen = [...hashes.keys()].reduce((a, b) => (a > b ? a : b), 0n);
      expect(seen).toBeGreaterThanOrEqual(5n);

      // Space freed: the same data dir opens at its last committed block and the chain goes on.
      d.empty();
      const second = await spawnNode([...args, "--datadir.minfreedisk", "1"], { port: await freePort(), readyTimeoutMs: 60_000 });
      try {
        const opened = /chain opened .*head=([0-9]+)/.exec(second.output());
        expect(opened, second.output()).not.toBeNull();
        const head = BigInt(opened![1]!);
        expect(head).toBeGreaterThanOrEqual(seen);
        for (const [n, hash] of hashes) expect((await blockAt(second.url, n))?.hash, `block ${n}`).toBe(hash);
        await waitUntil(`a block after ${head}`, async () => (await blockNumber(second.url)) > head, 30_000);
        expect(second.output()).not.toMatch(/DATABASE-DAMAGED|disk full/);
      } finally {
        second.child.kill("SIGTERM");
        await second.exited;
      }
    } finally {
      if (exit === null) {
        first.child.kill("SIGKILL");
        await first.exited;
      }
    }
  });
});
