// One height as this node works on it: what the committed head says about it (seed, parent
// certificate), the context messages and blocks of the height are verified against, the blocks of
// the height executed here (built or validated, by hash), and when the local engines started it.
// The driver opens one per height it moves to; an import of a block proven final opens one for
// that block's height when consensus is not on it (during a sync batch).
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { commitCertificateHash, encodeCommitCertificate, type CommitCertificate } from "../../consensus/certificate.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import type { Vote } from "../../consensus/messages.js";
import type { ConsensusParams, ValidatorSet } from "../../consensus/types.js";
import { makeHeightContext, type HeightContext, type MessageVerifier } from "../../consensus/verify.js";
import { nextHeightInfo, type HeightInfo } from "../../consensus/seed-chain.js";
import type { ChainHead, ValidatorSets } from "./ports.js";
import type { ProducedBlock } from "../../chain/block-producer.js";

/** A validation's result: the executed block, or why it is not acceptable (stale: the head moved
 * past its height, so it needs no verdict). */
export type Validation = { ok: true; block: ProducedBlock } | { ok: false; reason: string; stale?: true };

export class HeightSession {
  readonly ctx: HeightContext;
  /** Executions of this height's blocks, by cache key (see block-jobs.ts). */
  readonly executed = new Map<string, Promise<Validation>>();
  /** When the local engines started this height (0: not started). */
  startedAt = 0;
  /**
   * Precommits for the parent's decided value that arrived after its certificate was built (the
   * engine builds it from the first quorum it sees). Our proposals carry them too, as CometBFT's
   * LastCommit carries every precommit its proposer has: the staking ledger counts who signed, and a
   * certificate of only the fastest quorum would make a slower validator look absent.
   */
  private readonly latePrecommits = new Map<string, CommitCertificate["precommits"][number]>();
  /** Verified precommits of this height, as delivered to the local engines (bounded by the committee). */
  private readonly seenPrecommits = new Map<string, Vote>();
  private parentCtx: HeightContext | undefined;

  constructor(
    readonly info: HeightInfo,
    private readonly crypto: ConsensusCrypto,
    private readonly params: ConsensusParams,
    readonly validatorSet: ValidatorSet,
    /** The set of the height before (it certified the parent; another one when this height opens an epoch). */
    readonly parentValidatorSet: ValidatorSet = validatorSet,
    /** The set of the height after, which this height's block names in its header (nextValidatorsHash). */
    readonly nextValidatorSet: ValidatorSet = validatorSet,
  ) {
    this.ctx = makeHeightContext(crypto, params, validatorSet, info.seed, info.height);
  }

  /** A session for `info`'s height with the three sets it needs (each epoch's snapshot is two epochs old, so all are known once the parent is committed). */
  static async open(info: HeightInfo, crypto: ConsensusCrypto, params: ConsensusParams, sets: Pick<ValidatorSets, "setFor">): Promise<HeightSession> {
    const [set, parentSet, nextSet] = await Promise.all([sets.setFor(info.height), sets.setFor(Math.max(1, info.height - 1)), sets.setFor(info.height + 1)]);
    return new HeightSession(info, crypto, params, set, parentSet, nextSet);
  }

  get height(): number {
    return this.info.height;
  }

  /** Records a verified precommit of this height (one per voter and round) for the next height's lastCommit. */
  precommitSeen(vote: Vote): void {
    if (vote.valueHash === null || vote.height !== this.height) return;
    const key = `${vote.round}:${bytesToHex(vote.voter)}`;
    if (!this.seenPrecommits.has(key)) this.seenPrecommits.set(key, vote);
  }

  get precommits(): Iterable<Vote> {
    return this.seenPrecommits.values();
  }

  /** Keeps a precommit of the parent's certificate round for the parent's value, if it verifies
   * and the certificate lacks it; returns whether it was new. */
  addLatePrecommit(vote: Vote, verifier: MessageVerifier): boolean {
    const cert = this.info.previousCommit;
    if (cert === null || vote.step !== "precommit" || vote.height !== this.height - 1 || vote.round !== cert.round) return false;
    if (vote.valueHash === null || !equalsBytes(vote.valueHash, cert.valueHash)) return false;
    const key = bytesToHex(vote.voter);
    if (this.latePrecommits.has(key) || cert.precommits.some((p) => equalsBytes(p.voter, vote.voter))) return false;
    this.parentCtx ??= makeHeightContext(this.crypto, this.params, this.parentValidatorSet, this.info.parentSeed, this.height - 1);
    if (!verifier.verifyVote(this.parentCtx, vote).ok) return false;
    this.latePrecommits.set(key, { voter: vote.voter, vrfProof: vote.vrfProof, signature: vote.signature });
    return true;
  }

  /** The parent's certificate as our proposal carries it: the stored one plus late precommits. */
  lastCommit(): { bytes: Uint8Array; hash: Uint8Array } {
    const cert = this.info.previousCommit;
    if (cert === null) return { bytes: new Uint8Array(0), hash: this.info.lastCommitHash };
    if (this.latePrecommits.size === 0) return { bytes: encodeCommitCertificate(cert), hash: this.info.lastCommitHash };
    const precommits = [...cert.precommits, ...this.latePrecommits.values()].sort((a, b) => (bytesToHex(a.voter) < bytesToHex(b.voter) ? -1 : 1));
    const extended: CommitCertificate = { ...cert, precommits };
    return { bytes: encodeCommitCertificate(extended), hash: commitCertificateHash(extended) };
  }
}

/**
 * What the head says about the height after it. Several commits can race (our own decision, a block
 * announcement, sync): a read that finds the head moved while it read the head's certificate reads
 * again. Heights only grow, so the retries are few; they are bounded anyway (undefined then).
 */
export async function readNextHeight(chain: ChainHead): Promise<HeightInfo | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const head = chain.head;
    const read = nextHeightInfo(head, await chain.getCertificate(head.hash));
    if (chain.head.header.number === head.header.number) return read;
  }
  return undefined;
}
