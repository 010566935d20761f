// The JSON-RPC requests running at a moment, so that the server can stop in order: refuse new ones,
// let those running finish (or answer them with an error once a bound has passed), and only then let
// the node close the chain and the database under them. Without it a stop under load closed the
// listeners at once (forceCloseConnections) while handlers ran on against the closing database, each
// failing with "Database is not open".
import { ErrorCode, type JsonRpcErrorObject } from "./errors.js";

/** The answer to a request that arrives while the node stops, or that was still running at the bound. */
export const SHUTTING_DOWN: JsonRpcErrorObject = { code: ErrorCode.server, message: "node is shutting down" };

export class InFlightRequests {
  private readonly running = new Set<Promise<unknown>>();
  private readonly aborters = new Set<() => void>();
  private stopping = false;

  /** True once drain() began: new requests are refused with SHUTTING_DOWN. */
  get closing(): boolean {
    return this.stopping;
  }

  get size(): number {
    return this.running.size;
  }

  /**
   * Runs one request's handler, or returns null without running it when the server is stopping. The
   * result is `aborted` when drain()'s bound passes first; the handler itself runs on (JavaScript cannot
   * stop it), but its client has its answer and the caller knows to expect the handler to fail.
   */
  async run<T>(work: () => Promise<T>): Promise<{ value: T } | { aborted: true } | null> {
    if (this.stopping) return null;
    const task = work();
    this.running.add(task);
    let abort: () => void = () => {};
    const aborted = new Promise<{ aborted: true }>((resolve) => (abort = () => resolve({ aborted: true })));
    this.aborters.add(abort);
    try {
      return await Promise.race([task.then((value) => ({ value })), aborted]);
    } finally {
      this.running.delete(task);
      this.aborters.delete(abort);
    }
  }

  /**
   * Refuses new requests, then waits until the running ones have finished or `boundMs` has passed;
   * those still running then are answered with SHUTTING_DOWN. Returns how many were cut off that way.
   */
  async drain(boundMs: number): Promise<number> {
    this.stopping = true;
    const deadline = Date.now() + boundMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise((r) => (timer = setTimeout(r, Math.max(1, deadline - Date.now()))));
      await Promise.race([Promise.allSettled([...this.running]), tick]);
      clearTimeout(timer);
    }
    const cut = this.running.size;
    for (const abort of [...this.aborters]) abort();
    return cut;
  }
}
