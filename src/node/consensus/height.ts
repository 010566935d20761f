// What the node knows about the height being agreed: derived from the committed head, so a restart
// recomputes exactly what the other validators use.
import { vrfProofToHash } from "../../consensus/vrf.js";
import { seedForNextHeight } from "../../consensus/committee.js";
import { decodeCommitCertificate, commitCertificateHash, type CommitCertificate } from "../../consensus/certificate.js";
import type { Block, Hash32 } from "../../primitives/types.js";
import { ZERO_HASH } from "../../primitives/hash.js";

export interface HeightInfo {
  height: number;
  seed: Hash32;
  previousCommit: CommitCertificate | null;
  lastCommitHash: Hash32;
}

/** The seed of the block after `head`: genesis fixes height 1's; later ones chain through each
 * committed block's proposer VRF output, which no one can grind. */
export function seedAfter(head: Block): Hash32 {
  if (head.header.number === 0n) return head.header.seed;
  const beta = vrfProofToHash(head.header.proposerVrfProof);
  if (beta === null) throw new Error(`committed block ${head.header.number} has a malformed proposer VRF proof`);
  return seedForNextHeight(head.header.seed, beta, Number(head.header.number));
}

export function nextHeightInfo(head: Block, headCertificate: Uint8Array | null): HeightInfo {
  let previousCommit: CommitCertificate | null = null;
  if (head.header.number > 0n) {
    if (!headCertificate) throw new Error(`committed block ${head.header.number} has no stored commit certificate`);
    const decoded = decodeCommitCertificate(headCertificate);
    if (!decoded.ok) throw new Error(`stored certificate of block ${head.header.number} is corrupt: ${decoded.error}`);
    previousCommit = decoded.value;
  }
  return {
    height: Number(head.header.number + 1n),
    seed: seedAfter(head),
    previousCommit,
    lastCommitHash: previousCommit ? commitCertificateHash(previousCommit) : ZERO_HASH,
  };
}
