// Seed chaining and what a validator knows about the height being agreed. Why this is a consensus
// rule: every validator must derive the same seed for height h + 1 from committed block h (genesis
// fixes height 1's; later ones chain through each committed block's proposer VRF output, which no
// one can grind), or their sortition draws and certificates stop agreeing. Derived from the
// committed head alone, so a restart recomputes exactly what the other validators use. Stated
// here, over the structural view of block-rules.ts, for the node and the simulator alike.
//
// This module imports nothing outside src/consensus/.

import { ZERO_HASH, type ConsensusHeader } from "./block-rules.js";
import { commitCertificateHash, decodeCommitCertificate, type CommitCertificate } from "./certificate.js";
import { seedForNextHeight } from "./committee.js";
import type { NextSeedFunction } from "./memo-verifier.js";
import { vrfProofToHash } from "./vrf-sodium.js";

/** What seed chaining needs of a committed block. */
export interface SeedChainHead {
  readonly header: Pick<ConsensusHeader, "number" | "seed" | "proposerVrfProof">;
}

export interface SeedChainOptions {
  /** The VRF output of the proposer's proof (default: ECVRF proof-to-hash; the simulator's
   * insecure crypto passes the output its own verification produced). */
  readonly proposerOutput?: (proposerVrfProof: Uint8Array) => Uint8Array | null;
  /** Default seedForNextHeight; the simulator passes a memoized one. */
  readonly nextSeed?: NextSeedFunction;
}

/** The seed of the block after `head`: genesis fixes height 1's; later ones chain through each
 * committed block's proposer VRF output. */
export function seedAfter(head: SeedChainHead, options: SeedChainOptions = {}): Uint8Array {
  const h = head.header;
  if (h.number === 0n) return h.seed;
  const beta = (options.proposerOutput ?? vrfProofToHash)(h.proposerVrfProof);
  if (beta === null) throw new Error(`committed block ${h.number} has a malformed proposer VRF proof`);
  return (options.nextSeed ?? seedForNextHeight)(h.seed, beta, Number(h.number));
}

export interface HeightInfo {
  height: number;
  seed: Uint8Array;
  /** The seed of the height before (the parent's), which its certificate's votes were drawn with. */
  parentSeed: Uint8Array;
  previousCommit: CommitCertificate | null;
  lastCommitHash: Uint8Array;
}

export function nextHeightInfo(head: SeedChainHead, headCertificate: Uint8Array | null): HeightInfo {
  const n = head.header.number;
  let previousCommit: CommitCertificate | null = null;
  if (n > 0n) {
    if (!headCertificate) throw new Error(`committed block ${n} has no stored commit certificate`);
    const decoded = decodeCommitCertificate(headCertificate);
    if (!decoded.ok) throw new Error(`stored certificate of block ${n} is corrupt: ${decoded.error}`);
    previousCommit = decoded.value;
  }
  return {
    height: Number(n + 1n),
    seed: seedAfter(head),
    parentSeed: head.header.seed,
    previousCommit,
    lastCommitHash: previousCommit ? commitCertificateHash(previousCommit) : ZERO_HASH,
  };
}
