// Committee roles: which VRF message a validator proves for a (height, round, step), how proposers
// are ranked, and how the per-height seed evolves. Proving and checking a role (the proof becoming
// a vote count through sortition) is committee.ts's drawRole / verifyRoleDraw.
//
// Hash choice: SHA-512/256 (FIPS 180-4, computed by node:crypto) everywhere in this file. It is in
// the same family as the VRF's SHA-512, is fast on 64-bit machines and is not length-extendable.
import { sha512_256 } from "./hashes.js";
import { VRF_OUTPUT_LENGTH } from "./vrf.js";

export type RoleStep = "propose" | "prevote" | "precommit";

export const SEED_LENGTH = 32;
export const PRIORITY_LENGTH = 32;
/**
 * proposerPriority hashes at most this many sub-users. A proposer committee is small (tau_propose is
 * a few dozen), so j stays far below this; the cap only keeps a misconfigured tau (say tau >= W,
 * which makes j = w) from turning one proposal into millions of hashes: at most ~20 ms of hashing.
 * Deterministic, so every node computes the same priority.
 */
export const MAX_PRIORITY_SUB_USERS = 4_096n;

const STEP_CODES: Readonly<Record<RoleStep, number>> = { propose: 1, prevote: 2, precommit: 3 };
const U64_LIMIT = 1n << 64n;
const U32_LIMIT = 2 ** 32;

const textEncoder = new TextEncoder();
// Distinct tags (each of a distinct length) keep the three hash uses of this file apart from each
// other and from any other protocol hashing similar bytes.
const ALPHA_TAG = textEncoder.encode("verity/sortition-alpha/v1");
const PRIORITY_TAG = textEncoder.encode("verity/proposer-priority/v1");
const SEED_TAG = textEncoder.encode("verity/seed/v1");
const GENESIS_SEED_TAG = textEncoder.encode("verity/genesis-seed/v1");

function assertLength(bytes: Uint8Array, length: number, name: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new RangeError(`${name} must be a ${length}-byte Uint8Array`);
  }
}

function writeUint(out: Uint8Array, offset: number, value: bigint, bytes: number): number {
  let v = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return offset + bytes;
}

/**
 * The VRF message (alpha) for one role: tag || step (1 byte) || height (8 bytes BE) || round (4 bytes
 * BE) || seed (32 bytes). Every field has a fixed width, so distinct (seed, height, round, step)
 * give distinct alphas, and a proof for one role never counts for another.
 */
export function sortitionAlpha(seed: Uint8Array, height: bigint, round: number, step: RoleStep): Uint8Array {
  assertLength(seed, SEED_LENGTH, "seed");
  if (height < 0n || height >= U64_LIMIT) throw new RangeError("height must fit in 64 bits");
  if (!Number.isInteger(round) || round < 0 || round >= U32_LIMIT) throw new RangeError("round must fit in 32 bits");
  const code = STEP_CODES[step];
  if (code === undefined) throw new RangeError(`unknown step ${String(step)}`);
  const out = new Uint8Array(ALPHA_TAG.length + 1 + 8 + 4 + SEED_LENGTH);
  out.set(ALPHA_TAG, 0);
  let offset = ALPHA_TAG.length;
  out[offset++] = code;
  offset = writeUint(out, offset, height, 8);
  offset = writeUint(out, offset, BigInt(round), 4);
  out.set(seed, offset);
  return out;
}

/**
 * A proposer's priority: min over sub-users i = 1..j of SHA-512/256(tag || beta || i as 8 bytes BE);
 * null when j = 0 (not a proposer). Lower wins (see comparePriority). Each sub-user is an independent
 * lottery ticket, so the chance of holding the best one is proportional to j, i.e. to stake.
 * Sub-users beyond MAX_PRIORITY_SUB_USERS are not hashed.
 */
export function proposerPriority(beta: Uint8Array, j: bigint): Uint8Array | null {
  assertLength(beta, VRF_OUTPUT_LENGTH, "beta");
  if (j < 0n) throw new RangeError("j must be >= 0");
  if (j === 0n) return null;
  const count = j < MAX_PRIORITY_SUB_USERS ? j : MAX_PRIORITY_SUB_USERS;
  const input = new Uint8Array(PRIORITY_TAG.length + VRF_OUTPUT_LENGTH + 8);
  input.set(PRIORITY_TAG, 0);
  input.set(beta, PRIORITY_TAG.length);
  const counterOffset = PRIORITY_TAG.length + VRF_OUTPUT_LENGTH;
  let best: Uint8Array | null = null;
  for (let i = 1n; i <= count; i++) {
    writeUint(input, counterOffset, i, 8);
    const candidate = sha512_256(input);
    if (best === null || comparePriority(candidate, best) < 0) best = candidate;
  }
  return best;
}

/** Orders priorities as unsigned big-endian numbers: negative when a wins (is lower), 0 when equal. */
export function comparePriority(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  }
  return a.length - b.length;
}

/**
 * The seed of `height`: SHA-512/256(tag || prevSeed || height (8 bytes BE) || prevProposerBeta), where
 * prevProposerBeta is the VRF output of the proposer of the block at height - 1. The proposer cannot
 * choose beta (the VRF output is unique for its key and the role alpha, which depends on the previous
 * seed); its only lever is to withhold its block, which hands the height to another proposer.
 */
export function nextSeed(prevSeed: Uint8Array, prevProposerBeta: Uint8Array, height: bigint): Uint8Array {
  assertLength(prevSeed, SEED_LENGTH, "prevSeed");
  assertLength(prevProposerBeta, VRF_OUTPUT_LENGTH, "prevProposerBeta");
  if (height < 0n || height >= U64_LIMIT) throw new RangeError("height must fit in 64 bits");
  const input = new Uint8Array(SEED_TAG.length + SEED_LENGTH + 8 + VRF_OUTPUT_LENGTH);
  input.set(SEED_TAG, 0);
  input.set(prevSeed, SEED_TAG.length);
  const offset = writeUint(input, SEED_TAG.length + SEED_LENGTH, height, 8);
  input.set(prevProposerBeta, offset);
  return sha512_256(input);
}

/**
 * The first seed: SHA-512/256(tag || chainId (32 bytes BE) || extra length (4 bytes BE) || extra),
 * e.g. extra = the genesis block hash, fixed before anyone can know their VRF outputs.
 */
export function genesisSeed(chainId: bigint, genesisHashOrExtra: Uint8Array): Uint8Array {
  if (chainId < 0n || chainId >= 1n << 256n) throw new RangeError("chainId must fit in 256 bits");
  if (!(genesisHashOrExtra instanceof Uint8Array)) throw new TypeError("genesis extra must be a Uint8Array");
  if (genesisHashOrExtra.length >= U32_LIMIT) throw new RangeError("genesis extra too long");
  const input = new Uint8Array(GENESIS_SEED_TAG.length + 32 + 4 + genesisHashOrExtra.length);
  input.set(GENESIS_SEED_TAG, 0);
  let offset = writeUint(input, GENESIS_SEED_TAG.length, chainId, 32);
  offset = writeUint(input, offset, BigInt(genesisHashOrExtra.length), 4);
  input.set(genesisHashOrExtra, offset);
  return sha512_256(input);
}
