import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import * as reference from "../../src/consensus/vrf.js";
import * as sodium from "../../src/consensus/vrf-sodium.js";
import { VRF_PROOF_LENGTH, vrfEncodeToCurve, vrfProveTrace, vrfPublicKey } from "../../src/consensus/vrf.js";
import { readSharedVectors } from "../helpers/consensus-crypto-vectors.js";

interface EcvrfVector {
  example: number;
  SK: string;
  PK: string;
  alpha: string;
  H: string;
  k: string;
  U: string;
  V: string;
  pi: string;
  beta: string;
}

const SUITE = "ECVRF-EDWARDS25519-SHA512-TAI";
const file = readSharedVectors("vectors/ecvrf-rfc9381.json") as { suites: Record<string, { vectors: EcvrfVector[] }> };
const vectors = file.suites[SUITE]?.vectors ?? [];

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;

function seededKey(label: string): Uint8Array {
  return sha512(new TextEncoder().encode(label)).slice(0, 32);
}

function withByte(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = value;
  return copy;
}

// The node proves and verifies through libsodium (vrf-sodium.ts); vrf.ts is the pure-JS reference.
// Both face the same published vectors and the same hostile inputs.
const IMPLEMENTATIONS = [
  ["vrf.ts (noble)", reference],
  ["vrf-sodium.ts (libsodium)", sodium],
] as const;

describe("ECVRF-EDWARDS25519-SHA512-TAI against RFC 9381 Appendix B.3", () => {
  it("has the suite's vectors", () => {
    expect(vectors.length).toBe(3);
  });

  for (const v of vectors) {
    it(`example ${v.example}: PK, intermediates, pi, beta, verify`, () => {
      const sk = hexToBytes(v.SK);
      const alpha = hexToBytes(v.alpha);
      expect(bytesToHex(vrfPublicKey(sk))).toBe(v.PK);
      const trace = vrfProveTrace(sk, alpha);
      expect(bytesToHex(trace.H)).toBe(v.H);
      expect(bytesToHex(trace.k)).toBe(v.k);
      expect(bytesToHex(trace.U)).toBe(v.U);
      expect(bytesToHex(trace.V)).toBe(v.V);
      expect(bytesToHex(trace.pi)).toBe(v.pi);
      expect(bytesToHex(trace.beta)).toBe(v.beta);
      expect(bytesToHex(vrfEncodeToCurve(hexToBytes(v.PK), alpha))).toBe(v.H);
      for (const [name, { vrfProve, vrfProveWithOutput, vrfProofToHash, vrfVerify }] of IMPLEMENTATIONS) {
        expect(bytesToHex(vrfProve(sk, alpha)), name).toBe(v.pi);
        expect(bytesToHex(vrfProveWithOutput(sk, alpha).output), name).toBe(v.beta);
        expect(bytesToHex(vrfProofToHash(hexToBytes(v.pi)) ?? new Uint8Array()), name).toBe(v.beta);
        const beta = vrfVerify(hexToBytes(v.PK), alpha, hexToBytes(v.pi));
        expect(beta === null ? null : bytesToHex(beta), name).toBe(v.beta);
      }
    });
  }
});

for (const [implName, { vrfProofToHash, vrfProve, vrfVerify }] of IMPLEMENTATIONS) {
  describe(`${implName}: vrfVerify rejects`, () => {
    const v = vectors[1] as EcvrfVector;
    const pk = hexToBytes(v.PK);
    const alpha = hexToBytes(v.alpha);
    const pi = hexToBytes(v.pi);

    it("every single-bit change of Gamma, c and s", () => {
      for (let i = 0; i < VRF_PROOF_LENGTH; i++) {
        const bit = 1 << (i % 8);
        const mutated = withByte(pi, i, (pi[i] ?? 0) ^ bit);
        expect(vrfVerify(pk, alpha, mutated), `byte ${i}`).toBeNull();
      }
    });

    it("changed, extended and truncated messages", () => {
      expect(vrfVerify(pk, new Uint8Array([0x73]), pi)).toBeNull();
      expect(vrfVerify(pk, new Uint8Array([0x72, 0x00]), pi)).toBeNull();
      expect(vrfVerify(pk, new Uint8Array(0), pi)).toBeNull();
    });

    it("another validator's key", () => {
      for (const other of vectors) {
        if (other.PK === v.PK) continue;
        expect(vrfVerify(hexToBytes(other.PK), alpha, pi)).toBeNull();
      }
    });

    it("s >= q, including the malleated s + q that satisfies the same equations", () => {
      const s = bytesToNumberLE(pi.subarray(48));
      const malleated = pi.slice();
      malleated.set(numberToBytesLE(s + L, 32), 48);
      expect(vrfVerify(pk, alpha, malleated)).toBeNull();
      expect(vrfProofToHash(malleated)).toBeNull();
      const maxS = pi.slice();
      maxS.fill(0xff, 48);
      expect(vrfVerify(pk, alpha, maxS)).toBeNull();
    });

    it("all eight small-order public keys, canonical or not", () => {
      // A point of order 8 (from the Ed25519 small-order blocklists); checked, then its multiples.
      const t8 = Point.fromHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
      expect(t8.double().double().is0()).toBe(false);
      expect(t8.double().double().double().is0()).toBe(true);
      const encodings = new Set<string>();
      let multiple = Point.ZERO;
      for (let i = 0; i < 8; i++) {
        encodings.add(multiple.toHex());
        multiple = multiple.add(t8);
      }
      expect(encodings.size).toBe(8);
      // Non-canonical spellings: identity as y = p + 1, and y = 1 with the sign bit set ("-0").
      const yPlusP = numberToBytesLE(P + 1n, 32);
      const negativeZero = hexToBytes("0100000000000000000000000000000000000000000000000000000000000080");
      for (const key of [...[...encodings].map(hexToBytes), yPlusP, negativeZero]) {
        expect(vrfVerify(key, alpha, pi), bytesToHex(key)).toBeNull();
      }
    });

    it("a proof forged for the identity key (it satisfies U and V; key validation is what stops it)", () => {
      const identity = Point.ZERO.toBytes();
      const h = vrfEncodeToCurve(identity, alpha);
      const k = 123456789n;
      const gamma = Point.ZERO.toBytes();
      const u = Point.BASE.multiply(k).toBytes();
      const v2 = Point.fromBytes(h).multiply(k).toBytes();
      const input = new Uint8Array([0x03, 0x02, ...identity, ...h, ...gamma, ...u, ...v2, 0x00]);
      const c = bytesToNumberLE(sha512(input).subarray(0, 16));
      // With Y = O and Gamma = O: U = s*B - c*Y = k*B and V = s*H - c*Gamma = k*H for s = k.
      const forged = new Uint8Array([...gamma, ...numberToBytesLE(c, 16), ...numberToBytesLE(k, 32)]);
      // Replay RFC 9381 §5.3 steps 8-10 without validate_key: the forgery passes them...
      const uCheck = Point.BASE.multiply(k).subtract(Point.ZERO.multiplyUnsafe(c)).toBytes();
      const vCheck = Point.fromBytes(h).multiply(k).subtract(Point.ZERO.multiplyUnsafe(c)).toBytes();
      const replay = new Uint8Array([0x03, 0x02, ...identity, ...h, ...gamma, ...uCheck, ...vCheck, 0x00]);
      expect(bytesToNumberLE(sha512(replay).subarray(0, 16))).toBe(c);
      // ...and only the small-order key check rejects it.
      expect(vrfVerify(identity, alpha, forged)).toBeNull();
    });

    it("non-canonical and undecodable Gamma", () => {
      const nonCanonical = pi.slice();
      nonCanonical.set(numberToBytesLE(P + 1n, 32), 0); // the identity, spelled y = p + 1
      expect(() => Point.fromBytes(nonCanonical.subarray(0, 32), true)).not.toThrow(); // ZIP-215 would take it
      expect(vrfVerify(pk, alpha, nonCanonical)).toBeNull();
      expect(vrfProofToHash(nonCanonical)).toBeNull();
      // y = 2 is not on edwards25519 ((y^2 - 1)/(d y^2 + 1) is not a square).
      const offCurve = pi.slice();
      offCurve.set(numberToBytesLE(2n, 32), 0);
      expect(() => Point.fromBytes(offCurve.subarray(0, 32))).toThrow();
      expect(vrfVerify(pk, alpha, offCurve)).toBeNull();
    });

    it("wrong lengths and wrong types without throwing", () => {
      const junk = [new Uint8Array(0), pi.subarray(0, 79), new Uint8Array([...pi, 0])];
      for (const bad of junk) {
        expect(vrfVerify(pk, alpha, bad)).toBeNull();
        expect(vrfProofToHash(bad)).toBeNull();
      }
      expect(vrfVerify(pk.subarray(0, 31), alpha, pi)).toBeNull();
      expect(vrfVerify(new Uint8Array([...pk, 0]), alpha, pi)).toBeNull();
      const notBytes = "not bytes" as unknown as Uint8Array;
      expect(vrfVerify(notBytes, alpha, pi)).toBeNull();
      expect(vrfVerify(pk, notBytes, pi)).toBeNull();
      expect(vrfVerify(pk, alpha, notBytes)).toBeNull();
      expect(vrfProofToHash(notBytes)).toBeNull();
    });
  });

  describe(`${implName}: prove/verify round trips`, () => {
    it("verifies its own proofs, is deterministic, and beta = proof_to_hash(pi)", () => {
      for (let i = 0; i < 4; i++) {
        const sk = seededKey(`vrf-test-key-${i}`);
        const pk = vrfPublicKey(sk);
        expect(bytesToHex(pk)).toBe(bytesToHex(ed25519.getPublicKey(sk))); // same key derivation as EdDSA
        const alpha = new TextEncoder().encode(`message ${i}`);
        const pi = vrfProve(sk, alpha);
        expect(pi.length).toBe(80);
        expect(bytesToHex(vrfProve(sk, alpha))).toBe(bytesToHex(pi));
        const beta = vrfVerify(pk, alpha, pi);
        expect(beta).not.toBeNull();
        expect(bytesToHex(beta ?? new Uint8Array())).toBe(bytesToHex(vrfProofToHash(pi) ?? new Uint8Array(1)));
        // The same key verified again (now from the prepared-key cache) gives the same answer.
        expect(bytesToHex(vrfVerify(pk, alpha, pi) ?? new Uint8Array())).toBe(bytesToHex(beta ?? new Uint8Array(1)));
        expect(vrfVerify(pk, new TextEncoder().encode(`message ${i + 1}`), pi)).toBeNull();
      }
    });

    it("gives different outputs for different keys and messages", () => {
      const sk1 = seededKey("a");
      const sk2 = seededKey("b");
      const m1 = new Uint8Array([1]);
      const m2 = new Uint8Array([2]);
      const outputs = [
        vrfProofToHash(vrfProve(sk1, m1)),
        vrfProofToHash(vrfProve(sk1, m2)),
        vrfProofToHash(vrfProve(sk2, m1)),
      ].map((b) => bytesToHex(b ?? new Uint8Array()));
      expect(new Set(outputs).size).toBe(3);
    });

    it("rejects secret keys of the wrong length", () => {
      expect(() => vrfPublicKey(new Uint8Array(31))).toThrow(RangeError);
      expect(() => vrfProve(new Uint8Array(33), new Uint8Array(0))).toThrow(RangeError);
    });
  });
}
