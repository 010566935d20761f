// The built-in development chain: anvil's chain id and dev accounts, four equal dev validators, and
// the system contracts of the rule set (EIP-4788, EIP-2935, EIP-7002, EIP-7251; evm/system-contracts.ts).
import { bytesToHex } from "@ethereumjs/util";
import { DEV_BALANCE, deriveDevAccounts } from "./dev-accounts.js";
import { DEFAULT_BLOCK_GAS_LIMIT } from "./genesis-json.js";
import { devValidatorKeys, genesisValidatorOf } from "./validator-keys.js";
import { systemContractsAlloc } from "../evm/system-contracts.js";
import { keccak256 } from "../primitives/hash.js";
import { defaultStakingParams, STAKE_UNIT_WEI } from "../primitives/staking.js";
import type { Genesis, GenesisAccount, StakingParams } from "../primitives/types.js";

export const DEV_CHAIN_ID = 31337n;
export const DEV_VALIDATOR_COUNT = 4;
export const DEV_VALIDATOR_STAKE = 1000n;

/** The dev chain's foundation address (receives 3 % of every block reward): keccak256("verity dev foundation")[12:]. */
export const DEV_FOUNDATION = keccak256(new TextEncoder().encode("verity dev foundation")).subarray(12);

/**
 * The dev chain's staking: the default reward schedule, short epochs (32 heights, so tests cross
 * epoch boundaries within a minute), two epochs of unbonding, jail and evidence age, a 100-coin minimum
 * self-stake, and a downtime window of an hour: the dev node holds every validator, and a
 * certificate carries only the quorum the engine saw first, so a shorter window could jail a
 * dev validator whose votes merely arrive fourth.
 */
export function devStakingParams(blockTimeSeconds = 1): StakingParams {
  return {
    ...defaultStakingParams(blockTimeSeconds, DEV_FOUNDATION),
    epochLength: 32n,
    minSelfStake: 100n * STAKE_UNIT_WEI,
    unbondingEpochs: 2n,
    jailEpochs: 2n,
    evidenceMaxAgeHeights: 64n,
    evidenceMaxAgeSeconds: 64n,
    minDowntimeBlocks: 3_600n,
  };
}

export function devGenesis(opts: { chainId?: bigint; validators?: number; gasLimit?: bigint } = {}): Genesis {
  const alloc = new Map<string, GenesisAccount>();
  for (const a of deriveDevAccounts()) alloc.set(bytesToHex(a.address), { balance: DEV_BALANCE, nonce: 0n, code: new Uint8Array(0), storage: [] });
  for (const [address, account] of systemContractsAlloc()) alloc.set(address, account);
  const count = opts.validators ?? DEV_VALIDATOR_COUNT;
  const validators = Array.from({ length: count }, (_, i) => genesisValidatorOf(devValidatorKeys(i), DEV_VALIDATOR_STAKE));
  return {
    params: {
      chainId: opts.chainId ?? DEV_CHAIN_ID,
      gasLimit: opts.gasLimit ?? DEFAULT_BLOCK_GAS_LIMIT,
      blockTimeSeconds: 1,
      initialBaseFee: 1_000_000_000n,
      minBaseFee: 0n,
      elasticityMultiplier: 2n,
      baseFeeChangeDenominator: 8n,
      // Everyone votes (tau >= W): with four validators a sampled committee would only add variance.
      committeeSize: DEV_VALIDATOR_STAKE * BigInt(count),
      proposerTau: 26n,
    },
    timestamp: 0n,
    extraData: new TextEncoder().encode("verity dev"),
    alloc,
    validators,
    staking: devStakingParams(),
    vesting: [],
  };
}
