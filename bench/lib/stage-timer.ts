// Explicit wall-clock timers per pipeline stage. Stages are timed by wrapping the real objects'
// methods (nothing is re-implemented for the bench), so the bench measures the code the node runs.

export class StageTimer {
  private readonly totals = new Map<string, number>();

  add(stage: string, ms: number): void {
    this.totals.set(stage, (this.totals.get(stage) ?? 0) + ms);
  }

  async time<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - t0);
    }
  }

  get(stage: string): number {
    return this.totals.get(stage) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}

type Method = (...args: never[]) => unknown;

/**
 * Replaces `obj[method]` by a wrapper that adds its wall time to `stage`: for an async method the
 * time until the returned promise settles (what a caller waits), for a sync one the call itself.
 * `stage` may be a function, read at each call, for a method that serves several stages.
 */
export function timeMethod<O extends object, K extends keyof O>(obj: O, method: K, timer: StageTimer, stage: string | (() => string)): void {
  const original = obj[method] as unknown as Method;
  const stageNow = typeof stage === "string" ? () => stage : stage;
  const wrapped = (...args: never[]) => {
    const name = stageNow();
    const t0 = performance.now();
    const result = original.apply(obj, args);
    if (result instanceof Promise) return result.finally(() => timer.add(name, performance.now() - t0));
    timer.add(name, performance.now() - t0);
    return result;
  };
  (obj as Record<K, unknown>)[method] = wrapped;
}
