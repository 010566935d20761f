// Reads of the staking ledger's views at a committed state root, for JSON-RPC (the verity_
// namespace) and operators: the epoch, an epoch's set with each member's standing, an account's
// positions, and the supply the ledger accounts for. Each read is an EVM call of the contract's own
// view at that root (evm/system-call.ts SystemViews): the answer is what any eth_call would get.
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { decodeFunctionResult, encodeFunctionData, type Hex } from "viem";
import type { SystemViews } from "../evm/system-call.js";
import { STAKE_HUB_ADDRESS } from "../primitives/staking.js";
import type { Address20, Hash32 } from "../primitives/types.js";
import { STAKE_HUB_ABI } from "./stake-hub-artifact.js";

const abi = STAKE_HUB_ABI;
const hex = (b: Uint8Array): Hex => bytesToHex(b) as Hex;

export interface MemberStanding {
  address: Address20;
  /** Stake in the epoch's snapshot (wei). */
  snapshotStake: bigint;
  /** The pool now (wei). */
  stake: bigint;
  selfStake: bigint;
  commissionBps: number;
  lastSignedHeight: bigint;
  jailed: boolean;
  tombstoned: boolean;
}

export interface Positions {
  delegations: Array<{ validator: Address20; shares: bigint; amount: bigint }>;
  unbondings: Array<{ validator: Address20; amount: bigint; startHeight: bigint; completeEpoch: bigint }>;
  claimable: bigint;
}

export interface LedgerTotals {
  /** Pools + unbondings + accrued commission + pending rewards: the ledger's balance. */
  held: bigint;
  /** Forfeited rewards and slashes, burned so far. */
  burned: bigint;
}

export class StakeLedgerReader {
  constructor(private readonly views: Pick<SystemViews, "read">) {}

  private async call(root: Hash32, data: Hex): Promise<Hex> {
    return hex(await this.views.read(root, STAKE_HUB_ADDRESS, hexToBytes(data)));
  }

  async currentEpoch(root: Hash32): Promise<bigint> {
    const data = await this.call(root, encodeFunctionData({ abi, functionName: "currentEpoch" }));
    return decodeFunctionResult({ abi, functionName: "currentEpoch", data });
  }

  /** The members of `epoch`'s set with their standing now. */
  async members(root: Hash32, epoch: bigint): Promise<MemberStanding[]> {
    const set = decodeFunctionResult({ abi, functionName: "epochSet", data: await this.call(root, encodeFunctionData({ abi, functionName: "epochSet", args: [epoch] })) });
    const out: MemberStanding[] = [];
    for (const m of set) {
      const v = decodeFunctionResult({ abi, functionName: "getValidator", data: await this.call(root, encodeFunctionData({ abi, functionName: "getValidator", args: [m.validator] })) });
      out.push({
        address: hexToBytes(m.validator),
        snapshotStake: m.stake,
        stake: v.stake,
        selfStake: v.selfStake,
        commissionBps: v.commissionBps,
        lastSignedHeight: v.lastSignedHeight,
        jailed: v.jailed,
        tombstoned: v.tombstoned,
      });
    }
    return out;
  }

  /** An account's delegations (over every registered validator), unbondings and accrued commission. */
  async positions(root: Hash32, account: Address20): Promise<Positions> {
    const who = hex(account);
    const count = decodeFunctionResult({ abi, functionName: "validatorCount", data: await this.call(root, encodeFunctionData({ abi, functionName: "validatorCount" })) });
    const delegations: Positions["delegations"] = [];
    for (let i = 0n; i < count; i++) {
      const v = decodeFunctionResult({ abi, functionName: "validatorAt", data: await this.call(root, encodeFunctionData({ abi, functionName: "validatorAt", args: [i] })) });
      const [shares, amount] = decodeFunctionResult({ abi, functionName: "delegationOf", data: await this.call(root, encodeFunctionData({ abi, functionName: "delegationOf", args: [v, who] })) });
      if (shares > 0n) delegations.push({ validator: hexToBytes(v), shares, amount });
    }
    const unbondings = decodeFunctionResult({ abi, functionName: "unbondingsOf", data: await this.call(root, encodeFunctionData({ abi, functionName: "unbondingsOf", args: [who] })) });
    const claimable = decodeFunctionResult({ abi, functionName: "claimable", data: await this.call(root, encodeFunctionData({ abi, functionName: "claimable", args: [who] })) });
    return {
      delegations,
      unbondings: unbondings.map((u) => ({ validator: hexToBytes(u.validator), amount: u.amount, startHeight: u.startHeight, completeEpoch: u.completeEpoch })),
      claimable,
    };
  }

  async totals(root: Hash32): Promise<LedgerTotals> {
    const [pools, unbonding, commission, pending] = decodeFunctionResult({ abi, functionName: "totalHeld", data: await this.call(root, encodeFunctionData({ abi, functionName: "totalHeld" })) });
    const burned = decodeFunctionResult({ abi, functionName: "totalBurned", data: await this.call(root, encodeFunctionData({ abi, functionName: "totalBurned" })) });
    return { held: pools + unbonding + commission + pending, burned };
  }
}
