// The pool's limits as geth's flags spell them (--txpool.globalslots, --txpool.globalqueue,
// --txpool.accountslots, --txpool.accountqueue, --txpool.pricelimit, --txpool.pricebump), turned
// into the pool's configuration. geth counts the pool full at GlobalSlots + GlobalQueue slots; the
// pool's own fields name what each limit bounds (types.ts).
import { DEFAULT_TXPOOL_CONFIG, DEFAULT_TXPOOL_LIMITS, type TxPoolConfig } from "./types.js";

export interface TxPoolLimits {
  /** Executable transactions kept after a block (geth's GlobalSlots). */
  globalSlots: number;
  /** Non-executable transactions held in total (GlobalQueue). */
  globalQueue: number;
  /** Executable transactions a sender keeps when pending is cut back (AccountSlots). */
  accountSlots: number;
  /** Non-executable transactions held per sender (AccountQueue). */
  accountQueue: number;
  /** Lowest tip (legacy: gas price) admitted, in wei (PriceLimit). */
  priceLimit: bigint;
  /** Percent a replacement must raise fee cap and tip by (PriceBump). */
  priceBump: bigint;
}

export const DEFAULT_LIMITS: TxPoolLimits = {
  ...DEFAULT_TXPOOL_LIMITS,
  priceLimit: DEFAULT_TXPOOL_CONFIG.minTip,
  priceBump: DEFAULT_TXPOOL_CONFIG.priceBump,
};

/** The pool configuration for `limits` (unset ones at their defaults). */
export function txPoolConfigOf(limits: Partial<TxPoolLimits>): Partial<TxPoolConfig> {
  const l = { ...DEFAULT_LIMITS, ...limits };
  return {
    maxSlots: l.globalSlots + l.globalQueue,
    maxPending: l.globalSlots,
    minPendingPerSender: l.accountSlots,
    maxQueued: l.globalQueue,
    maxQueuedPerSender: l.accountQueue,
    minTip: l.priceLimit,
    priceBump: l.priceBump,
  };
}
