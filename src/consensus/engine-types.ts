// The engine's vocabulary: events in, actions out, configuration and counters.
// See engine.ts for the driver contract (which action is answered by which event, and in what order
// actions must be carried out).

import type { CommitCertificate } from "./certificate.js";
import type { ConsensusMessage, Proposal, Vote } from "./messages.js";
import type { PersistedConsensusState } from "./signing-record.js";
import type { TimeoutConfig } from "./timeouts.js";
import type { Step, ValidatorSet } from "./types.js";

export type ConsensusEvent =
  /** Begin agreeing on `height`, after the previous height's block is committed (or at genesis). */
  | {
      readonly type: "StartHeight";
      readonly height: number;
      readonly validatorSet: ValidatorSet;
      readonly seed: Uint8Array;
      /** The certificate that committed height - 1 (null at the first height). */
      readonly previousCommit: CommitCertificate | null;
    }
  | { readonly type: "ProposalReceived"; readonly proposal: Proposal }
  | { readonly type: "VoteReceived"; readonly vote: Vote }
  /** Answers ScheduleTimeout once its duration has elapsed. */
  | { readonly type: "TimeoutFired"; readonly height: number; readonly round: number; readonly step: Step }
  /** Answers BuildProposal: the block the driver built (an empty block when the pool is empty). */
  | { readonly type: "ProposalBuilt"; readonly height: number; readonly round: number; readonly value: Uint8Array; readonly hash: Uint8Array }
  /** Answers ValidateBlock: valid means well formed, hash(value) = hash and its parent is our head. */
  | { readonly type: "BlockValidated"; readonly height: number; readonly hash: Uint8Array; readonly valid: boolean }
  /** A block and its certificate obtained by sync: committed once the certificate verifies and the block validates. */
  | { readonly type: "DecisionReceived"; readonly value: Uint8Array; readonly certificate: CommitCertificate };

export type ConsensusAction =
  /** Store `state` durably BEFORE executing any later action of the same batch (it precedes the Broadcast of what was signed). */
  | { readonly type: "PersistSigned"; readonly state: PersistedConsensusState }
  /** Gossip to every other validator; the engine has already counted its own message. */
  | { readonly type: "Broadcast"; readonly message: ConsensusMessage; readonly bytes: Uint8Array }
  | { readonly type: "ScheduleTimeout"; readonly height: number; readonly round: number; readonly step: Step; readonly durationMs: number }
  /**
   * Build a block for (height, round) on the committed head and answer with ProposalBuilt. The block
   * must record the proposer's address, `round` and `vrfProof`: the next height's seed derives from
   * the committed block's proposer VRF output (see seedAfterBlock in engine.ts).
   */
  | {
      readonly type: "BuildProposal";
      readonly height: number;
      readonly round: number;
      readonly proposer: Uint8Array;
      readonly vrfProof: Uint8Array;
      readonly vrfOutput: Uint8Array;
      /** The proposer priority of this credential (lower wins), as receivers will compute it. */
      readonly priority: Uint8Array;
    }
  /** Check a received block and answer with BlockValidated (always answer, valid or not). */
  | { readonly type: "ValidateBlock"; readonly height: number; readonly round: number; readonly hash: Uint8Array; readonly value: Uint8Array }
  /** Final: append the block with its certificate, then send StartHeight(height + 1). */
  | {
      readonly type: "Commit";
      readonly height: number;
      readonly round: number;
      readonly value: Uint8Array;
      readonly hash: Uint8Array;
      readonly certificate: CommitCertificate;
    };

export interface EngineLimits {
  /** Messages for future heights kept until those heights start (all senders together). */
  readonly maxBufferedFutureMessages: number;
  /** Of those, from one claimed sender. */
  readonly maxBufferedPerSender: number;
  /** Future heights beyond height + this are dropped rather than buffered. */
  readonly maxFutureHeights: number;
  /** Rounds above round + 1 that one sender may open (Tendermint's catch-up rounds). */
  readonly catchupRoundsPerSender: number;
  /** Equivocation evidence kept until drained. */
  readonly maxEvidence: number;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  maxBufferedFutureMessages: 20_000,
  maxBufferedPerSender: 64,
  maxFutureHeights: 4,
  catchupRoundsPerSender: 2,
  maxEvidence: 1024,
};

export interface EngineCounters {
  received: number;
  accepted: number;
  duplicate: number;
  /** Older height, or the current height after it was decided. */
  stale: number;
  /** Beyond the future-height window or the sender's catch-up rounds. */
  farFuture: number;
  buffered: number;
  bufferOverflow: number;
  unknownValidator: number;
  badSignature: number;
  badProof: number;
  notSelected: number;
  equivocations: number;
  invalidBlocks: number;
  badCertificates: number;
}

export function emptyCounters(): EngineCounters {
  return {
    received: 0,
    accepted: 0,
    duplicate: 0,
    stale: 0,
    farFuture: 0,
    buffered: 0,
    bufferOverflow: 0,
    unknownValidator: 0,
    badSignature: 0,
    badProof: 0,
    notSelected: 0,
    equivocations: 0,
    invalidBlocks: 0,
    badCertificates: 0,
  };
}

export type { TimeoutConfig };
