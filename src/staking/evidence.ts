// Equivocation evidence as the chain treats it: what a block may carry (every piece verifies against
// the validator set of its infraction height, is not expired, names an offender once per block, and
// no more than MAX_EVIDENCE_PER_BLOCK pieces), and the evidence a node has seen and not yet seen
// included (its own engines' findings, and what operators submit over RPC), offered to its proposals.
// Expiry is CometBFT's rule: a piece expires only when it is older than both the height bound and the
// time bound, so neither a burst of fast blocks nor a stalled chain lets an offender escape early.
import { bytesToHex } from "@ethereumjs/util";
import type { ConsensusCrypto } from "../consensus/crypto.js";
import { decodeEvidence, encodeEvidence, evidenceOffender, verifyEvidence, type EquivocationEvidence } from "../consensus/evidence.js";
import type { ValidatorSet } from "../consensus/types.js";
import type { Address20, StakingParams } from "../primitives/types.js";

/** At most this many pieces of evidence per block (each slashes one validator). */
export const MAX_EVIDENCE_PER_BLOCK = 16;
/** At most this many pieces waiting for inclusion (a flood of valid evidence is bounded by the set). */
const MAX_PENDING = 1_024;

/** What checking evidence needs from the chain. */
export interface EvidenceChain {
  /** The validator set of a committed height. */
  setFor(height: number): Promise<ValidatorSet>;
  /** The timestamp of a committed height. */
  timestampOf(height: bigint): Promise<bigint | undefined>;
}

/** The offender and height a piece of evidence names. */
export interface Offence {
  offender: Address20;
  height: bigint;
}

export function offenceOf(e: EquivocationEvidence): Offence {
  return { offender: evidenceOffender(e), height: BigInt(e.first.height) };
}

export class EvidenceRules {
  constructor(
    private readonly chain: EvidenceChain,
    private readonly params: Pick<StakingParams, "evidenceMaxAgeHeights" | "evidenceMaxAgeSeconds">,
    private readonly chainId: bigint,
    private readonly crypto: ConsensusCrypto,
  ) {}

  /** Why the evidence does not prove an offence by a member of its height's set, or null. */
  async unverified(e: EquivocationEvidence): Promise<string | null> {
    const h = BigInt(e.first.height);
    if (h < 1n) return "evidence for height 0";
    const set = await this.chain.setFor(Number(h));
    return verifyEvidence(e, set, this.chainId, this.crypto) ? null : `evidence against ${bytesToHex(evidenceOffender(e))} at height ${h} does not verify`;
  }

  /** Why one piece may not go into the block at `at`, or null when it may. */
  async problemWith(e: EquivocationEvidence, at: { height: bigint; timestamp: bigint }): Promise<string | null> {
    const h = BigInt(e.first.height);
    if (h < 1n || h >= at.height) return `evidence for height ${h} cannot go into block ${at.height}`;
    return (await this.unverified(e)) ?? (await this.timingProblem(e, at));
  }

  /** Why a verified piece of a committed height may not go into the block at `at` (expired), or null. */
  async timingProblem(e: EquivocationEvidence, at: { height: bigint; timestamp: bigint }): Promise<string | null> {
    const h = BigInt(e.first.height);
    if (h < 1n || h >= at.height) return `evidence for height ${h} cannot go into block ${at.height}`;
    const then = await this.chain.timestampOf(h);
    if (then === undefined) return `height ${h} is not committed`;
    if (at.height - h > this.params.evidenceMaxAgeHeights && at.timestamp - then > this.params.evidenceMaxAgeSeconds)
      return `evidence for height ${h} is expired (older than ${this.params.evidenceMaxAgeHeights} heights and ${this.params.evidenceMaxAgeSeconds} s)`;
    return null;
  }

  /** Why a block's evidence is not acceptable, or null. */
  async check(evidence: readonly Uint8Array[], at: { height: bigint; timestamp: bigint }): Promise<string | null> {
    if (evidence.length > MAX_EVIDENCE_PER_BLOCK) return `more than ${MAX_EVIDENCE_PER_BLOCK} pieces of evidence`;
    const offenders = new Set<string>();
    for (const [i, bytes] of evidence.entries()) {
      const decoded = decodeEvidence(bytes);
      if (!decoded.ok) return `evidence ${i} does not decode: ${decoded.error}`;
      const offender = bytesToHex(evidenceOffender(decoded.value));
      if (offenders.has(offender)) return `evidence ${i} names ${offender} a second time`;
      offenders.add(offender);
      const problem = await this.problemWith(decoded.value, at);
      if (problem) return `evidence ${i}: ${problem}`;
    }
    return null;
  }
}

/**
 * Evidence this node holds and has not seen included yet, offered to its proposals, and the check of
 * received blocks' evidence (the consensus driver's EvidencePort).
 */
/** Where a piece of evidence came from: this node's engines, an operator over RPC, or a peer. */
export type EvidenceOrigin = "local" | "rpc" | "gossip";

/** The verdict on a piece offered to the service; `fault` marks a piece no honest node would send
 * (it does not decode or its signatures prove nothing), as opposed to one merely stale or known. */
export type EvidenceAdmission = { ok: true; offence: Offence; fresh: boolean } | { ok: false; reason: string; fault: boolean };

export class EvidenceService {
  /** Verified when added (the set of a committed height never changes): only expiry is checked again. */
  private readonly pending = new Map<string, { bytes: Uint8Array; evidence: EquivocationEvidence; offence: Offence }>();
  private readonly listeners: Array<(bytes: Uint8Array, origin: EvidenceOrigin) => void> = [];
  /** Offenders already included in a committed block: slashed once, so further evidence is moot. */
  private readonly punished = new Set<string>();

  constructor(
    private readonly rules: EvidenceRules,
    private readonly onRefused: (reason: string) => void = () => {},
  ) {}

  /** Why a block's evidence is not acceptable, or null. */
  check(evidence: readonly Uint8Array[], at: { height: bigint; timestamp: bigint }): Promise<string | null> {
    return this.rules.check(evidence, at);
  }

  /** Tells `listener` about every piece newly kept (the node gossips those it did not get by gossip). */
  onFresh(listener: (bytes: Uint8Array, origin: EvidenceOrigin) => void): void {
    this.listeners.push(listener);
  }

  /** Evidence a local engine found (kept for our proposals if it verifies). */
  found(e: EquivocationEvidence, at: { height: bigint; timestamp: bigint }): void {
    void this.add(e, at, "local").then(
      (r) => (r.ok ? undefined : this.onRefused(r.reason)),
      (error: Error) => this.onRefused(error.message),
    );
  }

  /**
   * Takes a piece of evidence (decoded from `bytes`, or found by a local engine) for a block at `at`
   * (the height after the head); refuses what does not decode or verify. Evidence of the height being
   * agreed is only verified now: the rest of the rules apply once its height is committed.
   */
  async add(input: Uint8Array | EquivocationEvidence, at: { height: bigint; timestamp: bigint }, origin: EvidenceOrigin = "rpc"): Promise<EvidenceAdmission> {
    let e: EquivocationEvidence;
    if (input instanceof Uint8Array) {
      const decoded = decodeEvidence(input);
      if (!decoded.ok) return { ok: false, reason: `evidence does not decode: ${decoded.error}`, fault: true };
      e = decoded.value;
    } else e = input;
    const offence = offenceOf(e);
    const key = bytesToHex(offence.offender);
    if (this.punished.has(key)) return { ok: false, reason: `${key} was already slashed`, fault: false };
    if (this.pending.has(key)) return { ok: true, offence, fresh: false };
    let problem: string | null;
    let fault = false;
    try {
      const unverified = await this.rules.unverified(e);
      if (unverified) [problem, fault] = [unverified, true];
      // Verified once: only the expiry rules are left for a height already committed.
      else problem = offence.height < at.height ? await this.rules.timingProblem(e, at) : null;
    } catch (error) {
      // e.g. a height whose validator set is not known yet (beyond the next epoch): not provably wrong
      problem = (error as Error).message;
    }
    if (problem) return { ok: false, reason: problem, fault };
    if (this.pending.size >= MAX_PENDING) return { ok: false, reason: "too much evidence waiting", fault: false };
    const bytes = input instanceof Uint8Array ? input : encodeEvidence(e);
    this.pending.set(key, { bytes, evidence: e, offence });
    for (const listener of this.listeners) listener(bytes, origin);
    return { ok: true, offence, fresh: true };
  }

  /** What a proposal at `at` carries: pieces that are valid there, one per offender, at most MAX_EVIDENCE_PER_BLOCK. */
  async forProposal(at: { height: bigint; timestamp: bigint }): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const [key, { bytes, evidence, offence }] of this.pending) {
      if (out.length >= MAX_EVIDENCE_PER_BLOCK) break;
      if (offence.height >= at.height) continue; // its height is not committed yet
      const problem = await this.rules.timingProblem(evidence, at);
      if (problem) this.pending.delete(key); // expired: it never will be valid again
      else out.push(bytes);
    }
    return out;
  }

  /** A committed block's evidence is done with: its offenders are slashed. */
  onCommitted(evidence: readonly Uint8Array[]): void {
    for (const bytes of evidence) {
      const decoded = decodeEvidence(bytes);
      if (!decoded.ok) continue;
      const key = bytesToHex(evidenceOffender(decoded.value));
      this.punished.add(key);
      this.pending.delete(key);
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
