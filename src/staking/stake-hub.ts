// The staking ledger's calls and views, encoded with its committed ABI (stake-hub-artifact.ts,
// compiled from contracts/StakeHub.sol). viem does the ABI coding, typed from the ABI itself.
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { decodeFunctionResult, encodeFunctionData, type Hex } from "viem";
import type { Address20, GenesisValidator, StakingParams } from "../primitives/types.js";
import { STAKE_UNIT_WEI } from "../primitives/staking.js";
import { STAKE_HUB_ABI } from "./stake-hub-artifact.js";

const abi = STAKE_HUB_ABI;
const hex = (b: Uint8Array): Hex => bytesToHex(b) as Hex;
const addr = (b: Uint8Array): Hex => bytesToHex(b) as Hex;

/** A member of an epoch's set as the ledger records it (stake in wei). */
export interface SetMember {
  address: Address20;
  stakeWei: bigint;
  signingKey: Uint8Array;
  vrfKey: Uint8Array;
}

/** A candidate for the next set. */
export interface Candidate extends SetMember {
  proofOfPossession: Uint8Array;
}

export const stakeHubCalls = {
  initialize(p: StakingParams, committeeSize: bigint, validators: readonly GenesisValidator[]): Uint8Array {
    const params = {
      epochLength: p.epochLength,
      unbondingEpochs: p.unbondingEpochs,
      jailEpochs: p.jailEpochs,
      downtimeGapFactor: p.downtimeGapFactor,
      minDowntimeBlocks: p.minDowntimeBlocks,
      maxValidators: p.maxValidators,
      maxCommissionChangeBps: p.maxCommissionChangeBps,
      slashFractionBps: p.slashFractionBps,
      maxUnbondingEntries: p.maxUnbondingEntries,
      minSelfStake: p.minSelfStake,
      minDelegation: p.minDelegation,
      committeeSize,
    };
    return hexToBytes(
      encodeFunctionData({
        abi,
        functionName: "initialize",
        args: [
          params,
          validators.map((v) => addr(v.address)),
          validators.map((v) => hex(v.signingKey)),
          validators.map((v) => hex(v.vrfKey)),
          validators.map((v) => v.stake * STAKE_UNIT_WEI),
        ],
      }),
    );
  },
  onBlock(reward: bigint, signers: readonly Address20[]): Uint8Array {
    return hexToBytes(encodeFunctionData({ abi, functionName: "onBlock", args: [reward, signers.map(addr)] }));
  },
  endEpoch(): Uint8Array {
    return hexToBytes(encodeFunctionData({ abi, functionName: "endEpoch" }));
  },
  commitNextSet(next: readonly Address20[]): Uint8Array {
    return hexToBytes(encodeFunctionData({ abi, functionName: "commitNextSet", args: [next.map(addr)] }));
  },
  slash(validator: Address20, infractionHeight: bigint): Uint8Array {
    return hexToBytes(encodeFunctionData({ abi, functionName: "slash", args: [addr(validator), infractionHeight] }));
  },
  candidates(): Uint8Array {
    return hexToBytes(encodeFunctionData({ abi, functionName: "candidates" }));
  },
  epochSet(epoch: bigint): Uint8Array {
    return hexToBytes(encodeFunctionData({ abi, functionName: "epochSet", args: [epoch] }));
  },
};

const member = (m: { validator: Hex; stake: bigint; signingKey: Hex; vrfKey: Hex }): SetMember => ({
  address: hexToBytes(m.validator),
  stakeWei: m.stake,
  signingKey: hexToBytes(m.signingKey),
  vrfKey: hexToBytes(m.vrfKey),
});

export const stakeHubResults = {
  burned(fn: "endEpoch" | "slash", data: Uint8Array): bigint {
    return decodeFunctionResult({ abi, functionName: fn, data: hex(data) });
  },
  candidates(data: Uint8Array): Candidate[] {
    return decodeFunctionResult({ abi, functionName: "candidates", data: hex(data) }).map((c) => ({ ...member(c), proofOfPossession: hexToBytes(c.proofOfPossession) }));
  },
  epochSet(data: Uint8Array): SetMember[] {
    return decodeFunctionResult({ abi, functionName: "epochSet", data: hex(data) }).map(member);
  },
};
