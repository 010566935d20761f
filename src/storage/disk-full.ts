// A write that failed because the disk is full. LevelDB reports it as an IO error whose message
// carries the system's text ("IO error: …/000005.log: No space left on device"), Node's fs as an
// error with code ENOSPC; a quota that ran out (EDQUOT) stops the node alike. The store turns either
// into a DiskFullError and tells its owner, who stops the node: nothing after a failed write can be
// trusted to reach the disk (LevelDB refuses every later write once one failed), and what was
// committed before it is whole (a batch is all-or-nothing; a log record cut short at the tail is
// dropped on the next open as a crash's would be).

const FULL_CODES = new Set(["ENOSPC", "EDQUOT"]);
const FULL_TEXT = /no space left on device|disk quota exceeded/i;

export class DiskFullError extends Error {
  override name = "DiskFullError";
}

/** Whether `e` (or an error it was caused by) says the disk is full. */
export function isDiskFull(e: unknown): boolean {
  for (let err = e, depth = 0; err instanceof Error && depth < 8; err = err.cause, depth++) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && FULL_CODES.has(code)) return true;
    if (FULL_TEXT.test(err.message)) return true;
  }
  return false;
}
