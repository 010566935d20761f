// The staking layer as the JSON-RPC backend sees it (rpc/backend/port.ts StakingSource): evidence
// submission into the node's evidence service, and the ledger's views at a block, read through
// staking/ledger-reader.ts. The supply adds what only the chain knows: the base fees burned so far,
// summed over the headers once and then extended block by block.
import type { Chain } from "../chain/chain.js";
import { bytesToHex } from "@ethereumjs/util";
import type { EpochStatus, StakingPositions, StakingSource, SupplyStatus, ValidatorStanding, VestingStatus } from "../rpc/backend/port.js";
import { UserError } from "../rpc/backend/port.js";
import { genesisSupply } from "../primitives/staking.js";
import type { Address20, Block } from "../primitives/types.js";
import type { EvidenceService } from "../staking/evidence.js";
import { firstHeightOf } from "../staking/epochs.js";
import type { StakeLedgerReader } from "../staking/ledger-reader.js";
import { mintedThrough } from "../staking/rewards.js";
import type { VestingReader } from "../staking/vesting.js";
import type { Logger } from "../util/logger.js";

export class NodeStakingRpc implements StakingSource {
  /** burnedFees[n]: base fees burned by blocks 1..n (index 0: genesis, none). */
  private readonly burnedFees: bigint[] = [0n];

  constructor(
    private readonly chain: Chain,
    private readonly ledger: StakeLedgerReader,
    private readonly vestingLedger: VestingReader,
    private readonly evidence: EvidenceService,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async submitEvidence(bytes: Uint8Array): Promise<{ offender: Address20; height: bigint }> {
    const head = this.chain.head.header;
    const result = await this.evidence.add(bytes, { height: head.number + 1n, timestamp: BigInt(Math.floor(this.now() / 1000)) });
    if (!result.ok) throw new UserError(`evidence refused: ${result.reason}`);
    this.log.info("evidence submitted", { offender: bytesToHex(result.offence.offender), height: result.offence.height });
    return result.offence;
  }

  async epoch(block: Block): Promise<EpochStatus> {
    const epochLength = this.chain.genesis.staking.epochLength;
    const epoch = await this.ledger.currentEpoch(block.header.stateRoot);
    return { epoch, epochLength, firstHeight: firstHeightOf(epoch, epochLength), lastHeight: firstHeightOf(epoch + 1n, epochLength) - 1n };
  }

  async validators(block: Block, epoch: bigint): Promise<ValidatorStanding[]> {
    const current = await this.ledger.currentEpoch(block.header.stateRoot);
    if (epoch > current + 1n) throw new UserError(`the set of epoch ${epoch} is not known at block ${block.header.number} (known through epoch ${current + 1n})`);
    return (await this.ledger.members(block.header.stateRoot, epoch)).map((m) => ({
      address: m.address,
      snapshotStake: m.snapshotStake,
      stake: m.stake,
      selfStake: m.selfStake,
      commissionBps: m.commissionBps,
      status: m.tombstoned ? "tombstoned" : m.jailed ? "jailed" : "active",
      lastSignedHeight: m.lastSignedHeight,
    }));
  }

  positions(block: Block, account: Address20): Promise<StakingPositions> {
    return this.ledger.positions(block.header.stateRoot, account);
  }

  async supply(block: Block): Promise<SupplyStatus> {
    const g = this.chain.genesis;
    const genesis = genesisSupply(g);
    const minted = mintedThrough(block.header.number, g.staking);
    const burnedFees = await this.burnedFeesThrough(block.header.number);
    const totals = await this.ledger.totals(block.header.stateRoot);
    const vesting = g.vesting.length > 0 ? await this.vestingLedger.held(block.header.stateRoot) : 0n;
    return { genesis, minted, burnedFees, burnedByLedger: totals.burned, total: genesis + minted - burnedFees - totals.burned, staked: totals.held, vesting };
  }

  async vesting(block: Block, account: Address20): Promise<VestingStatus | null> {
    if (this.chain.genesis.vesting.length === 0) return null;
    return this.vestingLedger.position(block.header.stateRoot, block.header.timestamp, account);
  }

  private async burnedFeesThrough(n: bigint): Promise<bigint> {
    for (let h = BigInt(this.burnedFees.length); h <= n; h++) {
      const b = await this.chain.getBlockByNumber(h);
      if (!b) throw new UserError(`block ${h} not found`);
      this.burnedFees.push(this.burnedFees[Number(h) - 1]! + b.header.baseFeePerGas * b.header.gasUsed);
    }
    return this.burnedFees[Number(n)]!;
  }
}
