// The nearly-full-filesystem fault's disks: each validator's data dir on a tmpfs of its own (a small
// filesystem: `mount -t tmpfs -o size=...`, which needs root), reached through a symlink at the data
// dir's usual path, so the node's flags stay as they are. The fault fills the filesystem with a
// filler file until only a little is left and removes it at the heal. tmpfs only takes the memory
// its files use, so an idle disk costs nothing; the filler takes what it fills, one fault at a time.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statfsSync, symlinkSync, lstatSync } from "node:fs";
import { join } from "node:path";

/** Each validator's filesystem: room for a long run's data dir (tens of MiB) and a filler of the rest. */
export const SMALL_DISK_BYTES = 512 * 1024 * 1024;
/** What the filler leaves free: under the node's --datadir.minfreedisk default (256 MB), and little
 * enough that LevelDB's next log or table file may not fit (a 4 MiB write buffer). */
export const LEFT_FREE_BYTES = 1024 * 1024;
const FILLER = "soak-filler";

export interface SmallDisk {
  /** Where the tmpfs is mounted; the data dir is its `data` folder. */
  readonly mount: string;
  /** The data dir's usual path (now a symlink into the mount). */
  readonly datadir: string;
}

/** Whether this process may mount a tmpfs (root, and not forbidden by the container). */
export function canMountTmpfs(probeDir: string): { ok: true } | { ok: false; reason: string } {
  mkdirSync(probeDir, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probeDir], { stdio: "pipe" });
    execFileSync("umount", [probeDir], { stdio: "pipe" });
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: ((e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message).trim() };
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}

/** Moves a (stopped) node's data dir onto a tmpfs of SMALL_DISK_BYTES and links it back in place. */
export function moveToSmallDisk(datadir: string, mount: string): SmallDisk {
  mkdirSync(mount, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${SMALL_DISK_BYTES}`, "tmpfs", mount], { stdio: "pipe" });
  cpSync(datadir, join(mount, "data"), { recursive: true });
  rmSync(datadir, { recursive: true, force: true });
  symlinkSync(join(mount, "data"), datadir);
  return { mount, datadir };
}

export function freeBytes(disk: SmallDisk): number {
  const s = statfsSync(disk.mount);
  return Number(s.bavail) * Number(s.bsize);
}

/** Fills the filesystem until `leave` bytes are free; returns the filler's size. */
export function fill(disk: SmallDisk, leave = LEFT_FREE_BYTES): number {
  const size = Math.max(0, freeBytes(disk) - leave);
  if (size > 0) execFileSync("fallocate", ["-l", String(size), join(disk.mount, FILLER)], { stdio: "pipe" });
  return size;
}

export function empty(disk: SmallDisk): void {
  rmSync(join(disk.mount, FILLER), { force: true });
}

/** Copies the data dir back to the usual disk in place of the symlink and unmounts (node stopped). */
export function release(disk: SmallDisk): void {
  if (!existsSync(disk.mount)) return;
  empty(disk);
  const staged = `${disk.datadir}.from-small-disk`;
  if (existsSync(join(disk.mount, "data"))) cpSync(join(disk.mount, "data"), staged, { recursive: true });
  if (lstatSync(disk.datadir, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(disk.datadir, { force: true });
  if (existsSync(staged)) renameSync(staged, disk.datadir);
  execFileSync("umount", [disk.mount], { stdio: "pipe" });
  rmSync(disk.mount, { recursive: true, force: true });
}
