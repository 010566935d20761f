// Versioned compact binary encoding of consensus messages, as gossiped by the network layer.
//
//   proposal:  0x01 0x01 | height u64 | round u32 | validRound+1 u32 | proposer[20] | valueHash[32]
//              | vrfProof[80] | signature[64] | value (u32 length + bytes)
//   vote:      0x02 (0x02 prevote | 0x03 precommit) | height u64 | round u32 | 0x00 (nil) or
//              0x01 valueHash[32] | voter[20] | proof length u8 (0 or 80) | vrfProof | signature[64]
//
// A vote's proof is empty when the committee is everyone (tau >= W, see committee.ts): the draw is
// then the whole stake whatever the VRF says, so the proof would be 80 bytes and ~3 ms of CPU for
// nothing. Version 2 of the encoding introduced that length byte.
//
// All integers big-endian. Decoding is strict (exact lengths, no trailing bytes, flags 0/1 only,
// heights within safe integers) and never throws: garbage yields { ok: false, error }.

import { ByteReader, ByteWriter, DecodeFailure, runDecoder, type DecodeResult } from "./bytes.js";
import type { ConsensusMessage, Proposal, Vote } from "./messages.js";
import { ADDRESS_LENGTH, HASH_LENGTH, SIGNATURE_LENGTH } from "./types.js";
import { VRF_PROOF_LENGTH } from "./vrf.js";

export const MESSAGE_CODEC_VERSION = 2;
/** Largest block a proposal may carry on the wire. */
export const MAX_PROPOSAL_VALUE_BYTES = 16 * 1024 * 1024;
/** Rounds beyond this are nonsense for any live chain; rejecting them keeps validRound+1 in u32. */
export const MAX_ROUND = 0x7fffffff;

const TAG_PROPOSAL = 1;
const TAG_PREVOTE = 2;
const TAG_PRECOMMIT = 3;

/** Bytes of an encoded proposal besides its value: version, tag, height, round, validRound, proposer, hash, proof, signature, value length. */
const PROPOSAL_FIXED_BYTES = 1 + 1 + 8 + 4 + 4 + ADDRESS_LENGTH + HASH_LENGTH + VRF_PROOF_LENGTH + SIGNATURE_LENGTH + 4;

export function encodeProposal(p: Proposal): Uint8Array {
  return new ByteWriter(PROPOSAL_FIXED_BYTES + p.value.length)
    .u8(MESSAGE_CODEC_VERSION)
    .u8(TAG_PROPOSAL)
    .u64(p.height)
    .u32(p.round)
    .u32(p.validRound + 1)
    .fixed(p.proposer, ADDRESS_LENGTH)
    .fixed(p.valueHash, HASH_LENGTH)
    .fixed(p.vrfProof, VRF_PROOF_LENGTH)
    .fixed(p.signature, SIGNATURE_LENGTH)
    .varBytes(p.value)
    .finish();
}

export function encodeVote(v: Vote): Uint8Array {
  const w = new ByteWriter()
    .u8(MESSAGE_CODEC_VERSION)
    .u8(v.step === "prevote" ? TAG_PREVOTE : TAG_PRECOMMIT)
    .u64(v.height)
    .u32(v.round);
  if (v.valueHash === null) w.u8(0);
  else w.u8(1).fixed(v.valueHash, HASH_LENGTH);
  w.fixed(v.voter, ADDRESS_LENGTH);
  return writeVoteProof(w, v.vrfProof).fixed(v.signature, SIGNATURE_LENGTH).finish();
}

/** A vote's VRF proof: a length byte (0 or 80), then the proof. Shared with the certificate codec. */
export function writeVoteProof(w: ByteWriter, proof: Uint8Array): ByteWriter {
  if (proof.length !== 0 && proof.length !== VRF_PROOF_LENGTH) throw new RangeError(`a vote's VRF proof is 0 or ${VRF_PROOF_LENGTH} bytes, got ${proof.length}`);
  return w.u8(proof.length).fixed(proof, proof.length);
}

export function readVoteProof(r: ByteReader): Uint8Array {
  const length = r.u8();
  if (length !== 0 && length !== VRF_PROOF_LENGTH) throw new DecodeFailure(`invalid vote proof length ${length}`);
  return r.fixed(length);
}

export function encodeMessage(m: ConsensusMessage): Uint8Array {
  return m.kind === "proposal" ? encodeProposal(m) : encodeVote(m);
}

function readRound(r: ByteReader): number {
  const round = r.u32();
  if (round > MAX_ROUND) throw new DecodeFailure(`round ${round} out of range`);
  return round;
}

/** Reads the vote body after version and tag; shared with the certificate codec. */
export function readVoteBody(r: ByteReader, step: Vote["step"]): Vote {
  const height = r.u64Number();
  const round = readRound(r);
  const flag = r.u8();
  if (flag > 1) throw new DecodeFailure(`invalid nil flag ${flag}`);
  const valueHash = flag === 1 ? r.fixed(HASH_LENGTH) : null;
  const voter = r.fixed(ADDRESS_LENGTH);
  const vrfProof = readVoteProof(r);
  const signature = r.fixed(SIGNATURE_LENGTH);
  return { kind: "vote", step, height, round, valueHash, voter, vrfProof, signature };
}

function readProposalBody(r: ByteReader): Proposal {
  const height = r.u64Number();
  const round = readRound(r);
  const validRound = r.u32() - 1;
  if (validRound >= round) throw new DecodeFailure(`validRound ${validRound} not below round ${round}`);
  const proposer = r.fixed(ADDRESS_LENGTH);
  const valueHash = r.fixed(HASH_LENGTH);
  const vrfProof = r.fixed(VRF_PROOF_LENGTH);
  const signature = r.fixed(SIGNATURE_LENGTH);
  const value = r.varBytes(MAX_PROPOSAL_VALUE_BYTES);
  return { kind: "proposal", height, round, validRound, proposer, valueHash, value, vrfProof, signature };
}

export function decodeMessage(bytes: Uint8Array): DecodeResult<ConsensusMessage> {
  return runDecoder(() => {
    const r = new ByteReader(bytes);
    const version = r.u8();
    if (version !== MESSAGE_CODEC_VERSION) throw new DecodeFailure(`unsupported message version ${version}`);
    const tag = r.u8();
    let m: ConsensusMessage;
    if (tag === TAG_PROPOSAL) m = readProposalBody(r);
    else if (tag === TAG_PREVOTE) m = readVoteBody(r, "prevote");
    else if (tag === TAG_PRECOMMIT) m = readVoteBody(r, "precommit");
    else throw new DecodeFailure(`unknown message tag ${tag}`);
    r.end();
    return m;
  });
}
