// The validator set that governs each height, read from the staking ledger: epochs 0 and 1 are the
// genesis validators; epoch e >= 2 is the snapshot the ledger recorded at the end of epoch e - 2,
// read from the state of that height (final, so the read never changes). Stake counts in whole
// units (STAKE_UNIT_WEI) for sortition; a member with less than a unit has no weight and is left out.
import { ValidatorSet } from "../consensus/types.js";
import type { SystemViews } from "../evm/system-call.js";
import { STAKE_HUB_ADDRESS, STAKE_UNIT_WEI } from "../primitives/staking.js";
import type { Genesis, Hash32 } from "../primitives/types.js";
import { LruCache } from "../util/lru.js";
import { epochOf, snapshotHeightOf } from "./epochs.js";
import { stakeHubCalls, stakeHubResults } from "./stake-hub.js";

/** The set of epochs 0 and 1: the genesis validators with their genesis stake. */
export function genesisValidatorSet(genesis: Genesis): ValidatorSet {
  return ValidatorSet.from(genesis.validators.map((v) => ({ address: v.address, stake: v.stake, signingKey: v.signingKey, vrfKey: v.vrfKey })));
}

export class EpochValidatorSets {
  private readonly genesisSet: ValidatorSet;
  private readonly byEpoch = new LruCache<bigint, ValidatorSet>(8);
  private readonly loading = new Map<bigint, Promise<ValidatorSet>>();

  constructor(
    private readonly genesis: Genesis,
    private readonly views: Pick<SystemViews, "read">,
    /** The committed state root at a height, undefined while that height is not committed. */
    private readonly stateRootAt: (height: bigint) => Promise<Hash32 | undefined>,
  ) {
    this.genesisSet = genesisValidatorSet(genesis);
  }

  epochOf(height: number): bigint {
    return epochOf(BigInt(height), this.genesis.staking.epochLength);
  }

  /** The set of `height`, if already loaded (message admission is synchronous). */
  knownFor(height: number): ValidatorSet | undefined {
    const epoch = this.epochOf(height);
    return epoch < 2n ? this.genesisSet : this.byEpoch.get(epoch);
  }

  /** The set of `height`; throws while the snapshot that decides it is not committed. */
  async setFor(height: number): Promise<ValidatorSet> {
    const epoch = this.epochOf(height);
    if (epoch < 2n) return this.genesisSet;
    const known = this.byEpoch.get(epoch);
    if (known) return known;
    let pending = this.loading.get(epoch);
    if (!pending) {
      pending = this.load(epoch).finally(() => this.loading.delete(epoch));
      this.loading.set(epoch, pending);
    }
    return pending;
  }

  private async load(epoch: bigint): Promise<ValidatorSet> {
    const at = snapshotHeightOf(epoch, this.genesis.staking.epochLength);
    const root = await this.stateRootAt(at);
    if (root === undefined) throw new Error(`the validator set of epoch ${epoch} is not known yet: height ${at}, which records it, is not committed`);
    const members = stakeHubResults.epochSet(await this.views.read(root, STAKE_HUB_ADDRESS, stakeHubCalls.epochSet(epoch)));
    const validators = members
      .map((m) => ({ address: m.address, stake: m.stakeWei / STAKE_UNIT_WEI, signingKey: m.signingKey, vrfKey: m.vrfKey }))
      .filter((m) => m.stake > 0n);
    const set = ValidatorSet.from(validators);
    this.byEpoch.set(epoch, set);
    return set;
  }
}
