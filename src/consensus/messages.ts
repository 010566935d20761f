// Consensus messages (proposals and votes) and the domain-separated bytes their signatures cover.

import type { ConsensusCrypto, ValidatorSecrets } from "./crypto.js";
import { ByteWriter } from "./bytes.js";
import { ADDRESS_LENGTH, HASH_LENGTH, type VoteStep } from "./types.js";

/** A proposer's block for (height, round). validRound is its POL round, -1 for a fresh value. */
export interface Proposal {
  readonly kind: "proposal";
  readonly height: number;
  readonly round: number;
  readonly validRound: number;
  readonly proposer: Uint8Array;
  readonly valueHash: Uint8Array;
  /** The opaque block bytes; the driver checks that valueHash is their hash when validating. */
  readonly value: Uint8Array;
  /** The proposer's VRF proof for the "propose" role of (seed, height, round). */
  readonly vrfProof: Uint8Array;
  readonly signature: Uint8Array;
}

/** A prevote or precommit for a value hash, or for nil (valueHash null). */
export interface Vote {
  readonly kind: "vote";
  readonly step: VoteStep;
  readonly height: number;
  readonly round: number;
  readonly valueHash: Uint8Array | null;
  readonly voter: Uint8Array;
  /** The voter's VRF proof for this step's role; its weight is recomputed from it. */
  readonly vrfProof: Uint8Array;
  readonly signature: Uint8Array;
}

export type ConsensusMessage = Proposal | Vote;

/** Separates consensus signatures from any other use of the same key. */
const SIGN_DOMAIN = new TextEncoder().encode("verity/consensus/sign/v1");
const KIND_TAG = { proposal: 1, prevote: 2, precommit: 3 } as const;

function signBytes(
  chainId: bigint,
  tag: number,
  height: number,
  round: number,
  validRound: number,
  valueHash: Uint8Array | null,
  signer: Uint8Array,
): Uint8Array {
  const w = new ByteWriter().fixed(SIGN_DOMAIN, SIGN_DOMAIN.length).u64(chainId).u8(tag).u64(height).u32(round);
  // validRound + 1 so that "none" (-1) is 0; votes always write 0.
  w.u32(validRound + 1);
  if (valueHash === null) w.u8(0);
  else w.u8(1).fixed(valueHash, HASH_LENGTH);
  return w.fixed(signer, ADDRESS_LENGTH).finish();
}

export function proposalSignBytes(chainId: bigint, p: Omit<Proposal, "signature" | "kind" | "value" | "vrfProof">): Uint8Array {
  return signBytes(chainId, KIND_TAG.proposal, p.height, p.round, p.validRound, p.valueHash, p.proposer);
}

export function voteSignBytes(chainId: bigint, v: Omit<Vote, "signature" | "kind" | "vrfProof">): Uint8Array {
  return signBytes(chainId, KIND_TAG[v.step], v.height, v.round, -1, v.valueHash, v.voter);
}

export interface UnsignedProposal {
  readonly height: number;
  readonly round: number;
  readonly validRound: number;
  readonly valueHash: Uint8Array;
  readonly value: Uint8Array;
  readonly vrfProof: Uint8Array;
}

export function signProposal(crypto: ConsensusCrypto, chainId: bigint, secrets: ValidatorSecrets, p: UnsignedProposal): Proposal {
  const body = { ...p, proposer: secrets.address };
  return { kind: "proposal", ...body, signature: crypto.sign(secrets.signingSecret, proposalSignBytes(chainId, body)) };
}

export interface UnsignedVote {
  readonly step: VoteStep;
  readonly height: number;
  readonly round: number;
  readonly valueHash: Uint8Array | null;
  readonly vrfProof: Uint8Array;
}

export function signVote(crypto: ConsensusCrypto, chainId: bigint, secrets: ValidatorSecrets, v: UnsignedVote): Vote {
  const body = { ...v, voter: secrets.address };
  return { kind: "vote", ...body, signature: crypto.sign(secrets.signingSecret, voteSignBytes(chainId, body)) };
}
