// The vesting ledger (contracts/Vesting.sol) as the node drives and reads it: deployed and funded at
// genesis when the genesis allocates vesting coins (system calls, in chunks so that no single call
// nears the system-call gas bound), and read at a committed root for JSON-RPC. Claims are ordinary
// transactions from a beneficiary's wallet; nothing here moves coins after genesis.
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { decodeFunctionResult, encodeFunctionData, type Hex } from "viem";
import type { SystemCalls, SystemViews } from "../evm/system-call.js";
import { VESTING_ADDRESS } from "../primitives/staking.js";
import type { Address20, Hash32, VestingAllocation } from "../primitives/types.js";
import { VESTING_ABI, VESTING_RUNTIME_CODE } from "./vesting-artifact.js";

const abi = VESTING_ABI;
const hex = (b: Uint8Array): Hex => bytesToHex(b) as Hex;

/** Allocations per genesis system call: each costs about four cold storage writes and an event. */
const ALLOCATIONS_PER_CALL = 256;

export function encodeAllocate(list: readonly VestingAllocation[]): Uint8Array {
  const args = list.map((a) => ({
    beneficiary: hex(a.beneficiary),
    total: a.total,
    start: a.start,
    cliff: a.cliff,
    duration: a.duration,
    step: a.step,
    initialBps: a.initialBps,
  }));
  return hexToBytes(encodeFunctionData({ abi, functionName: "allocate", args: [args] }));
}

/** Deploys the vesting ledger and mints every allocation into it (nothing when the genesis has none). */
export async function vestingGenesisInit(calls: SystemCalls, allocations: readonly VestingAllocation[]): Promise<void> {
  if (allocations.length === 0) return;
  await calls.putCode(VESTING_ADDRESS, hexToBytes(VESTING_RUNTIME_CODE as `0x${string}`));
  for (let i = 0; i < allocations.length; i += ALLOCATIONS_PER_CALL) {
    const chunk = allocations.slice(i, i + ALLOCATIONS_PER_CALL);
    await calls.call(VESTING_ADDRESS, encodeAllocate(chunk), chunk.reduce((s, a) => s + a.total, 0n));
  }
}

/** One beneficiary's schedule at a block (wei amounts, unix seconds). */
export interface VestingPosition {
  total: bigint;
  claimed: bigint;
  /** Unlocked by the block's timestamp and not claimed yet. */
  claimable: bigint;
  /** Not unlocked yet at the block's timestamp. */
  locked: bigint;
  start: bigint;
  cliff: bigint;
  duration: bigint;
  step: bigint;
  initialBps: number;
}

export class VestingReader {
  constructor(private readonly views: Pick<SystemViews, "read">) {}

  private async call(root: Hash32, data: Hex): Promise<Hex> {
    return hex(await this.views.read(root, VESTING_ADDRESS, hexToBytes(data)));
  }

  /** `beneficiary`'s schedule as of a block with this root and timestamp; null without one. */
  async position(root: Hash32, timestamp: bigint, beneficiary: Address20): Promise<VestingPosition | null> {
    const who = hex(beneficiary);
    const s = decodeFunctionResult({ abi, functionName: "scheduleOf", data: await this.call(root, encodeFunctionData({ abi, functionName: "scheduleOf", args: [who] })) });
    if (s.total === 0n) return null;
    const vested = decodeFunctionResult({ abi, functionName: "vestedAt", data: await this.call(root, encodeFunctionData({ abi, functionName: "vestedAt", args: [who, timestamp] })) });
    return {
      total: s.total,
      claimed: s.claimed,
      claimable: vested - s.claimed,
      locked: s.total - vested,
      start: s.start,
      cliff: s.cliff,
      duration: s.duration,
      step: s.step,
      initialBps: s.initialBps,
    };
  }

  /** Wei the ledger still holds for beneficiaries (allocated, not claimed). */
  async held(root: Hash32): Promise<bigint> {
    return decodeFunctionResult({ abi, functionName: "locked", data: await this.call(root, encodeFunctionData({ abi, functionName: "locked" })) });
  }
}
