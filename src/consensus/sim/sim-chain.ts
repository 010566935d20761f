// The simulator's tiny chain. A block is parent hash, height, the proposer's credential (address,
// round, VRF proof) and an opaque payload; its hash is sha256 over that encoding, so every block
// commits to its parent. Validation checks the encoding, the hash, the parent link and the
// proposer credential; commit appends the block and derives the next height's seed from the
// proposer's VRF output. The height/credential check and the seed chaining are the node's own rules
// (block-rules.ts, seed-chain.ts) applied to the block's view (simHeaderView). A sim block carries
// neither its seed nor a parent certificate, so checkSeed and checkLastCommit do not apply to it:
// the credential's VRF proof is over this height's seed, and the engine gets the parent
// certificate from the chain (StartHeight.previousCommit).

import { createHash } from "node:crypto";
import { checkProposerFields, type ProposerCredentialFields } from "../block-rules.js";
import { ByteReader, ByteWriter, bytesEqual, runDecoder, toHex, type DecodeResult } from "../bytes.js";
import type { CommitCertificate } from "../certificate.js";
import { seedForNextHeight } from "../committee.js";
import { genesisSeed } from "../roles.js";
import { seedAfter } from "../seed-chain.js";
import { ADDRESS_LENGTH, HASH_LENGTH } from "../types.js";
import { VRF_PROOF_LENGTH } from "../vrf.js";
import { type HeightContext, verifyProposerCredential } from "../verify.js";

export interface SimBlock {
  readonly parentHash: Uint8Array;
  readonly height: number;
  readonly proposer: Uint8Array;
  readonly proposerRound: number;
  readonly proposerProof: Uint8Array;
  readonly payload: Uint8Array;
}

/** The part of the consensus header view (block-rules.ts) a sim block has. */
export function simHeaderView(b: SimBlock): ProposerCredentialFields {
  return { number: BigInt(b.height), proposer: b.proposer, round: b.proposerRound, proposerVrfProof: b.proposerProof };
}

export function encodeSimBlock(b: SimBlock): Uint8Array {
  return new ByteWriter()
    .fixed(b.parentHash, HASH_LENGTH)
    .u64(b.height)
    .fixed(b.proposer, ADDRESS_LENGTH)
    .u32(b.proposerRound)
    .fixed(b.proposerProof, VRF_PROOF_LENGTH)
    .varBytes(b.payload)
    .finish();
}

export function decodeSimBlock(bytes: Uint8Array): DecodeResult<SimBlock> {
  return runDecoder(() => {
    const r = new ByteReader(bytes);
    const block = {
      parentHash: r.fixed(HASH_LENGTH),
      height: r.u64Number(),
      proposer: r.fixed(ADDRESS_LENGTH),
      proposerRound: r.u32(),
      proposerProof: r.fixed(VRF_PROOF_LENGTH),
      payload: r.varBytes(1 << 24),
    };
    r.end();
    return block;
  });
}

export function simBlockHash(encoded: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update("verity-sim-block").update(encoded).digest());
}

export const GENESIS_PARENT = new Uint8Array(HASH_LENGTH);

export function simGenesisSeed(chainId: bigint): Uint8Array {
  return genesisSeed(chainId, new TextEncoder().encode("verity consensus simulator"));
}

export interface SimCommittedBlock {
  readonly value: Uint8Array;
  readonly hash: Uint8Array;
  readonly certificate: CommitCertificate;
}

export class SimChain {
  /** blocks[i] is height i + 1. */
  readonly blocks: SimCommittedBlock[] = [];
  /** seeds[i] is the seed of height i + 1. */
  readonly seeds: Uint8Array[];

  constructor(
    genesisSeedBytes: Uint8Array,
    private readonly nextSeed: (seed: Uint8Array, proposerBeta: Uint8Array, committedHeight: number) => Uint8Array = seedForNextHeight,
  ) {
    this.seeds = [genesisSeedBytes];
  }

  get height(): number {
    return this.blocks.length;
  }

  get headHash(): Uint8Array {
    return this.blocks.at(-1)?.hash ?? GENESIS_PARENT;
  }

  seedOf(height: number): Uint8Array {
    const seed = this.seeds[height - 1];
    if (seed === undefined) throw new Error(`no seed for height ${height}`);
    return seed;
  }

  /** The driver's answer to ValidateBlock for the next height. */
  validate(ctx: HeightContext, round: number, hash: Uint8Array, value: Uint8Array): boolean {
    if (ctx.height !== this.height + 1) return false;
    if (!bytesEqual(simBlockHash(value), hash)) return false;
    const decoded = decodeSimBlock(value);
    if (!decoded.ok) return false;
    const b = decoded.value;
    if (!bytesEqual(b.parentHash, this.headHash) || b.proposerRound > round) return false;
    return checkProposerFields(simHeaderView(b), ctx) === null;
  }

  /** Appends a committed (hence validated) block and derives the next seed. */
  append(ctx: HeightContext, block: SimCommittedBlock): void {
    if (ctx.height !== this.height + 1) throw new Error(`append of height ${ctx.height} on a chain at ${this.height}`);
    const decoded = decodeSimBlock(block.value);
    if (!decoded.ok) throw new Error("committed block does not decode");
    const b = decoded.value;
    const beta = verifyProposerCredential(ctx, b.proposer, b.proposerRound, b.proposerProof);
    if (beta === null) throw new Error(`committed block ${toHex(block.hash)} has no valid proposer credential`);
    this.blocks.push(block);
    // The node's seed chaining; the proposer output is the one the credential check produced (the
    // simulated crypto's VRF is not ECVRF, so proof-to-hash would not apply).
    const head = { header: { number: BigInt(ctx.height), seed: ctx.seed, proposerVrfProof: b.proposerProof } };
    this.seeds.push(seedAfter(head, { proposerOutput: () => beta, nextSeed: this.nextSeed }));
  }
}
