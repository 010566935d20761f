// vrf-sodium.ts (libsodium arithmetic) against vrf.ts (the pure-JS reference, itself checked against
// RFC 9381's vectors in vrf.test.ts): byte-identical proofs, identical verdicts, and the inputs where
// libsodium would decide differently from the RFC (non-canonical encodings, points with a torsion
// component that still satisfy the RFC's equations).
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import * as reference from "../../src/consensus/vrf.js";
import * as sodium from "../../src/consensus/vrf-sodium.js";

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;
const enc = new TextEncoder();

/** A deterministic byte stream (SHA-512 in counter mode) for seeded random inputs. */
function stream(label: string): (n: number) => Uint8Array {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    while (pool.length < n) pool = new Uint8Array([...pool, ...sha512(enc.encode(`${label}/${counter++}`))]);
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}

const hex = (b: Uint8Array | null): string | null => (b === null ? null : bytesToHex(b));

/** RFC 9381 §5.4.3 challenge over five point strings (written out here, independent of src/). */
function challengeOf(points: Uint8Array[]): bigint {
  return bytesToNumberLE(sha512(new Uint8Array([0x03, 0x02, ...points.flatMap((p) => [...p]), 0x00])).subarray(0, 16));
}

/** The order-2 point (0, -1). */
const T2 = Point.fromBytes(numberToBytesLE(P - 1n, 32));

/**
 * A proof that satisfies RFC 9381 §5.3 for `keyBytes` although Gamma or the key carries a torsion
 * component: with an even c, c*T2 vanishes from U and V. Found by trying nonces until c is even.
 */
function torsionProof(x: bigint, keyBytes: Uint8Array, alpha: Uint8Array, gammaTorsion: boolean): Uint8Array {
  const h = Point.fromBytes(reference.vrfEncodeToCurve(keyBytes, alpha));
  const gamma = gammaTorsion ? h.multiply(x).add(T2) : h.multiply(x);
  for (let k = 1n; k < 200n; k++) {
    const u = Point.BASE.multiply(k).toBytes();
    const v = h.multiply(k).toBytes();
    const c = challengeOf([keyBytes, h.toBytes(), gamma.toBytes(), u, v]);
    if (c % 2n !== 0n) continue;
    const s = (k + c * x) % L;
    return new Uint8Array([...gamma.toBytes(), ...numberToBytesLE(c, 16), ...numberToBytesLE(s, 32)]);
  }
  throw new Error("no even challenge in 200 nonces");
}

describe("vrf-sodium.ts against the reference", () => {
  it("proves byte-identical proofs and outputs for 200 seeded keys and messages", () => {
    const next = stream("prove");
    for (let i = 0; i < 200; i++) {
      const sk = next(32);
      const alpha = next(i % 70);
      const a = reference.vrfProveWithOutput(sk, alpha);
      const b = sodium.vrfProveWithOutput(sk, alpha);
      expect(bytesToHex(b.proof), `case ${i}`).toBe(bytesToHex(a.proof));
      expect(bytesToHex(b.output), `case ${i}`).toBe(bytesToHex(a.output));
    }
  });

  it("gives the reference's verdict for valid proofs, one-byte corruptions and random 80-byte strings", () => {
    const next = stream("verify");
    let valid = 0;
    for (let i = 0; i < 150; i++) {
      const sk = next(32);
      const pk = reference.vrfPublicKey(sk);
      const alpha = next(1 + (i % 40));
      const pi = reference.vrfProve(sk, alpha);
      const corrupt = pi.slice();
      const at = next(1)[0]! % 80;
      corrupt[at] = corrupt[at]! ^ (1 + (next(1)[0]! % 255));
      for (const candidate of [pi, corrupt, next(80)]) {
        const expected = hex(reference.vrfVerify(pk, alpha, candidate));
        expect(hex(sodium.vrfVerify(pk, alpha, candidate)), `case ${i}`).toBe(expected);
        expect(hex(sodium.vrfProofToHash(candidate)), `case ${i}`).toBe(hex(reference.vrfProofToHash(candidate)));
        if (expected !== null) valid++;
      }
    }
    expect(valid).toBe(150); // exactly the untouched proofs
  });

  it("accepts, as the RFC does, a proof whose Gamma carries a torsion component (libsodium alone would refuse it)", () => {
    const sk = sha512(enc.encode("torsion gamma")).slice(0, 32);
    const { scalar: x } = reference.expandSecretKey(sk);
    const pk = reference.vrfPublicKey(sk);
    const alpha = enc.encode("alpha");
    const forged = torsionProof(x, pk, alpha, true);
    const honestBeta = reference.vrfProveWithOutput(sk, alpha).output;
    // Same beta: cofactor clearing removes the torsion, which is why RFC 9381 tolerates it.
    expect(hex(reference.vrfVerify(pk, alpha, forged))).toBe(bytesToHex(honestBeta));
    expect(hex(sodium.vrfVerify(pk, alpha, forged))).toBe(bytesToHex(honestBeta));
    expect(hex(sodium.vrfProofToHash(forged))).toBe(bytesToHex(honestBeta));
    // The same proof with a flipped bit of s is rejected by both.
    const broken = forged.slice();
    broken[50] = broken[50]! ^ 1;
    expect(reference.vrfVerify(pk, alpha, broken)).toBeNull();
    expect(sodium.vrfVerify(pk, alpha, broken)).toBeNull();
  });

  it("accepts, as the RFC does, a proof under a key with a torsion component (validate_key lets it pass)", () => {
    const sk = sha512(enc.encode("torsion key")).slice(0, 32);
    const { scalar: x } = reference.expandSecretKey(sk);
    const key = Point.fromBytes(reference.vrfPublicKey(sk)).add(T2).toBytes();
    const alpha = enc.encode("alpha");
    const proof = torsionProof(x, key, alpha, false);
    const beta = reference.vrfVerify(key, alpha, proof);
    expect(beta).not.toBeNull();
    expect(hex(sodium.vrfVerify(key, alpha, proof))).toBe(hex(beta));
  });
});

describe("isCanonicalPoint", () => {
  const encode = (y: bigint, sign: number): Uint8Array => {
    const b = numberToBytesLE(y, 32);
    b[31] = b[31]! | (sign << 7);
    return b;
  };
  it("refuses exactly what RFC 8032's strict decoding refuses before the square root: y >= p and x = 0 with the sign bit", () => {
    const ys = [0n, 1n, 2n, 3n, P - 2n, P - 1n, P, P + 1n, P + 18n, 2n ** 255n - 1n, 2n ** 254n, 12345678901234567890n];
    for (const y of ys) {
      for (const sign of [0, 1]) {
        const refused = y >= P || (sign === 1 && (y === 1n || y === P - 1n));
        expect(sodium.isCanonicalPoint(encode(y, sign)), `y=${y} sign=${sign}`).toBe(!refused);
      }
    }
  });
  it("agrees with noble's strict decoder on every decodable string (noble's lenient ZIP-215 mode as the oracle of decodability)", () => {
    const next = stream("canonical");
    const edges = [encode(P + 1n, 0), encode(1n, 1), encode(P - 1n, 1), encode(P + 3n, 1)];
    for (const b of [...edges, ...Array.from({ length: 300 }, () => next(32))]) {
      let lenient = true;
      try {
        Point.fromBytes(b, true);
      } catch {
        lenient = false;
      }
      if (!lenient) continue; // not on the curve in either reading: libsodium refuses it too
      let strict = true;
      try {
        Point.fromBytes(b, false);
      } catch {
        strict = false;
      }
      expect(sodium.isCanonicalPoint(b), bytesToHex(b)).toBe(strict);
    }
  });
});
