// Which step timeouts fired in each recent height this node agreed on, for the status page
// (verity_getBlockConsensus). A timeout is counted once per (round, step) however many local engines
// ran it: the figure says what the height cost, not how many keys this node holds. Bounded to the
// last heights; a height this node did not take part in (imported by sync) has no entry.
import type { Step } from "../../consensus/types.js";

export type StepTimeouts = Record<Step, number>;

/** Heights kept; the page charts far fewer. */
export const KEPT_HEIGHTS = 1024;

export class HeightTimeouts {
  /** height -> the "round/step" keys that fired in it (insertion order: oldest height first). */
  private readonly fired = new Map<number, Set<string>>();

  constructor(private readonly kept = KEPT_HEIGHTS) {}

  /** This node's engines started `height`. */
  began(height: number): void {
    if (this.fired.has(height)) return;
    this.fired.set(height, new Set());
    for (const h of this.fired.keys()) {
      if (this.fired.size <= this.kept) break;
      this.fired.delete(h);
    }
  }

  timedOut(height: number, round: number, step: Step): void {
    this.fired.get(height)?.add(`${round}/${step}`);
  }

  /** Timeouts by step in `height`, or null when this node did not agree on it (or it is too old). */
  of(height: number): StepTimeouts | null {
    const keys = this.fired.get(height);
    if (keys === undefined) return null;
    const out: StepTimeouts = { propose: 0, prevote: 0, precommit: 0 };
    for (const key of keys) out[key.slice(key.indexOf("/") + 1) as Step]++;
    return out;
  }
}
