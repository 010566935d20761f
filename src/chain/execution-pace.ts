// How fast this node executes blocks, measured on the blocks it builds and validates, so that a
// proposer can bound its block by the time the validators will need to execute it.
//
// Why: a block is checked by every validator before it prevotes, within the round's propose
// timeout. A full block (30 M gas, ~1,400 transfers) takes ~0.5 s on a quiet core, but tens of
// seconds on a starved one (a loaded machine, a burst); proposals that large were then never
// validated in time, every round failed, and the timeouts grew while the pool filled. Sizing the
// block from the measured pace makes a slow network commit smaller blocks on time instead.
//
// The pace is nanoseconds per unit of gas, smoothed, and quicker to follow a slowdown than a
// speed-up (one slow block halves the budget, fast ones raise it gradually). Blocks below
// MIN_SAMPLE_GAS are not sampled: their fixed costs (system calls, roots, the commit) would make
// gas look dearer than it is. The clock is the caller's: this class only does the arithmetic.

/** Blocks using less gas than this are not sampled (about 48 transfers). */
export const MIN_SAMPLE_GAS = 1_000_000n;
/** A bounded block may always carry at least this much gas, however slow the node (progress). */
export const MIN_BUDGET_GAS = 1_000_000n;

const SLOWER_WEIGHT = 0.5;
const FASTER_WEIGHT = 0.2;

export class ExecutionPace {
  private nsPerGas: number | null = null;

  /** One executed block: the gas it used and how long its execution took, in milliseconds. */
  record(gasUsed: bigint, ms: number): void {
    if (gasUsed < MIN_SAMPLE_GAS || !(ms > 0)) return;
    const sample = (ms * 1e6) / Number(gasUsed);
    if (this.nsPerGas === null) {
      this.nsPerGas = sample;
      return;
    }
    const w = sample > this.nsPerGas ? SLOWER_WEIGHT : FASTER_WEIGHT;
    this.nsPerGas = this.nsPerGas * (1 - w) + sample * w;
  }

  /** Measured nanoseconds per gas, or null before the first sampled block. */
  get nanosPerGas(): number | null {
    return this.nsPerGas;
  }

  /**
   * The gas a block may use to execute in about `ms` here, at most `gasLimit` and at least
   * MIN_BUDGET_GAS; `gasLimit` itself before anything was measured.
   */
  budget(ms: number, gasLimit: bigint): bigint {
    if (this.nsPerGas === null) return gasLimit;
    const gas = BigInt(Math.floor((ms * 1e6) / this.nsPerGas));
    const floor = MIN_BUDGET_GAS < gasLimit ? MIN_BUDGET_GAS : gasLimit;
    return gas < floor ? floor : gas > gasLimit ? gasLimit : gas;
  }
}
