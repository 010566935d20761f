// The chain's data model: what a block, a receipt and a log are, independent of how they are encoded
// (primitives/encoding.ts), stored (storage/) or executed (evm/).
import type { TypedTransaction } from "@ethereumjs/tx";

/** 32-byte hash, 20-byte address and other fixed-width values are raw bytes. */
export type Hash32 = Uint8Array;
export type Address20 = Uint8Array;

/**
 * A block header. The first twelve fields mirror Ethereum's; the last four carry what the BFT
 * consensus needs to check a block on its own: the agreement round it was proposed in, the
 * proposer's VRF proof for that round, the sortition seed of its height, and the hash of the
 * commit certificate that finalised the parent (zero for the block after genesis).
 */
export interface BlockHeader {
  parentHash: Hash32;
  number: bigint;
  /** Seconds since the Unix epoch. */
  timestamp: bigint;
  /** The proposer's address; priority fees are paid to it (Ethereum's coinbase). */
  proposer: Address20;
  stateRoot: Hash32;
  transactionsRoot: Hash32;
  receiptsRoot: Hash32;
  logsBloom: Uint8Array;
  gasLimit: bigint;
  gasUsed: bigint;
  baseFeePerGas: bigint;
  extraData: Uint8Array;
  round: number;
  proposerVrfProof: Uint8Array;
  seed: Hash32;
  lastCommitHash: Hash32;
  /** keccak256 of the RLP list of the equivocation evidence the block carries (EMPTY_LIST_HASH for none). */
  evidenceHash: Hash32;
  /**
   * The hash of the validator set that governs the next height (consensus/validator-set-hash.ts), as
   * CometBFT's NextValidatorsHash: a client that trusts this header knows which set must certify the
   * next block, across epoch changes, without executing anything.
   */
  nextValidatorsHash: Hash32;
}

export interface Block {
  header: BlockHeader;
  /** keccak256 of the header's RLP, computed once when the block is made or decoded. */
  hash: Hash32;
  transactions: TypedTransaction[];
  /**
   * The encoded commit certificate that finalised the parent, as the proposer saw it (empty for
   * genesis and height 1). Validators hold different but equally valid certificates of one block, so
   * the block carries the one its header's lastCommitHash names, and everyone can check it.
   */
  lastCommit: Uint8Array;
  /** Encoded equivocation evidence (consensus/evidence.ts) the staking ledger slashes for; usually none. */
  evidence: Uint8Array[];
}

export interface Log {
  address: Address20;
  topics: Hash32[];
  data: Uint8Array;
}

/** What executing one transaction produced (Ethereum's receipt plus what RPC needs to show it). */
export interface TxReceipt {
  /** 1 success, 0 failure (revert or exceptional halt). */
  status: 0 | 1;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  logsBloom: Uint8Array;
  logs: Log[];
  /** Address of the created contract, for a contract creation that succeeded. */
  contractAddress: Address20 | null;
  /** Price per gas the sender actually paid: base fee + effective tip. */
  effectiveGasPrice: bigint;
  /** Transaction type (0 legacy, 1 EIP-2930, 2 EIP-1559). */
  type: number;
}

/** Where a transaction sits in the canonical chain. */
export interface TxLocation {
  blockHash: Hash32;
  blockNumber: bigint;
  index: number;
}

/** Chain parameters fixed at genesis. */
export interface ChainParams {
  chainId: bigint;
  gasLimit: bigint;
  /** Target seconds between blocks (the node's --block-time may override it for dev chains). */
  blockTimeSeconds: number;
  /** EIP-1559: base fee of the first block, and the minimum the base fee may fall to. */
  initialBaseFee: bigint;
  minBaseFee: bigint;
  /** EIP-1559 elasticity multiplier (target = gasLimit / elasticity) and change denominator. */
  elasticityMultiplier: bigint;
  baseFeeChangeDenominator: bigint;
  /** Expected committee size per voting step (stake units); tau >= total stake means everyone votes. */
  committeeSize: bigint;
  /** Expected number of proposer draws per round (several race; the lowest priority wins). */
  proposerTau: bigint;
}

export interface GenesisAccount {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  storage: Array<[Hash32, Uint8Array]>;
}

export interface GenesisValidator {
  address: Address20;
  /** Stake units (STAKE_UNIT_WEI each): the genesis self-stake, minted into the staking ledger. */
  stake: bigint;
  /** ed25519 public key that signs consensus messages. */
  signingKey: Uint8Array;
  /** ECVRF-EDWARDS25519-SHA512-TAI public key used for sortition. */
  vrfKey: Uint8Array;
}

/**
 * The staking ledger's and the reward schedule's parameters (genesis "staking"; defaults in
 * primitives/staking.ts). Amounts in wei, durations in heights or epochs.
 */
export interface StakingParams {
  /** Heights per epoch; the set snapshotted at the end of epoch e governs epoch e + 2. */
  epochLength: bigint;
  /** Active set size: the top N candidates by stake (at most MAX_ACTIVE_VALIDATORS). */
  maxValidators: number;
  minSelfStake: bigint;
  minDelegation: bigint;
  /** Epochs an undelegation waits before withdraw() pays it. */
  unbondingEpochs: bigint;
  /** Epochs a downtime jail lasts before unjail() is allowed. */
  jailEpochs: bigint;
  /** Algorand's absence rule: jailed when silent for more than this many expected gaps ... */
  downtimeGapFactor: bigint;
  /** ... and never for fewer heights than this. */
  minDowntimeBlocks: bigint;
  maxCommissionChangeBps: number;
  /** Share of the stake at the infraction burned for equivocation. */
  slashFractionBps: number;
  /** Open unbondings per (validator, delegator). */
  maxUnbondingEntries: number;
  /** Equivocation evidence expires only when older than both of these (CometBFT's rule). */
  evidenceMaxAgeHeights: bigint;
  evidenceMaxAgeSeconds: bigint;
  /** R0: wei minted per block in the first era; era k mints R0 >> k. */
  initialBlockReward: bigint;
  /** Heights per era (5 years of blocks at the genesis block time by default). */
  halvingInterval: bigint;
  /** The first height that mints a reward. */
  rewardStartHeight: bigint;
  /** Receives foundationShareBps of every block reward. */
  foundation: Address20;
  foundationShareBps: number;
}

export interface Genesis {
  params: ChainParams;
  timestamp: bigint;
  extraData: Uint8Array;
  alloc: Map<string, GenesisAccount>; // key: 0x-prefixed lowercase address
  /** The genesis validators: the sets of epochs 0 and 1, and their self-stake in the staking ledger. */
  validators: GenesisValidator[];
  staking: StakingParams;
  /** Coins that unlock over time (genesis "vesting"), held by the vesting ledger until claimed. */
  vesting: VestingAllocation[];
}

/**
 * One genesis vesting allocation (contracts/Vesting.sol): `total` wei, `initialBps` of it unlocked at
 * `start` (unix seconds), the rest linearly over `duration` seconds from `start` but none before
 * `start + cliff`, in whole `step`s when step > 0 (duration 0: the rest at start + cliff).
 */
export interface VestingAllocation {
  beneficiary: Address20;
  total: bigint;
  start: bigint;
  cliff: bigint;
  duration: bigint;
  step: bigint;
  initialBps: number;
}

/** An account's nonce and balance at some state root (what admission and pool upkeep read). */
export interface AccountState {
  nonce: bigint;
  balance: bigint;
}
