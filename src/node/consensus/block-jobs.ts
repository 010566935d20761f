// Block work of a height through the BlockPipelinePort: building our proposals, validating received
// (or synced) blocks once per session however many engines ask, and committing decided blocks. All
// execution runs on one SerialQueue (it shares the live state). A commit returns its outcome; it
// never moves consensus on (the driver's loop does).
import type { Common } from "@ethereumjs/common";
import { bytesToHex } from "@ethereumjs/util";
import { encodeCommitCertificate, type CommitCertificate } from "../../consensus/certificate.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import type { ConsensusParams } from "../../consensus/types.js";
import type { MessageVerifier } from "../../consensus/verify.js";
import { MAX_BLOCK_BYTES } from "../../primitives/limits.js";
import { decodeBlock } from "../../primitives/encoding.js";
import { keccak256 } from "../../primitives/hash.js";
import type { Logger } from "../../util/logger.js";
import { checkConsensusFields } from "../../consensus/block-rules.js";
import { validatorSetHash } from "../../consensus/validator-set-hash.js";
import type { HeightSession, Validation } from "./height-session.js";
import type { BlockPipelinePort, ChainHead, EvidencePort } from "./ports.js";
import type { CandidateSource, ProducedBlock } from "../../chain/block-producer.js";
import type { SerialQueue } from "./serial.js";

/** A block proven final may carry a timestamp ahead of our clock by this much (clock skew), not more. */
export const FINALIZED_FUTURE_SECONDS = 60n;

/** "proposal": a block under agreement (the block builder's default timestamp bound); "finalized":
 * a block whose certificate proves it final (FINALIZED_FUTURE_SECONDS). */
export type ValidationBound = "proposal" | "finalized";

export type CommitOutcome =
  | { kind: "committed"; block: ProducedBlock }
  /** The head already holds this height (a synced or announced block, or another commit). */
  | { kind: "superseded" }
  /** Only for imports (a consensus decision this node cannot execute throws). */
  | { kind: "invalid"; reason: string };

export interface BlockJobsOptions {
  common: Common;
  chain: ChainHead;
  producer: BlockPipelinePort;
  candidates: CandidateSource;
  params: ConsensusParams;
  crypto: ConsensusCrypto;
  exec: SerialQueue;
  logger: Logger;
  now: () => number;
  evidence?: EvidencePort;
  /** Our proposals carry no more gas than this node executes in this many ms (absent: no bound). */
  maxBuildMs?: number;
  /** The node's memoizing verifier, for the votes of a block's parent certificate (most already checked). */
  verifier?: MessageVerifier;
}

export class BlockJobs {
  constructor(private readonly o: BlockJobsOptions) {}

  private nowSeconds(): bigint {
    return BigInt(Math.floor(this.o.now() / 1000));
  }

  /** A block's transaction as our pool already holds it (decoded, sender recovered), if it does. */
  readonly pooledTx = (raw: Uint8Array) => this.o.candidates.known?.(keccak256(raw));

  /** Our proposal for (height, round) on the head; null when the head moved past the height first.
   * `maxBuildMs` bounds this block below the usual build budget (a fallback's small block). */
  async build(s: HeightSession, height: number, round: number, proposer: Uint8Array, vrfProof: Uint8Array, maxBuildMs = this.o.maxBuildMs): Promise<ProducedBlock | null> {
    if (height !== s.height) return null;
    const now = this.nowSeconds();
    const head = this.o.chain.head.header;
    const evidence = (await this.o.evidence?.forProposal({ height: BigInt(height), timestamp: now > head.timestamp ? now : head.timestamp })) ?? [];
    const built = await this.o.exec.run(async () => {
      // The head moved past this height (a synced or announced block) before the build ran.
      if (this.o.chain.head.header.number + 1n !== BigInt(height)) return null;
      const lastCommit = s.lastCommit();
      return this.o.producer.produce({
        proposer,
        round,
        proposerVrfProof: vrfProof,
        seed: s.info.seed,
        lastCommit: lastCommit.bytes,
        lastCommitHash: lastCommit.hash,
        nextValidatorsHash: validatorSetHash(s.nextValidatorSet),
        now,
        evidence,
      }, maxBuildMs === undefined ? {} : { maxExecutionMs: maxBuildMs });
    });
    if (built === null) {
      this.o.logger.debug("proposal not built: height already decided", { height, round });
      return null;
    }
    s.executed.set(bytesToHex(built.block.hash), Promise.resolve({ ok: true, block: built }));
    this.o.logger.debug("proposal built", { height, round, txs: built.block.transactions.length, hash: bytesToHex(built.block.hash) });
    return built;
  }

  /** Decodes, checks and executes a block of the session's height once, however many engines ask. */
  validate(s: HeightSession, hash: Uint8Array, value: Uint8Array, bound: ValidationBound = "proposal"): Promise<Validation> {
    const hex = bytesToHex(hash);
    const key = bound === "proposal" ? hex : `finalized:${hex}`;
    let job = s.executed.get(key);
    if (!job) {
      // A block final by its certificate that already passed as a proposal (stricter bound) is reused.
      const asProposal = bound === "finalized" ? s.executed.get(hex) : undefined;
      job = (async () => {
        const earlier = await asProposal;
        if (earlier?.ok) return earlier;
        return this.o.exec.run(() => this.execute(s, hex, value, bound));
      })();
      s.executed.set(key, job);
      // A final block is re-offered by other peers when one served it broken: forget failures.
      if (bound === "finalized") {
        const mine = job;
        void mine.then((v) => {
          if (!v.ok && s.executed.get(key) === mine) s.executed.delete(key);
        });
      }
    }
    return job;
  }

  private async execute(s: HeightSession, key: string, value: Uint8Array, bound: ValidationBound): Promise<Validation> {
    try {
      if (value.length > MAX_BLOCK_BYTES) throw new Error(`block of ${value.length} bytes exceeds the ${MAX_BLOCK_BYTES}-byte limit`);
      const block = decodeBlock(value, this.o.common, this.pooledTx);
      if (bytesToHex(block.hash) !== key) throw new Error("block hash does not match the proposal");
      const next = this.o.chain.head.header.number + 1n;
      if (BigInt(s.height) !== next) {
        // The head moved (a synced or announced block) while this waited: the engine that asked
        // is about to move on, so it needs no verdict; calling the block invalid would be wrong.
        this.o.logger.debug("proposed block not validated: its height is already decided", { hash: key, height: block.header.number, head: next - 1n });
        return { ok: false, reason: "height already decided", stale: true };
      }
      const problem = checkConsensusFields(block, s.ctx, this.o.chain.head, this.o.params, this.o.crypto, s.parentValidatorSet, s.nextValidatorSet, this.o.verifier);
      if (problem) throw new Error(problem);
      if (block.evidence.length > 0) {
        const bad = this.o.evidence
          ? await this.o.evidence.check(block.evidence, { height: block.header.number, timestamp: block.header.timestamp })
          : "this node does not check evidence";
        if (bad) throw new Error(bad);
      }
      const maxFuture = bound === "finalized" ? FINALIZED_FUTURE_SECONDS : undefined;
      return { ok: true, block: await this.o.producer.validate(block, this.nowSeconds(), maxFuture) };
    } catch (err) {
      const reason = (err as Error).message;
      if (bound === "proposal") this.o.logger.warn("rejected proposed block", { hash: key, height: s.height, reason });
      return { ok: false, reason };
    }
  }

  /**
   * Appends a decided block of the session's height with its certificate (`certificateBytes`: the
   * encoding to store, when the caller holds the bytes it received). "consensus" decisions are
   * validated as proposals, "import"s as final blocks.
   */
  async commit(
    s: HeightSession,
    decision: { hash: Uint8Array; value: Uint8Array; certificate: CommitCertificate; certificateBytes?: Uint8Array },
    origin: "consensus" | "import",
  ): Promise<CommitOutcome> {
    const v = await this.validate(s, decision.hash, decision.value, origin === "consensus" ? "proposal" : "finalized");
    if (!v.ok) {
      // A synced or announced block decided this height while this one was agreed or imported.
      if (BigInt(s.height) <= this.o.chain.head.header.number) return { kind: "superseded" };
      if (origin === "import") return { kind: "invalid", reason: v.reason };
      throw new Error(`height ${s.height} committed a block this node cannot execute: ${bytesToHex(decision.hash)}`);
    }
    const executed = v.block;
    const certificateBytes = decision.certificateBytes ?? encodeCommitCertificate(decision.certificate);
    const fresh = await this.o.exec.run(async () => {
      // Another path (sync, an announcement, our consensus) may have committed this height meanwhile.
      if (executed.block.header.number !== this.o.chain.head.header.number + 1n) return false;
      await this.o.producer.commit(executed, certificateBytes, origin);
      return true;
    });
    if (!fresh) return { kind: "superseded" };
    if (origin === "consensus") {
      const h = executed.block.header;
      this.o.logger.info("committed block", {
        number: h.number,
        round: h.round,
        hash: bytesToHex(executed.block.hash).slice(0, 18),
        txs: executed.block.transactions.length,
        gasUsed: h.gasUsed,
        signers: decision.certificate.precommits.length,
        ms: this.o.now() - s.startedAt,
      });
    }
    return { kind: "committed", block: executed };
  }
}
