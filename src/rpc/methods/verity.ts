// verity_ namespace: the node's own methods beyond Ethereum's (staking). Every read is also an
// ordinary eth_call of the staking ledger's views (docs/staking.md); these gather what an explorer
// or a wallet shows, and add what a contract call cannot give (the supply's burned fees, evidence
// submission).
import type { Block } from "../../primitives/types.js";
import type { BlockSelector, RpcBackend, StakingSource } from "../backend/port.js";
import { UserError } from "../backend/port.js";
import { ErrorCode, RpcError } from "../errors.js";
import { checksumAddress, quantity } from "../hex.js";
import { optional, parseAddress, parseBlockRef, parseData, parseQuantity, required } from "../params.js";
import { defineMethod, type MethodTable } from "./types.js";

const LATEST: BlockSelector = "latest";
const block = optional("block", parseBlockRef, LATEST);

function staking(backend: RpcBackend): StakingSource {
  if (backend.staking === undefined) throw new RpcError(ErrorCode.methodNotFound, "staking is not available on this node");
  return backend.staking;
}

async function blockAt(backend: RpcBackend, sel: BlockSelector): Promise<Block> {
  const b = await backend.getBlock(sel);
  if (b === null) throw new UserError("header not found");
  return b;
}

export const verityMethods: MethodTable = {
  /** Equivocation evidence (encoded, consensus/evidence.ts) for this node's next proposals. */
  verity_submitEvidence: defineMethod([required("evidence", parseData)], async ([bytes], { backend }) => {
    const { offender, height } = await staking(backend).submitEvidence(bytes);
    return { offender: checksumAddress(offender), height: quantity(height) };
  }),

  /** The epoch of the block after `block`, and its first and last heights. */
  verity_getEpoch: defineMethod([block], async ([sel], { backend }) => {
    const e = await staking(backend).epoch(await blockAt(backend, sel));
    return { epoch: quantity(e.epoch), epochLength: quantity(e.epochLength), firstHeight: quantity(e.firstHeight), lastHeight: quantity(e.lastHeight) };
  }),

  /** An epoch's validator set (default: the current one) with each member's standing at `block`. */
  verity_getValidators: defineMethod([optional<bigint | null>("epoch", (v) => (v === null ? null : parseQuantity(v, 64)), null), block], async ([epoch, sel], { backend }) => {
    const s = staking(backend);
    const b = await blockAt(backend, sel);
    const members = await s.validators(b, epoch ?? (await s.epoch(b)).epoch);
    return members.map((m) => ({
      address: checksumAddress(m.address),
      status: m.status,
      snapshotStake: quantity(m.snapshotStake),
      stake: quantity(m.stake),
      selfStake: quantity(m.selfStake),
      commissionBps: m.commissionBps,
      lastSignedHeight: quantity(m.lastSignedHeight),
    }));
  }),

  /** An account's delegations, unbondings (with the epoch each completes) and accrued commission. */
  verity_getStakingPositions: defineMethod([required("address", parseAddress), block], async ([address, sel], { backend }) => {
    const p = await staking(backend).positions(await blockAt(backend, sel), address);
    return {
      delegations: p.delegations.map((d) => ({ validator: checksumAddress(d.validator), shares: quantity(d.shares), amount: quantity(d.amount) })),
      unbondings: p.unbondings.map((u) => ({ validator: checksumAddress(u.validator), amount: quantity(u.amount), startHeight: quantity(u.startHeight), completeEpoch: quantity(u.completeEpoch) })),
      claimable: quantity(p.claimable),
    };
  }),

  /** The supply at `block`: genesis + minted - burned fees - the ledger's burns = total; staked is in the ledger. */
  verity_getSupply: defineMethod([block], async ([sel], { backend }) => {
    const s = await staking(backend).supply(await blockAt(backend, sel));
    return {
      genesis: quantity(s.genesis),
      minted: quantity(s.minted),
      burnedFees: quantity(s.burnedFees),
      burnedByLedger: quantity(s.burnedByLedger),
      total: quantity(s.total),
      staked: quantity(s.staked),
      vesting: quantity(s.vesting),
    };
  }),

  /** An account's genesis vesting schedule at `block`: what it was allocated, has claimed, can claim, and what is still locked. */
  verity_getVesting: defineMethod([required("address", parseAddress), block], async ([address, sel], { backend }) => {
    const v = await staking(backend).vesting(await blockAt(backend, sel), address);
    if (v === null) return null;
    return {
      total: quantity(v.total),
      claimed: quantity(v.claimed),
      claimable: quantity(v.claimable),
      locked: quantity(v.locked),
      start: quantity(v.start),
      cliff: quantity(v.cliff),
      duration: quantity(v.duration),
      step: quantity(v.step),
      initialUnlockBps: v.initialBps,
    };
  }),
};
