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

/** Bytes of an encoded sim block besides its payload: parent hash, height, proposer, round, proof, payload length. */
const SIM_BLOCK_FIXED_BYTES = HASH_LENGTH + 8 + ADDRESS_LENGTH + 4 + VRF_PROOF_LENGTH + 4;

export function encodeSimBlock(b: SimBlock): Uint8Array {
  return new ByteWriter(SIM_BLOCK_FIXED_BYTES + b.payload.length)
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

/** What one block's bytes say: their hash, their decoding, and proposer-credential verdicts of one height context. */
interface BlockFacts {
  readonly hash: Uint8Array;
  readonly block: SimBlock | null;
  /** The context the verdicts below hold for (the last one asked). */
  ctx: HeightContext | null;
  /** checkProposerFields of the block's view; undefined until asked. */
  fieldsProblem: string | null | undefined;
  /** verifyProposerCredential of the block's credential; undefined until asked. */
  proposerBeta: Uint8Array | null | undefined;
}

/**
 * Block facts computed once per simulation instead of once per validator: every validator hashes,
 * decodes and checks the credential of every proposal it receives, and in the simulator they all
 * receive one and the same byte array (hashing 100 copies of a 100 KiB block per proposal was
 * most of a big-block run). All of it is a pure function of the bytes and the height context, so
 * sharing it cannot change a verdict. Keyed by the array's identity (block bytes are never written
 * after they are built), and per context by the context's parts, so another seed, set or height
 * never sees a verdict that is not its own.
 */
export class SimBlockFacts {
  private readonly byValue = new WeakMap<Uint8Array, BlockFacts>();

  /** shared = false: nothing is kept, every validator computes for itself (as with real, unshared verification). */
  constructor(private readonly shared = true) {}

  of(value: Uint8Array): BlockFacts {
    let facts = this.shared ? this.byValue.get(value) : undefined;
    if (facts === undefined) {
      const decoded = decodeSimBlock(value);
      facts = { hash: simBlockHash(value), block: decoded.ok ? decoded.value : null, ctx: null, fieldsProblem: undefined, proposerBeta: undefined };
      if (this.shared) this.byValue.set(value, facts);
    }
    return facts;
  }

  /** checkProposerFields(simHeaderView(block), ctx), once per block and context. */
  fieldsProblem(facts: BlockFacts, block: SimBlock, ctx: HeightContext): string | null {
    this.forContext(facts, ctx);
    if (facts.fieldsProblem === undefined) facts.fieldsProblem = checkProposerFields(simHeaderView(block), ctx);
    return facts.fieldsProblem;
  }

  /** verifyProposerCredential for the block's credential, once per block and context. */
  proposerBeta(facts: BlockFacts, block: SimBlock, ctx: HeightContext): Uint8Array | null {
    this.forContext(facts, ctx);
    if (facts.proposerBeta === undefined) facts.proposerBeta = verifyProposerCredential(ctx, block.proposer, block.proposerRound, block.proposerProof);
    return facts.proposerBeta;
  }

  private forContext(facts: BlockFacts, ctx: HeightContext): void {
    const held = facts.ctx;
    if (held === ctx) return;
    const same =
      held !== null &&
      held.height === ctx.height &&
      held.validatorSet === ctx.validatorSet &&
      held.params === ctx.params &&
      held.crypto === ctx.crypto &&
      held.sortition === ctx.sortition &&
      bytesEqual(held.seed, ctx.seed);
    if (!same) {
      facts.fieldsProblem = undefined;
      facts.proposerBeta = undefined;
    }
    facts.ctx = ctx;
  }
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
    private readonly facts: SimBlockFacts = new SimBlockFacts(false),
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
    const facts = this.facts.of(value);
    if (!bytesEqual(facts.hash, hash)) return false;
    const b = facts.block;
    if (b === null) return false;
    if (!bytesEqual(b.parentHash, this.headHash) || b.proposerRound > round) return false;
    return this.facts.fieldsProblem(facts, b, ctx) === null;
  }

  /** Appends a committed (hence validated) block and derives the next seed. */
  append(ctx: HeightContext, block: SimCommittedBlock): void {
    if (ctx.height !== this.height + 1) throw new Error(`append of height ${ctx.height} on a chain at ${this.height}`);
    const facts = this.facts.of(block.value);
    const b = facts.block;
    if (b === null) throw new Error("committed block does not decode");
    const beta = this.facts.proposerBeta(facts, b, ctx);
    if (beta === null) throw new Error(`committed block ${toHex(block.hash)} has no valid proposer credential`);
    this.blocks.push(block);
    // The node's seed chaining; the proposer output is the one the credential check produced (the
    // simulated crypto's VRF is not ECVRF, so proof-to-hash would not apply).
    const head = { header: { number: BigInt(ctx.height), seed: ctx.seed, proposerVrfProof: b.proposerProof } };
    this.seeds.push(seedAfter(head, { proposerOutput: () => beta, nextSeed: this.nextSeed }));
  }
}
