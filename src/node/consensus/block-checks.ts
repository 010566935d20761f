// The consensus half of block validation: a block is only acceptable at height h if its header
// carries the consensus facts of h (the seed, the hash of the certificate that committed h - 1) and a
// proposer credential that verifies: the proposer is a validator whose VRF proof for the propose role
// of (seed, h, round) is valid and drew it. The execution half lives in chain/block-builder.ts.
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { Block, Hash32 } from "../../chain/types.js";
import { verifyProposerCredential, type HeightContext } from "../../consensus/verify.js";

export function checkConsensusFields(block: Block, ctx: HeightContext, expectedLastCommitHash: Hash32): string | null {
  const h = block.header;
  if (BigInt(ctx.height) !== h.number) return `height ${h.number} is not the height being agreed (${ctx.height})`;
  if (!equalsBytes(h.seed, ctx.seed)) return `seed ${bytesToHex(h.seed)} is not this height's seed`;
  if (!equalsBytes(h.lastCommitHash, expectedLastCommitHash)) return "lastCommitHash is not the hash of the parent's commit certificate";
  if (verifyProposerCredential(ctx, h.proposer, h.round, h.proposerVrfProof) === null)
    return `proposer ${bytesToHex(h.proposer)} has no valid proposer credential for round ${h.round}`;
  return null;
}
