// The block reward schedule (Bitcoin's subsidy rule): R0 wei per block in the first era, halved
// each era by a shift, so the lifetime total stays under the cap with no counter:
// sum over eras of H * (R0 >> k) <= 2 * H * R0 <= the total. A share goes to the foundation; the
// rest to the staking ledger, which shares it out among the epoch's validators.
import type { StakingParams } from "../primitives/types.js";

const BPS = 10_000n;

/** Wei minted at `height` (0 before rewardStartHeight, and once the shift has consumed R0). */
export function blockReward(height: bigint, p: Pick<StakingParams, "initialBlockReward" | "halvingInterval" | "rewardStartHeight">): bigint {
  if (height < p.rewardStartHeight) return 0n;
  const era = (height - p.rewardStartHeight) / p.halvingInterval;
  return era >= 256n ? 0n : p.initialBlockReward >> era;
}

/** A block reward split between the foundation and the staking ledger (the ledger gets the rounding). */
export function splitReward(reward: bigint, p: Pick<StakingParams, "foundationShareBps">): { foundation: bigint; validators: bigint } {
  const foundation = (reward * BigInt(p.foundationShareBps)) / BPS;
  return { foundation, validators: reward - foundation };
}

/** Everything minted at heights 1..height (closed form over whole eras: O(eras), not O(height)). */
export function mintedThrough(height: bigint, p: Pick<StakingParams, "initialBlockReward" | "halvingInterval" | "rewardStartHeight">): bigint {
  if (height < p.rewardStartHeight) return 0n;
  const blocks = height - p.rewardStartHeight + 1n;
  let total = 0n;
  for (let era = 0n; era * p.halvingInterval < blocks && era < 256n; era++) {
    const inEra = blocks - era * p.halvingInterval < p.halvingInterval ? blocks - era * p.halvingInterval : p.halvingInterval;
    total += inEra * (p.initialBlockReward >> era);
  }
  return total;
}
