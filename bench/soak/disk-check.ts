// What the disk fault claims: a validator whose filesystem fills up either keeps going or stops
// cleanly (the node's own shutdown after its one "disk full" line, exit code 1), never crashes, and
// restarts on its data dir once space is freed (a data dir the full disk damaged would refuse the
// start: the one-chain check then covers what it serves).
import type { DiskOutcome } from "./faults.js";

/** The node's line when it stops for a full disk (the free-disk check's, and the storage layer's on ENOSPC). */
const CLEAN_STOP = "disk full: stopping the node cleanly";
/** Node prints its version after an uncaught exception's stack: the mark of a crash. */
const CRASH = /^Node\.js v\d+/m;

/** Why the node's behaviour on the full disk breaks the claim, or null when it held. */
export function diskProblem(name: string, o: DiskOutcome): string | null {
  if (o.exit !== null) {
    const { code, signal, log } = o.exit;
    if (signal !== null) return `${name} was killed by ${signal} while its disk was full`;
    if (CRASH.test(log) || !log.includes(CLEAN_STOP)) return `${name} exited (code ${code}) on the full disk without a clean stop: ${log.slice(-600).replace(/\s+/g, " ")}`;
  }
  if (o.restartError !== null) return `${name} did not restart on its data dir after the disk was emptied: ${o.restartError.slice(0, 600)}`;
  return null;
}

/** "kept running" / "stopped cleanly" for the report. */
export function diskOutcomeLabel(o: DiskOutcome): string {
  if (o.exit === null) return "kept running";
  return diskProblem("", o) === null ? `stopped cleanly (exit ${o.exit.code}), restarted` : "did not stop cleanly";
}
