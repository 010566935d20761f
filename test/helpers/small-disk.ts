// A real small disk for the disk-full tests: a tmpfs of a few MB mounted on a temp dir (root only,
// and only where the container allows mount), filled to the last byte with a filler file and
// emptied again. Where mount is refused, smallDisk() says why and the tests skip.
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SmallDisk {
  readonly dir: string;
  freeBytes(): number;
  /** Writes a filler file until the disk refuses more (ENOSPC). */
  fill(): void;
  /** Removes the filler. */
  empty(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `mb` MB, or answers why it cannot. */
export function smallDisk(mb: number): SmallDisk | string {
  if (process.getuid?.() !== 0) return "not root: cannot mount a small tmpfs";
  const dir = mkdtempSync(join(tmpdir(), "verity-small-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${mb}m`, "tmpfs", dir], { stdio: "pipe" });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs refused: ${(e as { stderr?: Buffer }).stderr?.toString().trim() ?? (e as Error).message}`;
  }
  const filler = join(dir, "filler");
  return {
    dir,
    freeBytes: () => {
      const s = statfsSync(dir);
      return Number(s.bavail) * Number(s.bsize);
    },
    fill: () => {
      const fd = openSync(filler, "a");
      const chunk = Buffer.alloc(64 * 1024);
      try {
        // Bounded: the disk is at most a few MB; past 100,000 chunks (6 GB) something is wrong.
        for (let i = 0; i < 100_000; i++) writeSync(fd, chunk);
        throw new Error(`${dir} never filled up`);
      } catch (e) {
        if ((e as { code?: string }).code !== "ENOSPC") throw e;
      } finally {
        closeSync(fd);
      }
    },
    empty: () => rmSync(filler, { force: true }),
    unmount: () => {
      execFileSync("umount", [dir], { stdio: "pipe" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
