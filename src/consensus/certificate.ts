// Commit certificates: the precommits that committed a block, verifiable by any node from the
// validator set and the height's seed alone.
//
// Encoding (version 2, big-endian): 0x02 | height u64 | round u32 | valueHash[32] | count u32 |
// count × (voter[20] | proof length u8 | vrfProof (0 or 80) | signature[64]), voters strictly ascending by address so that
// a set of precommits has exactly one encoding. The certificate hash is
// sha256("verity/commit-certificate/v1" || encoding); the next block's header carries it.

import { sha256 } from "@noble/hashes/sha2.js";
import { ByteReader, ByteWriter, DecodeFailure, compareBytes, concatBytes, runDecoder, toHex, type DecodeResult } from "./bytes.js";
import { type SortitionFunction, defaultSortition, expectedCommitteeWeight, isQuorum } from "./committee.js";
import type { ConsensusCrypto } from "./crypto.js";
import type { Vote } from "./messages.js";
import type { VoteSet } from "./vote-set.js";
import { type MessageVerifier, type RejectReason, directMessageVerifier, makeHeightContext } from "./verify.js";
import { readVoteProof, writeVoteProof } from "./codec.js";
import { ADDRESS_LENGTH, HASH_LENGTH, SIGNATURE_LENGTH, type ConsensusParams, type ValidatorSet } from "./types.js";

export const CERTIFICATE_CODEC_VERSION = 2;
/** Far above any committee; bounds decoding of hostile input. */
export const MAX_CERTIFICATE_SIGNATURES = 100_000;

export interface CommitSignature {
  readonly voter: Uint8Array;
  readonly vrfProof: Uint8Array;
  readonly signature: Uint8Array;
}

export interface CommitCertificate {
  readonly height: number;
  readonly round: number;
  readonly valueHash: Uint8Array;
  /** Sorted strictly ascending by voter address. */
  readonly precommits: readonly CommitSignature[];
}

/** The certificate's entries as full precommit votes (what their signatures cover). */
export function certificateVotes(cert: CommitCertificate): Vote[] {
  return cert.precommits.map((p) => ({
    kind: "vote",
    step: "precommit",
    height: cert.height,
    round: cert.round,
    valueHash: cert.valueHash,
    voter: p.voter,
    vrfProof: p.vrfProof,
    signature: p.signature,
  }));
}

/** Builds the certificate from a precommit set that holds a quorum for valueHash. */
export function buildCommitCertificate(precommits: VoteSet, valueHash: Uint8Array): CommitCertificate {
  if (precommits.step !== "precommit") throw new Error("a commit certificate is built from precommits");
  if (!precommits.hasQuorumFor(valueHash)) throw new Error("no precommit quorum for this value");
  const entries = precommits
    .votesFor(valueHash)
    .map(({ vote }) => ({ voter: vote.voter, vrfProof: vote.vrfProof, signature: vote.signature }))
    .sort((a, b) => compareBytes(a.voter, b.voter));
  return { height: precommits.height, round: precommits.round, valueHash, precommits: entries };
}

export function encodeCommitCertificate(cert: CommitCertificate): Uint8Array {
  const w = new ByteWriter()
    .u8(CERTIFICATE_CODEC_VERSION)
    .u64(cert.height)
    .u32(cert.round)
    .fixed(cert.valueHash, HASH_LENGTH)
    .u32(cert.precommits.length);
  for (const p of cert.precommits) {
    writeVoteProof(w.fixed(p.voter, ADDRESS_LENGTH), p.vrfProof).fixed(p.signature, SIGNATURE_LENGTH);
  }
  return w.finish();
}

export function decodeCommitCertificate(bytes: Uint8Array): DecodeResult<CommitCertificate> {
  return runDecoder(() => {
    const r = new ByteReader(bytes);
    const version = r.u8();
    if (version !== CERTIFICATE_CODEC_VERSION) throw new DecodeFailure(`unsupported certificate version ${version}`);
    const height = r.u64Number();
    const round = r.u32();
    const valueHash = r.fixed(HASH_LENGTH);
    const count = r.u32();
    if (count > MAX_CERTIFICATE_SIGNATURES) throw new DecodeFailure(`too many signatures: ${count}`);
    // Each entry is at least voter + length byte + signature: a count the bytes cannot hold is refused
    // before anything is allocated for it.
    if (r.remaining < count * (ADDRESS_LENGTH + 1 + SIGNATURE_LENGTH)) throw new DecodeFailure("certificate length does not match its count");
    const precommits: CommitSignature[] = [];
    for (let i = 0; i < count; i++) {
      const voter = r.fixed(ADDRESS_LENGTH);
      const prev = precommits[i - 1];
      if (prev !== undefined && compareBytes(prev.voter, voter) >= 0) throw new DecodeFailure("voters not strictly ascending");
      precommits.push({ voter, vrfProof: readVoteProof(r), signature: r.fixed(SIGNATURE_LENGTH) });
    }
    r.end();
    return { height, round, valueHash, precommits };
  });
}

const CERT_HASH_DOMAIN = new TextEncoder().encode("verity/commit-certificate/v1");

export function commitCertificateHash(cert: CommitCertificate): Uint8Array {
  return sha256(concatBytes(CERT_HASH_DOMAIN, encodeCommitCertificate(cert)));
}

function votersStrictlyAscending(entries: readonly CommitSignature[]): boolean {
  for (let i = 1; i < entries.length; i++) if (compareBytes((entries[i - 1] as CommitSignature).voter, (entries[i] as CommitSignature).voter) >= 0) return false;
  return true;
}

export interface CertificateVerifyOptions {
  readonly sortition?: SortitionFunction;
  /** E.g. a simulator's memoizing verifier; defaults to verifying every entry. */
  readonly verifier?: MessageVerifier;
}

export type CertificateVerdict =
  | { ok: true; weight: bigint; expectedWeight: bigint }
  | { ok: false; reason: RejectReason | "duplicate-voter" | "insufficient-weight" | "malformed"; voter?: string };

/**
 * Checks finality from the validator set alone: every entry is a correctly signed precommit for
 * (height, round, valueHash) by a distinct validator whose VRF proof for the precommit role of
 * `seed` is valid and draws weight j > 0, and the summed j is a quorum of min(tau, W). Any bad entry
 * rejects the whole certificate (an honest builder only includes verified votes).
 */
export function verifyCommitCertificate(
  cert: CommitCertificate,
  validatorSet: ValidatorSet,
  seed: Uint8Array,
  params: ConsensusParams,
  crypto: ConsensusCrypto,
  options: CertificateVerifyOptions = {},
): CertificateVerdict {
  if (cert.valueHash.length !== HASH_LENGTH) return { ok: false, reason: "malformed" };
  const ctx = makeHeightContext(crypto, params, validatorSet, seed, cert.height, options.sortition ?? defaultSortition);
  const verifier = options.verifier ?? directMessageVerifier;
  // Built and decoded certificates list voters strictly ascending, so none repeats and the per-entry
  // duplicate check (a hex key and a set lookup per precommit) can be skipped; any other order is
  // checked entry by entry as it comes.
  const seen = votersStrictlyAscending(cert.precommits) ? null : new Set<string>();
  let weight = 0n;
  for (const vote of certificateVotes(cert)) {
    if (seen !== null) {
      const voter = toHex(vote.voter);
      if (seen.has(voter)) return { ok: false, reason: "duplicate-voter", voter };
      seen.add(voter);
    }
    const verdict = verifier.verifyVote(ctx, vote);
    if (!verdict.ok) return { ok: false, reason: verdict.reason, voter: toHex(vote.voter) };
    weight += verdict.weight;
  }
  const expectedWeight = expectedCommitteeWeight(params, validatorSet.totalStake);
  if (!isQuorum(weight, expectedWeight)) return { ok: false, reason: "insufficient-weight" };
  return { ok: true, weight, expectedWeight };
}
