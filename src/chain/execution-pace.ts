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
//
// Before the first sample the budget assumes UNMEASURED_NS_PER_GAS, a loaded machine's pace, not
// the whole gas limit. An idle network only builds small blocks, so it is unmeasured exactly when a
// load begins: each validator that had not yet executed a block of 48 transfers then built a full
// 30 M gas block (1,428 transfers, 1.7-2.2 s of a starved core, even as a fallback told to take
// 100 ms), its event loop was shut for that long, the round's real proposal reached it seconds
// late, and the round was lost (4-validator localnet, 2026-12-07: 3 rounds, 15 s, at the first loaded height).

/** Blocks using less gas than this are not sampled (about 48 transfers). */
export const MIN_SAMPLE_GAS = 1_000_000n;
/** A bounded block may always carry at least this much gas, however slow the node (progress). */
export const MIN_BUDGET_GAS = 1_000_000n;
/** The pace assumed before any block was measured: transfers on a starved core of a loaded 2-core
 * machine (172 transfers, 3.6 M gas, took 180-340 ms there: 50-95 ns per gas; a quiet core ~17). */
export const UNMEASURED_NS_PER_GAS = 50;

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
   * MIN_BUDGET_GAS; at UNMEASURED_NS_PER_GAS before anything was measured.
   */
  budget(ms: number, gasLimit: bigint): bigint {
    const gas = BigInt(Math.floor((ms * 1e6) / (this.nsPerGas ?? UNMEASURED_NS_PER_GAS)));
    const floor = MIN_BUDGET_GAS < gasLimit ? MIN_BUDGET_GAS : gasLimit;
    return gas < floor ? floor : gas > gasLimit ? gasLimit : gas;
  }
}
