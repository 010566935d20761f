// Import of blocks proven final by their commit certificate (sync, committed-block announcements):
// the decision goes into an observer engine (no keys: it follows and commits, never signs) as
// DecisionReceived. The engine verifies the certificate against the height's validator set and seed
// and asks ValidateBlock; its Commit then runs through the same block jobs as consensus commits.
// One observer serves every import, so a node without validator keys catches up too, and applying a
// sync batch never makes the validator engines build or sign for heights already decided.
import type { Common } from "@ethereumjs/common";
import { equalsBytes } from "@ethereumjs/util";
import { decodeCommitCertificate, verifyCommitCertificate, type CommitCertificate } from "../../consensus/certificate.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import { ConsensusEngine } from "../../consensus/engine.js";
import type { ConsensusEvent } from "../../consensus/engine-types.js";
import type { MemoizingMessageVerifier } from "../../consensus/memo-verifier.js";
import type { ConsensusParams } from "../../consensus/types.js";
import { MAX_BLOCK_BYTES } from "../../primitives/limits.js";
import { blockHashOfEncoding, decodeBlock } from "../../primitives/encoding.js";
import type { Block } from "../../primitives/types.js";
import type { BlockJobs, CommitOutcome } from "./block-jobs.js";
import { HeightSession, readNextHeight, type Validation } from "./height-session.js";
import type { ChainHead, FinalizedOutcome, ValidatorSets } from "./ports.js";
import { SerialQueue } from "./serial.js";

export interface ImportOptions {
  common: Common;
  chain: ChainHead;
  params: ConsensusParams;
  crypto: ConsensusCrypto;
  sets: ValidatorSets;
  verifier: MemoizingMessageVerifier;
  /** The height consensus is on, reused when the import is for it (it shares that height's executions). */
  currentSession: () => HeightSession | undefined;
}

export class FinalizedImport {
  private observer: ConsensusEngine | null = null;
  /** One import at a time (the observer follows one height at a time). */
  private readonly queue = new SerialQueue();

  constructor(
    private readonly jobs: BlockJobs,
    private readonly o: ImportOptions,
  ) {}

  /** Imports a block of height head + 1 proven final by its certificate. Never starts a height. */
  apply(blockBytes: Uint8Array, certificateBytes: Uint8Array): Promise<FinalizedOutcome> {
    return this.queue.run(() => this.importOne(blockBytes, certificateBytes));
  }

  private async importOne(blockBytes: Uint8Array, certificateBytes: Uint8Array): Promise<FinalizedOutcome> {
    if (blockBytes.length > MAX_BLOCK_BYTES) return { kind: "invalid", reason: "block exceeds the size limit" };
    // The usual announcement is of the block this node has just committed itself: known by its
    // header's hash, without decoding its transactions.
    const hash = blockHashOfEncoding(blockBytes);
    if (hash !== null && equalsBytes(hash, this.o.chain.head.hash)) return { kind: "known" };
    let block: Block;
    try {
      block = decodeBlock(blockBytes, this.o.common, this.jobs.pooledTx);
    } catch (e) {
      return { kind: "invalid", reason: (e as Error).message };
    }
    const early = this.placement(block);
    if (early) return early;
    const cert = decodeCommitCertificate(certificateBytes);
    if (!cert.ok) return { kind: "invalid", reason: `certificate: ${cert.error}` };
    if (BigInt(cert.value.height) !== block.header.number || !equalsBytes(cert.value.valueHash, block.hash))
      return { kind: "invalid", reason: "the certificate is not for this block" };
    const info = await readNextHeight(this.o.chain);
    if (info === undefined || BigInt(info.height) !== block.header.number) return this.placement(block) ?? { kind: "known" };
    const current = this.o.currentSession();
    let session = current?.height === info.height ? current : undefined;
    if (session === undefined) {
      // A syncing node reaches each epoch's snapshot height before the epoch: the set is always known here.
      session = await HeightSession.open(info, this.o.crypto, this.o.params, this.o.sets);
    }
    return this.decide(session, blockBytes, cert.value, certificateBytes);
  }

  /** known / gap relative to the head, or null for the block after the head. */
  private placement(block: Block): FinalizedOutcome | null {
    const head = this.o.chain.head;
    if (block.header.number <= head.header.number) return { kind: "known" };
    if (block.header.number > head.header.number + 1n) return { kind: "gap", head: head.header.number };
    return null;
  }

  /** The observer at the session's height (StartHeight only increases: a retry of a height gets a fresh one). */
  private observerAt(s: HeightSession): ConsensusEngine {
    if (this.observer === null || this.observer.status.height >= s.height)
      this.observer = new ConsensusEngine({ params: this.o.params, crypto: this.o.crypto, secrets: null, verifier: this.o.verifier });
    // Its only actions are round timeouts, which do not matter to a decision: they are not scheduled.
    this.observer.handle({ type: "StartHeight", height: s.height, validatorSet: s.validatorSet, seed: s.info.seed, previousCommit: s.info.previousCommit });
    return this.observer;
  }

  private async decide(s: HeightSession, value: Uint8Array, certificate: CommitCertificate, certificateBytes: Uint8Array): Promise<FinalizedOutcome> {
    const engine = this.observerAt(s);
    const badBefore = engine.counters.badCertificates;
    let failed: Validation | null = null;
    let committed: CommitOutcome | null = null;
    const events: ConsensusEvent[] = [{ type: "DecisionReceived", value, certificate }];
    for (let event = events.shift(); event !== undefined; event = events.shift()) {
      for (const a of engine.handle(event)) {
        if (a.type === "ValidateBlock") {
          const v = await this.jobs.validate(s, a.hash, a.value, "finalized");
          if (!v.ok) failed = v;
          events.push({ type: "BlockValidated", height: a.height, hash: a.hash, valid: v.ok });
        } else if (a.type === "Commit") {
          committed = await this.jobs.commit(s, { hash: a.hash, value: a.value, certificate: a.certificate, certificateBytes }, "import");
        }
      }
    }
    if (engine.counters.badCertificates > badBefore) {
      const verdict = verifyCommitCertificate(certificate, s.validatorSet, s.info.seed, this.o.params, this.o.crypto);
      const why = verdict.ok ? "rejected" : `${verdict.reason}${verdict.voter ? ` (voter ${verdict.voter})` : ""}`;
      return { kind: "invalid", reason: `the certificate does not verify: ${why}` };
    }
    if (committed !== null) {
      if (committed.kind === "committed") return { kind: "committed" };
      if (committed.kind === "superseded") return { kind: "known" };
      return { kind: "invalid", reason: committed.reason };
    }
    if (BigInt(s.height) <= this.o.chain.head.header.number || (failed !== null && !failed.ok && failed.stale)) return { kind: "known" };
    return { kind: "invalid", reason: failed !== null && !failed.ok ? failed.reason : "the decision was not accepted" };
  }
}
