// Preloaded into one validator's process (node --import) by the soak's clock fault: shifts that
// process's wall clock by VERITY_SOAK_CLOCK_OFFSET_MS, as libfaketime would. verity has no flag to
// offset its clock, and the wall clock is what it stamps and bounds block timestamps with; the
// monotonic clock (performance.now, timers) is left alone, as a wrong NTP setting leaves it.
const offset = Number(process.env.VERITY_SOAK_CLOCK_OFFSET_MS ?? "0");
if (Number.isFinite(offset) && offset !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(realNow() + offset);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return realNow() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
