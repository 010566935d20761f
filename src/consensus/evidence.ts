// Equivocation evidence: two conflicting signed messages from one validator for one
// (height, round, step). Kept in a bounded pool and exposed for slashing; verifiable on its own
// from the validator set (signatures only: signing two conflicting messages is the offence,
// whatever the VRF said about the signer's weight).

import { ByteReader, ByteWriter, DecodeFailure, bytesEqual, runDecoder, toHex, type DecodeResult } from "./bytes.js";
import { decodeMessage, encodeMessage } from "./codec.js";
import type { ConsensusCrypto } from "./crypto.js";
import type { Proposal, Vote } from "./messages.js";
import { proposalSignBytes, voteSignBytes } from "./messages.js";
import type { ValidatorSet } from "./types.js";

export type EquivocationEvidence =
  | { readonly kind: "conflicting-votes"; readonly first: Vote; readonly second: Vote }
  | { readonly kind: "conflicting-proposals"; readonly first: Proposal; readonly second: Proposal };

/** Proposal signatures cover the value hash, not the value: evidence keeps proposals without their blocks. */
function stripValue(p: Proposal): Proposal {
  return { ...p, value: new Uint8Array(0) };
}

export function votesEvidence(first: Vote, second: Vote): EquivocationEvidence {
  return { kind: "conflicting-votes", first, second };
}

export function proposalsEvidence(first: Proposal, second: Proposal): EquivocationEvidence {
  return { kind: "conflicting-proposals", first: stripValue(first), second: stripValue(second) };
}

export function evidenceOffender(e: EquivocationEvidence): Uint8Array {
  return e.kind === "conflicting-votes" ? e.first.voter : e.first.proposer;
}

function evidenceKey(e: EquivocationEvidence): string {
  const step = e.kind === "conflicting-votes" ? e.first.step : "propose";
  return `${toHex(evidenceOffender(e))}:${e.first.height}:${e.first.round}:${step}`;
}

/** True when both messages are validly signed by one validator and conflict at one (h, r, step). */
export function verifyEvidence(e: EquivocationEvidence, validatorSet: ValidatorSet, chainId: bigint, crypto: ConsensusCrypto): boolean {
  const { first, second } = e;
  if (first.height !== second.height || first.round !== second.round) return false;
  if (e.kind === "conflicting-votes") {
    const a = e.first;
    const b = e.second;
    if (a.step !== b.step || !bytesEqual(a.voter, b.voter)) return false;
    const sameValue = a.valueHash === null ? b.valueHash === null : b.valueHash !== null && bytesEqual(a.valueHash, b.valueHash);
    if (sameValue) return false;
    const v = validatorSet.get(a.voter);
    if (v === undefined) return false;
    return (
      crypto.verifySignature(v.signingKey, voteSignBytes(chainId, a), a.signature) &&
      crypto.verifySignature(v.signingKey, voteSignBytes(chainId, b), b.signature)
    );
  }
  const a = e.first;
  const b = e.second;
  if (!bytesEqual(a.proposer, b.proposer)) return false;
  if (bytesEqual(a.valueHash, b.valueHash) && a.validRound === b.validRound) return false;
  const v = validatorSet.get(a.proposer);
  if (v === undefined) return false;
  return (
    crypto.verifySignature(v.signingKey, proposalSignBytes(chainId, a), a.signature) &&
    crypto.verifySignature(v.signingKey, proposalSignBytes(chainId, b), b.signature)
  );
}

const EVIDENCE_CODEC_VERSION = 1;

/** 0x01 | kind (1 votes, 2 proposals) | first (u32 length + message) | second (u32 length + message). */
export function encodeEvidence(e: EquivocationEvidence): Uint8Array {
  return new ByteWriter()
    .u8(EVIDENCE_CODEC_VERSION)
    .u8(e.kind === "conflicting-votes" ? 1 : 2)
    .varBytes(encodeMessage(e.first))
    .varBytes(encodeMessage(e.second))
    .finish();
}

export function decodeEvidence(bytes: Uint8Array): DecodeResult<EquivocationEvidence> {
  return runDecoder(() => {
    const r = new ByteReader(bytes);
    if (r.u8() !== EVIDENCE_CODEC_VERSION) throw new DecodeFailure("unsupported evidence version");
    const kind = r.u8();
    const a = decodeMessage(r.varBytes(1 << 20));
    const b = decodeMessage(r.varBytes(1 << 20));
    r.end();
    if (!a.ok || !b.ok) throw new DecodeFailure("evidence holds an undecodable message");
    if (kind === 1 && a.value.kind === "vote" && b.value.kind === "vote") return votesEvidence(a.value, b.value);
    if (kind === 2 && a.value.kind === "proposal" && b.value.kind === "proposal") return proposalsEvidence(a.value, b.value);
    throw new DecodeFailure("evidence kind does not match its messages");
  });
}

/**
 * Evidence found by this node, one entry per (offender, height, round, step), oldest first. Bounded:
 * once full, new evidence is counted in `dropped` and not kept (the staking layer should drain it).
 */
export class EvidencePool {
  private readonly entries = new Map<string, EquivocationEvidence>();
  dropped = 0;

  constructor(readonly limit = 1024) {}

  /** Returns true when the evidence is new and kept. */
  add(e: EquivocationEvidence): boolean {
    const key = evidenceKey(e);
    if (this.entries.has(key)) return false;
    if (this.entries.size >= this.limit) {
      this.dropped++;
      return false;
    }
    this.entries.set(key, e);
    return true;
  }

  list(): EquivocationEvidence[] {
    return [...this.entries.values()];
  }

  /** Removes and returns everything (e.g. once included in a block). */
  drain(): EquivocationEvidence[] {
    const out = this.list();
    this.entries.clear();
    return out;
  }

  get size(): number {
    return this.entries.size;
  }
}
