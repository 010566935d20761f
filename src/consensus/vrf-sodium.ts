// ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381) with libsodium's edwards25519 arithmetic (sodium-native,
// prebuilt native bindings): the same proofs and verdicts as vrf.ts, 8.8x faster to prove and 4.6x
// faster to verify (bench/consensus-crypto.ts, 2026-12-07: 2,730 vs 309 proofs/s, 2,092 vs 457
// verifications/s on one core). vrf.ts stays the spec-shaped reference; this file only moves its
// scalar multiplications and point additions into C.
//
// Why the speed matters: every validator proves its role for each (height, round, step) and checks
// everyone else's, so a dev node with four local validators spent most of an idle block's ~90 ms
// CPU in noble's BigInt field arithmetic, and a loaded one ~10 % of its main thread.
//
// Where libsodium and the RFC differ, the RFC wins:
// - libsodium decodes y >= p and "negative zero" (x = 0 with the sign bit) without complaint; RFC
//   8032's strict decoding, which RFC 9381 requires, rejects them, so every input point string is
//   checked for canonical form here first (isCanonicalPoint).
// - libsodium's scalar multiplication refuses points outside the prime-order subgroup, small-order
//   points, a zero scalar and an identity result. Honest keys and proofs never meet any of these
//   (Y = x*B, H is cofactor-cleared, Gamma = x*H), but a crafted proof may (a Gamma with a torsion
//   component and an even c still satisfies the RFC's equations). Whenever libsodium refuses, the
//   reference in vrf.ts decides, so the verdict is exactly the RFC's whatever the input.
// - With those two rules, when libsodium succeeds it computed the same points as the RFC (same
//   decoded Y and Gamma, validate_key implied by the subgroup check), so the verdict is the same.
import sodium from "sodium-native";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import {
  GROUP_ORDER,
  assembleProof,
  VRF_PROOF_LENGTH,
  VRF_SECRET_KEY_LENGTH,
  challenge,
  encodeToCurveCandidates,
  expandSecretKey,
  outputOfCofactorGamma,
  proofNonce,
  vrfProofToHash as referenceProofToHash,
  vrfProveWithOutput as referenceProveWithOutput,
  vrfVerify as referenceVerify,
} from "./vrf.js";

const POINT_LEN = 32;
const CHALLENGE_LEN = 16;
const SCALAR_LEN = 32;

/**
 * RFC 8032 §5.1.3 strictness that libsodium's decoder lacks: y < p = 2^255 - 19 (the sign bit
 * masked off), and no x = 0 (y = 1 or y = p - 1) with the sign bit set. Curve membership is left to
 * libsodium, which refuses an undecodable string.
 */
export function isCanonicalPoint(bytes: Uint8Array): boolean {
  const sign = bytes[31]! >> 7;
  const top = bytes[31]! & 0x7f;
  // y >= p only for y = p + t with t in [0, 18]: bytes ff..ff (30 of them) under top 0x7f, low byte >= 0xed.
  let allOnes = top === 0x7f;
  for (let i = 1; allOnes && i < 31; i++) allOnes = bytes[i] === 0xff;
  if (allOnes && bytes[0]! >= 0xed) return false;
  if (sign === 1) {
    // y = 1: 01 00 .. 00; y = p - 1: ec ff .. ff 7f.
    let yIsOne = bytes[0] === 0x01 && top === 0;
    for (let i = 1; yIsOne && i < 31; i++) yIsOne = bytes[i] === 0;
    const yIsMinusOne = allOnes && bytes[0] === 0xec;
    if (yIsOne || yIsMinusOne) return false;
  }
  return true;
}

const IDENTITY = (() => {
  const b = new Uint8Array(POINT_LEN);
  b[0] = 1;
  return b;
})();

function isIdentity(bytes: Uint8Array): boolean {
  return Buffer.compare(bytes, IDENTITY) === 0;
}

/** p + q for any two decodable points (throws for an undecodable one). */
function add(p: Uint8Array, q: Uint8Array): Uint8Array {
  const out = new Uint8Array(POINT_LEN);
  sodium.crypto_core_ed25519_add(out, p, q);
  return out;
}

function sub(p: Uint8Array, q: Uint8Array): Uint8Array {
  const out = new Uint8Array(POINT_LEN);
  sodium.crypto_core_ed25519_sub(out, p, q);
  return out;
}

/** 8*P by three doublings: any decodable point, torsion or not (throws for an undecodable one). */
function timesCofactor(p: Uint8Array): Uint8Array {
  const p2 = add(p, p);
  const p4 = add(p2, p2);
  return add(p4, p4);
}

/** n*P for P in the prime-order subgroup, 0 < n < 2^255; throws otherwise or for an identity result. */
function multiply(n: bigint, p: Uint8Array): Uint8Array {
  const out = new Uint8Array(POINT_LEN);
  sodium.crypto_scalarmult_ed25519_noclamp(out, numberToBytesLE(n, SCALAR_LEN), p);
  return out;
}

function multiplyBase(n: bigint): Uint8Array {
  const out = new Uint8Array(POINT_LEN);
  sodium.crypto_scalarmult_ed25519_base_noclamp(out, numberToBytesLE(n, SCALAR_LEN));
  return out;
}

/** RFC 9381 §5.4.1.1 try-and-increment, H as a point string (canonical: libsodium encodes so). */
function encodeToCurve(publicKeyBytes: Uint8Array, alpha: Uint8Array): Uint8Array {
  for (const candidate of encodeToCurveCandidates(publicKeyBytes, alpha)) {
    if (!isCanonicalPoint(candidate)) continue;
    let h: Uint8Array;
    try {
      h = timesCofactor(candidate);
    } catch {
      continue; // not on the curve
    }
    if (!isIdentity(h)) return h;
  }
  throw new Error("ECVRF encode_to_curve: no valid point in 256 tries");
}

/** RFC 9381 §5.1 ECVRF_prove and the proof's output beta (byte-identical to vrf.ts's). */
export function vrfProveWithOutput(secretKey: Uint8Array, alpha: Uint8Array): { proof: Uint8Array; output: Uint8Array } {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== VRF_SECRET_KEY_LENGTH || !(alpha instanceof Uint8Array))
    return referenceProveWithOutput(secretKey, alpha); // it words the error
  const { scalar: x, prefix, pointBytes: publicKeyBytes } = expandSecretKey(secretKey);
  let h: Uint8Array, gamma: Uint8Array, u: Uint8Array, v: Uint8Array, k: bigint;
  try {
    h = encodeToCurve(publicKeyBytes, alpha);
    gamma = multiply(x, h);
    k = proofNonce(prefix, h);
    u = multiplyBase(k);
    v = multiply(k, h);
  } catch {
    // k = 0 (probability 2^-252) is the only way here: the reference handles it.
    return referenceProveWithOutput(secretKey, alpha);
  }
  return { proof: assembleProof([publicKeyBytes, h, gamma, u, v], k, x), output: outputOfCofactorGamma(timesCofactor(gamma)) };
}

/** RFC 9381 §5.1 ECVRF_prove: the 80-byte proof pi for message alpha. */
export function vrfProve(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  return vrfProveWithOutput(secretKey, alpha).proof;
}

/**
 * RFC 9381 §5.3 ECVRF_verify with validate_key = TRUE: beta for a valid proof, null for anything
 * else, never throws; the verdict is vrf.ts's for every input (see the top of this file).
 */
export function vrfVerify(publicKey: Uint8Array, alpha: Uint8Array, pi: Uint8Array): Uint8Array | null {
  if (!(publicKey instanceof Uint8Array) || !(alpha instanceof Uint8Array) || !(pi instanceof Uint8Array)) return null;
  if (publicKey.length !== POINT_LEN || pi.length !== VRF_PROOF_LENGTH) return null;
  const gamma = pi.subarray(0, POINT_LEN);
  // Strict decoding fails for these, so the RFC rejects the key or the proof.
  if (!isCanonicalPoint(publicKey) || !isCanonicalPoint(gamma)) return null;
  const c = bytesToNumberLE(pi.subarray(POINT_LEN, POINT_LEN + CHALLENGE_LEN));
  const s = bytesToNumberLE(pi.subarray(POINT_LEN + CHALLENGE_LEN));
  if (s >= GROUP_ORDER) return null;
  let h: Uint8Array, u: Uint8Array, v: Uint8Array;
  try {
    h = encodeToCurve(publicKey, alpha);
    u = sub(multiplyBase(s), multiply(c, publicKey));
    v = sub(multiply(s, h), multiply(c, gamma));
  } catch {
    // Off-subgroup or small-order Y or Gamma, an undecodable point, s = 0 or c = 0: the reference decides.
    return referenceVerify(publicKey, alpha, pi);
  }
  if (challenge([publicKey, h, gamma, u, v]) !== c) return null;
  return outputOfCofactorGamma(timesCofactor(gamma));
}

/**
 * RFC 9381 §5.2 ECVRF_proof_to_hash without verification (as vrf.ts's): null for a malformed pi.
 * Use vrfVerify for anything received from others.
 */
export function vrfProofToHash(pi: Uint8Array): Uint8Array | null {
  if (!(pi instanceof Uint8Array) || pi.length !== VRF_PROOF_LENGTH) return null;
  const gamma = pi.subarray(0, POINT_LEN);
  if (!isCanonicalPoint(gamma) || bytesToNumberLE(pi.subarray(POINT_LEN + CHALLENGE_LEN)) >= GROUP_ORDER) return null;
  try {
    return outputOfCofactorGamma(timesCofactor(gamma));
  } catch {
    return referenceProofToHash(pi); // undecodable Gamma: null there too
  }
}
