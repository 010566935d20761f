// A proposer's credential on its own: (height, round, proposer, VRF proof of the propose role), as a
// validator announces it before it builds its block (Algorand gossips priority credentials ahead of
// blocks for the same reason). The proof is self-authenticating: only the holder of the VRF key can
// make it, so the announcement needs no signature, and a replayed one only repeats the truth. A
// receiver learns the round's best priority in a few hundred bytes and a few milliseconds, and a
// validator that sees a better one need not build a block that would lose.
//
//   credential: 0x01 | height u64 | round u32 | proposer[20] | vrfProof[80]
import { ByteReader, ByteWriter, DecodeFailure, runDecoder, type DecodeResult } from "./bytes.js";
import { MAX_ROUND } from "./codec.js";
import { priorityOf } from "./committee.js";
import { ADDRESS_LENGTH } from "./types.js";
import { verifyProposerDraw, type HeightContext } from "./verify.js";
import { VRF_PROOF_LENGTH } from "./vrf.js";

export const CREDENTIAL_CODEC_VERSION = 1;
export const CREDENTIAL_BYTES = 1 + 8 + 4 + ADDRESS_LENGTH + VRF_PROOF_LENGTH;

export interface ProposerCredential {
  height: number;
  round: number;
  proposer: Uint8Array;
  vrfProof: Uint8Array;
}

export function encodeProposerCredential(c: ProposerCredential): Uint8Array {
  return new ByteWriter().u8(CREDENTIAL_CODEC_VERSION).u64(c.height).u32(c.round).fixed(c.proposer, ADDRESS_LENGTH).fixed(c.vrfProof, VRF_PROOF_LENGTH).finish();
}

export function decodeProposerCredential(bytes: Uint8Array): DecodeResult<ProposerCredential> {
  return runDecoder(() => {
    const r = new ByteReader(bytes);
    const version = r.u8();
    if (version !== CREDENTIAL_CODEC_VERSION) throw new DecodeFailure(`unsupported credential version ${version}`);
    const height = r.u64Number();
    const round = r.u32();
    if (round > MAX_ROUND) throw new DecodeFailure(`round ${round} out of range`);
    const proposer = r.fixed(ADDRESS_LENGTH);
    const vrfProof = r.fixed(VRF_PROOF_LENGTH);
    r.end();
    return { height, round, proposer, vrfProof };
  });
}

/** The credential's priority at ctx (lower wins), or null unless it is a valid draw of its proposer. */
export function credentialPriority(ctx: HeightContext, c: ProposerCredential): Uint8Array | null {
  if (c.height !== ctx.height) return null;
  const draw = verifyProposerDraw(ctx, c.proposer, c.round, c.vrfProof);
  return draw === null ? null : priorityOf(draw.beta, draw.weight);
}
