// Protocol constants of staking that more than one room needs (genesis, the ledger's system calls,
// RPC reads): where the ledger lives, the stake unit sortition counts in, and the default
// parameters of a genesis that does not set them.
import { hexToBytes } from "@ethereumjs/util";
import type { Address20, Genesis, StakingParams } from "./types.js";

/** The staking ledger (contracts/StakeHub.sol), a system contract in the genesis state. */
export const STAKE_HUB_ADDRESS: Address20 = hexToBytes("0x0000000000000000000000000000000000001000");

/** The vesting ledger (contracts/Vesting.sol): deployed at genesis when the genesis allocates vesting coins. */
export const VESTING_ADDRESS: Address20 = hexToBytes("0x0000000000000000000000000000000000001001");

/** The most vesting allocations a genesis may hold (each is a few storage writes at genesis). */
export const MAX_VESTING_ALLOCATIONS = 4_096;

/** Everything a genesis creates, in wei: its allocation, its validators' stake and its vesting allocations. */
export function genesisSupply(g: Genesis): bigint {
  const allocated = [...g.alloc.values()].reduce((s, a) => s + a.balance, 0n);
  const staked = g.validators.reduce((s, v) => s + v.stake * STAKE_UNIT_WEI, 0n);
  return allocated + staked + g.vesting.reduce((s, v) => s + v.total, 0n);
}

/** One stake unit = one coin: sortition draws over whole coins of stake (wei would only add digits). */
export const STAKE_UNIT_WEI = 10n ** 18n;

/** The most validators an epoch's set may hold. */
export const MAX_ACTIVE_VALIDATORS = 1_000;

/** The coins minted as block rewards over the chain's life (20 % of 1.4 billion), in wei. */
export const TOTAL_BLOCK_REWARDS_WEI = 280_000_000n * STAKE_UNIT_WEI;

/** Seconds in five years of 365.25 days: one reward era. */
const ERA_SECONDS = 5n * 36_525n * 86_400n / 100n;

/**
 * The defaults: eras of five years of blocks at the genesis block time, R0 = floor(280,000,000 coins
 * / (2 x era)) so that the halving series stays under the cap (Bitcoin's subsidy rule), 3 % to the
 * foundation, epochs of an hour of 1 s blocks, seven days of unbonding.
 */
export function defaultStakingParams(blockTimeSeconds: number, foundation: Address20): StakingParams {
  const halvingInterval = ERA_SECONDS / BigInt(Math.max(1, blockTimeSeconds));
  const epochLength = 3_600n;
  const epochsPerDay = (86_400n / BigInt(Math.max(1, blockTimeSeconds)) + epochLength - 1n) / epochLength;
  return {
    epochLength,
    maxValidators: 100,
    minSelfStake: 10_000n * STAKE_UNIT_WEI,
    minDelegation: STAKE_UNIT_WEI,
    unbondingEpochs: 7n * epochsPerDay,
    jailEpochs: epochsPerDay,
    downtimeGapFactor: 20n,
    minDowntimeBlocks: epochLength / 4n,
    maxCommissionChangeBps: 100,
    slashFractionBps: 500,
    maxUnbondingEntries: 7,
    // Evidence is useful while the offender's stake is still bonded: as long as the unbonding period.
    evidenceMaxAgeHeights: 7n * epochsPerDay * epochLength,
    evidenceMaxAgeSeconds: 7n * 86_400n,
    initialBlockReward: TOTAL_BLOCK_REWARDS_WEI / (2n * halvingInterval),
    halvingInterval,
    rewardStartHeight: 1n,
    foundation,
    foundationShareBps: 300,
  };
}
