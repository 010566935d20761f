// ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381, suite string 0x03) on @noble/curves' edwards25519.
//
// Why a VRF: every validator proves, for each (height, round, step), a pseudorandom output beta that
// only its secret key could produce and that anyone can check against its public key. Sortition turns
// beta into a vote count, so the output must be unique per (key, alpha): RFC 9381 gives full
// uniqueness when the verifier validates the key (validate_key = TRUE), which we always do.
//
// Encodings (RFC 9381 §5.5, edwards25519): points are RFC 8032 32-byte strings, decoded strictly
// (y < p, no "negative zero" x): with those two rules every accepted string is the one canonical
// encoding of its point, so decoded input bytes can be reused as point_to_string of the point.
// Integers are little-endian. pi = Gamma (32) || c (16) || s (32) = 80 bytes; beta = 64 bytes.
//
// Speed (verification bounds the votes a node can check per second):
//   U = s*B - c*Y   uses the precomputed base table for s*B and, for c*Y, multiples of Y cached per key
//                   (see PreparedKey);
//   V = s*H - c*Gamma  is one interleaved (Strauss-Shamir) double-scalar multiplication.
// Secret-scalar multiplications in the prover use noble's constant-time `multiply`.
import { mulAddUnsafe, normalizeZ } from "@noble/curves/abstract/curve.js";
import type { EdwardsPoint } from "@noble/curves/abstract/edwards.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "./hashes.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const Point = ed25519.Point;
/** Prime order q (RFC 9381 "q") of the edwards25519 base point. */
export const GROUP_ORDER = Point.Fn.ORDER;

const SUITE = 0x03;
const ENCODE_TO_CURVE_FRONT = 0x01;
const CHALLENGE_FRONT = 0x02;
const PROOF_TO_HASH_FRONT = 0x03;
const DOMAIN_BACK = 0x00;

const POINT_LEN = 32;
const CHALLENGE_LEN = 16;
const SCALAR_LEN = 32;
export const VRF_SECRET_KEY_LENGTH = 32;
export const VRF_PUBLIC_KEY_LENGTH = POINT_LEN;
export const VRF_PROOF_LENGTH = POINT_LEN + CHALLENGE_LEN + SCALAR_LEN; // 80
export const VRF_OUTPUT_LENGTH = 64;

/** Intermediate values of one proof, as printed in RFC 9381 Appendix B (for tests and debugging). */
export interface VrfProofTrace {
  pi: Uint8Array;
  /** point_to_string(H), the hash of alpha to the curve. */
  H: Uint8Array;
  /** The nonce k as a 32-byte little-endian string. */
  k: Uint8Array;
  /** point_to_string(k*B). */
  U: Uint8Array;
  /** point_to_string(k*H). */
  V: Uint8Array;
  /** beta, the VRF output (RFC 9381 §5.2 from this proof's Gamma). */
  beta: Uint8Array;
}

interface DecodedProof {
  gamma: EdwardsPoint;
  gammaBytes: Uint8Array;
  c: bigint;
  s: bigint;
}

function assertBytes(value: Uint8Array, length: number | undefined, name: string): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** RFC 8032 §5.1.3 strict decoding (rejects y >= p and x = 0 with the sign bit set); null if invalid. */
function decodePoint(bytes: Uint8Array): EdwardsPoint | null {
  try {
    return Point.fromBytes(bytes, false);
  } catch {
    return null;
  }
}

/** RFC 9381 §5.4.1.1 ECVRF_encode_to_curve_try_and_increment, with encode_to_curve_salt = PK_string. */
function encodeToCurve(publicKeyBytes: Uint8Array, alpha: Uint8Array): EdwardsPoint {
  for (const candidateBytes of encodeToCurveCandidates(publicKeyBytes, alpha)) {
    const candidate = decodePoint(candidateBytes);
    if (candidate === null) continue;
    const h = candidate.clearCofactor();
    if (!h.is0()) return h;
  }
  throw new Error("ECVRF encode_to_curve: no valid point in 256 tries");
}

/**
 * The try-and-increment candidates of RFC 9381 §5.4.1.1, ctr = 0, 1, ...: SHA512(suite || 0x01 ||
 * PK || alpha || ctr || 0x00)[0:32], to be decoded as points (shared with vrf-sodium.ts). Each try
 * succeeds with probability about 1/2; ctr is one byte, so 256 failures (probability 2^-256) would
 * be a broken hash, and the caller fails loudly.
 */
export function* encodeToCurveCandidates(publicKeyBytes: Uint8Array, alpha: Uint8Array): Generator<Uint8Array> {
  const input = new Uint8Array(2 + POINT_LEN + alpha.length + 2);
  input[0] = SUITE;
  input[1] = ENCODE_TO_CURVE_FRONT;
  input.set(publicKeyBytes, 2);
  input.set(alpha, 2 + POINT_LEN);
  const ctrIndex = input.length - 2;
  input[input.length - 1] = DOMAIN_BACK;
  for (let ctr = 0; ctr < 256; ctr++) {
    input[ctrIndex] = ctr;
    yield sha512(input).subarray(0, POINT_LEN);
  }
}

/** RFC 9381 §5.4.3: c = first cLen bytes of SHA512(suite || 0x02 || Y || H || Gamma || U || V || 0x00). */
export function challenge(points: readonly Uint8Array[]): bigint {
  const input = new Uint8Array(2 + POINT_LEN * points.length + 1);
  input[0] = SUITE;
  input[1] = CHALLENGE_FRONT;
  points.forEach((p, i) => input.set(p, 2 + POINT_LEN * i));
  input[input.length - 1] = DOMAIN_BACK;
  return bytesToNumberLE(sha512(input).subarray(0, CHALLENGE_LEN));
}

/** RFC 9381 §5.2 step 6: beta = SHA512(suite || 0x03 || point_to_string(cofactor * Gamma) || 0x00). */
function gammaToHash(cofactorGamma: EdwardsPoint): Uint8Array {
  return outputOfCofactorGamma(cofactorGamma.toBytes());
}

/** beta from point_to_string(cofactor * Gamma) (shared with vrf-sodium.ts). */
export function outputOfCofactorGamma(cofactorGammaBytes: Uint8Array): Uint8Array {
  const input = new Uint8Array(2 + POINT_LEN + 1);
  input[0] = SUITE;
  input[1] = PROOF_TO_HASH_FRONT;
  input.set(cofactorGammaBytes, 2);
  input[input.length - 1] = DOMAIN_BACK;
  return sha512(input);
}

/** RFC 9381 §5.4.4 ECVRF_decode_proof; null for wrong length, an undecodable Gamma or s >= q. */
function decodeProof(pi: Uint8Array): DecodedProof | null {
  if (!(pi instanceof Uint8Array) || pi.length !== VRF_PROOF_LENGTH) return null;
  const gammaBytes = pi.subarray(0, POINT_LEN);
  const gamma = decodePoint(gammaBytes);
  if (gamma === null) return null;
  const c = bytesToNumberLE(pi.subarray(POINT_LEN, POINT_LEN + CHALLENGE_LEN));
  const s = bytesToNumberLE(pi.subarray(POINT_LEN + CHALLENGE_LEN));
  if (s >= GROUP_ORDER) return null;
  return { gamma, gammaBytes, c, s };
}

/** RFC 9381 §5.4.5 ECVRF_validate_key: a decodable point Y with cofactor*Y != identity; null otherwise. */
function validateKey(publicKey: Uint8Array): EdwardsPoint | null {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== POINT_LEN) return null;
  const y = decodePoint(publicKey);
  if (y === null || y.isSmallOrder()) return null;
  return y;
}

/**
 * A validated key with [1, 2^32, 2^64, 2^96]*Y, so c*Y (c < 2^128) is a 4-scalar multiplication of
 * 32-bit scalars: 32 shared doublings instead of 128 (measured ~2.2x faster for that term).
 */
interface PreparedKey {
  /** Y, 2^32*Y, 2^64*Y, 2^96*Y, all with Z = 1. */
  shifted: EdwardsPoint[];
}

const C_LIMB_BITS = 32;
const C_LIMBS = (CHALLENGE_LEN * 8) / C_LIMB_BITS;
const C_LIMB_MASK = (1n << BigInt(C_LIMB_BITS)) - 1n;

// Validators verify many proofs under the same few keys, so validated keys are kept, keyed by their
// exact bytes. Only valid keys are cached and the cache holds no secrets; it changes no result, only
// saves the decode, the small-order check and the shifted multiples (~20% of a verification; the
// first sight of a key pays ~0.3 ms for the 96 doublings, about what the split saves right away).
// Bounded: when full, the oldest entry (Map insertion order) is dropped.
const PREPARED_KEY_LIMIT = 2048;
const preparedKeys = new Map<string, PreparedKey>();

function prepareKey(publicKey: Uint8Array): PreparedKey | null {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== POINT_LEN) return null;
  const cacheKey = bytesToHex(publicKey);
  const cached = preparedKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const y = validateKey(publicKey);
  if (y === null) return null;
  const shifted = [y];
  let p = y;
  for (let limb = 1; limb < C_LIMBS; limb++) {
    for (let i = 0; i < C_LIMB_BITS; i++) p = p.double();
    shifted.push(p);
  }
  const prepared: PreparedKey = { shifted: normalizeZ(Point, shifted) };
  if (preparedKeys.size >= PREPARED_KEY_LIMIT) {
    const oldest = preparedKeys.keys().next().value;
    if (oldest !== undefined) preparedKeys.delete(oldest);
  }
  preparedKeys.set(cacheKey, prepared);
  return prepared;
}

/** c*Y for c < 2^128 from the prepared multiples of Y. */
function multiplyKeyByChallenge(key: PreparedKey, c: bigint): EdwardsPoint {
  const limbs: bigint[] = [];
  for (let limb = 0; limb < C_LIMBS; limb++) limbs.push((c >> BigInt(limb * C_LIMB_BITS)) & C_LIMB_MASK);
  return mulAddUnsafe(Point, key.shifted, limbs);
}

/** The 32-byte VRF public key of a 32-byte secret key (the same derivation as an Ed25519 public key). */
export function vrfPublicKey(secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, VRF_SECRET_KEY_LENGTH, "VRF secret key");
  return expandSecretKey(secretKey).pointBytes.slice();
}

// A validator proves with the same one or few secret keys at every height; expanding a key (a
// SHA-512 and a base-point multiplication) is ~10 % of a proof, so expanded keys are kept, bounded.
// They live only in this process's memory, beside the secret keys they come from.
const EXPANDED_KEY_LIMIT = 64;
const expandedKeys = new Map<string, { scalar: bigint; prefix: Uint8Array; pointBytes: Uint8Array }>();

export function expandSecretKey(secretKey: Uint8Array): { scalar: bigint; prefix: Uint8Array; pointBytes: Uint8Array } {
  const cacheKey = bytesToHex(secretKey);
  let expanded = expandedKeys.get(cacheKey);
  if (expanded === undefined) {
    const { scalar, prefix, pointBytes } = ed25519.utils.getExtendedPublicKey(secretKey);
    expanded = { scalar, prefix, pointBytes };
    if (expandedKeys.size >= EXPANDED_KEY_LIMIT) expandedKeys.clear();
    expandedKeys.set(cacheKey, expanded);
  }
  return expanded;
}

/** RFC 9381 §5.4.2.2 nonce: k = SHA512(SHA512(SK)[32:64] || h_string) mod q (shared with vrf-sodium.ts). */
export function proofNonce(prefix: Uint8Array, hBytes: Uint8Array): bigint {
  const nonceInput = new Uint8Array(prefix.length + POINT_LEN);
  nonceInput.set(prefix, 0);
  nonceInput.set(hBytes, prefix.length);
  return bytesToNumberLE(sha512(nonceInput)) % GROUP_ORDER;
}

/**
 * RFC 9381 §5.1 steps 6-8: c = challenge(Y, H, Gamma, k*B, k*H), s = (k + c*x) mod q and
 * pi = Gamma || c || s, from the five point strings in that order (shared with vrf-sodium.ts).
 */
export function assembleProof(points: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array], k: bigint, x: bigint): Uint8Array {
  const c = challenge(points);
  const s = (k + c * x) % GROUP_ORDER;
  const pi = new Uint8Array(VRF_PROOF_LENGTH);
  pi.set(points[2], 0);
  pi.set(numberToBytesLE(c, CHALLENGE_LEN), POINT_LEN);
  pi.set(numberToBytesLE(s, SCALAR_LEN), POINT_LEN + CHALLENGE_LEN);
  return pi;
}

/** The proof and the RFC's intermediate values; `vrfProve` is this without the trace. */
export function vrfProveTrace(secretKey: Uint8Array, alpha: Uint8Array): VrfProofTrace {
  assertBytes(secretKey, VRF_SECRET_KEY_LENGTH, "VRF secret key");
  assertBytes(alpha, undefined, "alpha");
  // x = clamped SHA512(SK)[0:32] mod q, prefix = SHA512(SK)[32:64], Y = x*B (RFC 9381 §5.5, RFC 8032).
  const { scalar: x, prefix, pointBytes: publicKeyBytes } = expandSecretKey(secretKey);
  const h = encodeToCurve(publicKeyBytes, alpha);
  const hBytes = h.toBytes();
  const gamma = h.multiply(x);
  const k = proofNonce(prefix, hBytes);
  const kB = Point.BASE.multiply(k).toBytes();
  const kH = h.multiply(k).toBytes();
  const gammaBytes = gamma.toBytes();
  const pi = assembleProof([publicKeyBytes, hBytes, gammaBytes, kB, kH], k, x);
  return { pi, H: hBytes, k: numberToBytesLE(k, SCALAR_LEN), U: kB, V: kH, beta: gammaToHash(gamma.clearCofactor()) };
}

/** RFC 9381 §5.1 ECVRF_prove: the 80-byte proof pi for message alpha. */
export function vrfProve(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  return vrfProveTrace(secretKey, alpha).pi;
}

/** The proof and its output in one go: the prover holds Gamma, so no proof decoding is needed. */
export function vrfProveWithOutput(secretKey: Uint8Array, alpha: Uint8Array): { proof: Uint8Array; output: Uint8Array } {
  const { pi, beta } = vrfProveTrace(secretKey, alpha);
  return { proof: pi, output: beta };
}

/**
 * RFC 9381 §5.2 ECVRF_proof_to_hash: the 64-byte output beta of a proof. Returns null (never throws)
 * for a malformed pi (wrong length, undecodable Gamma, s >= q). It does NOT verify the proof: use
 * `vrfVerify` for anything received from others.
 */
export function vrfProofToHash(pi: Uint8Array): Uint8Array | null {
  const decoded = decodeProof(pi);
  return decoded === null ? null : gammaToHash(decoded.gamma.clearCofactor());
}

/** The hash of alpha to the curve (RFC 9381 "H") as a point string; exposed for vector tests. */
export function vrfEncodeToCurve(publicKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  assertBytes(publicKey, POINT_LEN, "VRF public key");
  assertBytes(alpha, undefined, "alpha");
  return encodeToCurve(publicKey, alpha).toBytes();
}

/**
 * RFC 9381 §5.3 ECVRF_verify with validate_key = TRUE. Returns beta for a valid proof and null for
 * anything else: it never throws, whatever the inputs (wrong types or lengths, undecodable or
 * non-canonical points, s >= q, small-order keys, a proof for another key or message).
 */
export function vrfVerify(publicKey: Uint8Array, alpha: Uint8Array, pi: Uint8Array): Uint8Array | null {
  try {
    if (!(alpha instanceof Uint8Array)) return null;
    const key = prepareKey(publicKey);
    if (key === null) return null;
    const proof = decodeProof(pi);
    if (proof === null) return null;
    const { gamma, gammaBytes, c, s } = proof;
    const h = encodeToCurve(publicKey, alpha);
    // U = s*B - c*Y; c < 2^128 < q, so it is a valid scalar for the unsafe (variable-time) paths,
    // which are fine here: every input is public.
    const u = Point.BASE.multiplyUnsafe(s).subtract(multiplyKeyByChallenge(key, c));
    // V = s*H - c*Gamma = s*H + c*(-Gamma), one shared doubling chain.
    const v = mulAddUnsafe(Point, [h, gamma.negate()], [s, c]);
    // One field inversion for the four encodings instead of four (each inversion ~ a point decode).
    const [hA, uA, vA, gamma8A] = normalizeZ(Point, [h, u, v, gamma.clearCofactor()]);
    const expected = challenge([publicKey, hA.toBytes(), gammaBytes, uA.toBytes(), vA.toBytes()]);
    return expected === c ? gammaToHash(gamma8A) : null;
  } catch {
    return null;
  }
}
