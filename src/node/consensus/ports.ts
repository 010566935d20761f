// The narrow interfaces the consensus driver works through. The node's concrete Chain, ChainStore
// and BlockProducer satisfy them structurally (see node.ts); the driver tests use in-memory fakes.
import type { Common } from "@ethereumjs/common";
import type { ProposalFields } from "../../chain/block-builder.js";
import type { CandidateSource, ProduceLimits, ProducedBlock } from "../../chain/block-producer.js";
import type { CommitOrigin } from "../../chain/chain.js";
import type { ValidatorKeys } from "../../chain/validator-keys.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import type { EquivocationEvidence } from "../../consensus/evidence.js";
import type { TimeoutConfig } from "../../consensus/timeouts.js";
import type { ConsensusParams, ValidatorSet } from "../../consensus/types.js";
import type { Logger } from "../../util/logger.js";
import type { Block, GenesisValidator } from "../../primitives/types.js";
import type { Metrics } from "../../metrics/index.js";


/** What the driver reads of the chain: the committed head, its certificate, the genesis validators. */
export interface ChainHead {
  readonly head: Block;
  getCertificate(blockHash: Uint8Array): Promise<Uint8Array | null>;
  readonly genesis: { readonly validators: readonly GenesisValidator[] };
}

/** The validator set that governs each height (the staking ledger's epoch snapshots,
 * staking/validator-sets.ts); without one, the genesis validators govern every height. */
export interface ValidatorSets {
  /** The set of `height`; rejects while the snapshot that decides it is not committed. */
  setFor(height: number): Promise<ValidatorSet>;
  /** The set of `height` if already loaded (message admission is synchronous). */
  knownFor(height: number): ValidatorSet | undefined;
}

/** Equivocation evidence for proposals and its check in received blocks (staking/evidence.ts). */
export interface EvidencePort {
  /** What our proposal at `at` carries. */
  forProposal(at: { height: bigint; timestamp: bigint }): Promise<Uint8Array[]>;
  /** Why a block's evidence is not acceptable, or null. */
  check(evidence: readonly Uint8Array[], at: { height: bigint; timestamp: bigint }): Promise<string | null>;
  /** Evidence one of our engines found. */
  found(e: EquivocationEvidence, at: { height: bigint; timestamp: bigint }): void;
}

/** Durable signing state of the local validators (written before what was signed is sent). */
export interface SigningRecords {
  /** Where the records are kept, for error messages (the database directory). */
  readonly dir?: string;
  getSigningRecord(id: string): Promise<Uint8Array | null | undefined>;
  putSigningRecord(id: string, bytes: Uint8Array): Promise<void>;
  /** The record's copy outside the database, and where it is (absent: the store keeps none). */
  getSigningRecordFile?(id: string): Promise<Uint8Array | undefined>;
  signingRecordPath?(id: string): string;
}

/** select -> build -> execute -> commit (chain/block-producer.ts BlockProducer). */
export interface BlockPipelinePort {
  produce(fields: ProposalFields, limits?: ProduceLimits): Promise<ProducedBlock>;
  validate(block: Block, nowSeconds: bigint, maxFutureSeconds?: bigint): Promise<ProducedBlock>;
  commit(produced: ProducedBlock, certificateBytes: Uint8Array | undefined, origin: CommitOrigin): Promise<void>;
}

/** How consensus messages leave this node (libp2p gossip, or nothing for a lone process). Incoming
 * messages arrive through ConsensusDriver.onNetworkMessage. */
export interface ConsensusTransport {
  broadcast(kind: "proposal" | "vote" | "credential", bytes: Uint8Array): void;
  /** Sends a message broadcast before once more, so that gossip does not drop it as a duplicate. */
  resend?(kind: "proposal" | "vote", bytes: Uint8Array): void;
}

/** What the network layer should do with a received consensus message. */
export type MessageVerdict = { verdict: "accept" | "reject" | "ignore"; reason?: string };

/** The outcome of offering a block with its certificate (from sync or an announcement). */
export type FinalizedOutcome = { kind: "committed" } | { kind: "known" } | { kind: "gap"; head: bigint } | { kind: "invalid"; reason: string };

/** The consensus driver's ports and settings. */
export interface DriverOptions {
  common: Common;
  chain: ChainHead;
  store: SigningRecords;
  /** select -> build -> execute -> commit; what reacts to a commit listens to the chain. */
  producer: BlockPipelinePort;
  candidates: CandidateSource;
  /** Which validators govern each height (default: the genesis validators, for ever). */
  sets?: ValidatorSets;
  /** Equivocation evidence (none carried or checked without it). */
  evidence?: EvidencePort;
  /** Told when peers are evidently ahead (messages for later heights): time to sync. */
  onBehind?: (theirHeight: number) => void;
  crypto: ConsensusCrypto;
  params: ConsensusParams;
  /** Keys of the validators this node runs (may be empty: it then follows and verifies only). */
  validators: ValidatorKeys[];
  /** Target milliseconds between block starts; 0 = start a height as soon as transactions wait. */
  blockTimeMs: number;
  timeouts?: TimeoutConfig;
  transport?: ConsensusTransport;
  /** With a transport: how long a drawn proposer waits for peers' credentials before it builds (default CREDENTIAL_WAIT_MS). */
  credentialWaitMs?: number;
  logger: Logger;
  now?: () => number;
  /** Timeouts fired and finality latency are counted here (the rest is read on scrape). */
  metrics?: Metrics | null;
}
