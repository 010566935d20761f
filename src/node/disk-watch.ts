// The disk under the data dir: a warning while it is nearly full, and a clean stop (the node's own
// shutdown, database closed) once less than --datadir.minfreedisk is left, before LevelDB's writes
// fail on a full disk half-way through the node's work. As geth's --datadir.minfreedisk.
import { statfs } from "node:fs/promises";
import type { Logger } from "../util/logger.js";

/** What the operator does about a full disk: the one line logged when the node stops on it says so. */
export const DISK_FULL_ACTION = "free space on that disk (or move the data dir to a larger one), then start the node again: it resumes from its last committed block";

export interface DiskWatchOptions {
  datadir: string;
  /** Stop below this many free bytes (0: never stop). */
  stopBelowBytes: number;
  /** Warn below this many free bytes. */
  warnBelowBytes: number;
  /** How often to look (the first look is at start). */
  intervalMs?: number;
  logger: Logger;
  /** Asks the node's owner to stop the node, with why. */
  onFull: (reason: string) => void;
}

export interface DiskWatch {
  /** Free bytes at the last look (for the metric). */
  freeBytes(): number;
  stop(): void;
}

const MB = 1024 * 1024;

/** Looks once before it returns (a node that starts on a full disk stops at once), then periodically. */
export async function watchDisk(o: DiskWatchOptions): Promise<DiskWatch> {
  let free = Number.POSITIVE_INFINITY;
  let warned = false;
  let full = false;
  const look = async () => {
    const s = await statfs(o.datadir);
    free = Number(s.bavail) * Number(s.bsize);
    const fields = { datadir: o.datadir, freeMB: Math.floor(free / MB), minFreeMB: Math.floor(o.stopBelowBytes / MB) };
    if (o.stopBelowBytes > 0 && free < o.stopBelowBytes) {
      if (!full) {
        full = true;
        o.logger.error("disk full: stopping the node cleanly", { ...fields, action: DISK_FULL_ACTION });
        o.onFull(`the disk holding ${o.datadir} has ${fields.freeMB} MB free, less than --datadir.minfreedisk ${fields.minFreeMB} MB`);
      }
    } else if (free < o.warnBelowBytes) {
      if (!warned) o.logger.warn("disk nearly full", fields);
      warned = true;
    } else warned = false;
  };
  await look();
  const timer = setInterval(() => void look().catch((e: Error) => o.logger.warn("cannot read the free disk space", { error: e })), o.intervalMs ?? 30_000);
  timer.unref();
  return { freeBytes: () => free, stop: () => clearInterval(timer) };
}
