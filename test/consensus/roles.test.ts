import { sha512, sha512_256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { drawRole, verifyRoleDraw, type RoleContext } from "../../src/consensus/committee.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { MAX_PRIORITY_SUB_USERS, comparePriority, genesisSeed, nextSeed, proposerPriority, sortitionAlpha, type RoleStep } from "../../src/consensus/roles.js";
import { sortition } from "../../src/consensus/sortition.js";
import { vrfProofToHash, vrfPublicKey, vrfVerify } from "../../src/consensus/vrf.js";

const STEPS: RoleStep[] = ["propose", "prevote", "precommit"];
const encoder = new TextEncoder();
const secretKey = sha512(encoder.encode("roles-test-validator")).slice(0, 32);
const publicKey = vrfPublicKey(secretKey);
const otherPublicKey = vrfPublicKey(sha512(encoder.encode("another validator")).slice(0, 32));
const seed = genesisSeed(1337n, sha512_256(encoder.encode("genesis block")));

// A role proved and checked the way the engine does it (committee.ts over the real ed25519 + ECVRF),
// with this file's (seed, height, round, step, w, W, tau) parameters; every tau here is < W for
// votes, so votes carry a VRF proof.
const crypto = createEd25519EcvrfCrypto();
function roleContext(s: Uint8Array, height: bigint, W: bigint, tau: bigint): RoleContext {
  return { crypto, params: { chainId: 1337n, committeeTau: tau, proposerTau: tau }, seed: s, height: Number(height), totalStake: W, sortition };
}
function evaluateRole(sk: Uint8Array, s: Uint8Array, height: bigint, round: number, step: RoleStep, w: bigint, W: bigint, tau: bigint) {
  const draw = drawRole(roleContext(s, height, W, tau), sk, vrfPublicKey(sk), w, round, step);
  return { proof: draw.proof, beta: draw.beta, j: draw.weight };
}
function verifyRole(pk: Uint8Array, proof: Uint8Array, s: Uint8Array, height: bigint, round: number, step: RoleStep, w: bigint, W: bigint, tau: bigint) {
  const checked = verifyRoleDraw(roleContext(s, height, W, tau), pk, w, round, step, proof);
  return checked === null ? null : { beta: checked.beta, j: checked.weight };
}

describe("sortitionAlpha", () => {
  it("is a fixed-width layout: tag, step, height, round, seed", () => {
    const alpha = sortitionAlpha(seed, 0x0102030405060708n, 0x0a0b0c0d, "prevote");
    const tag = encoder.encode("verity/sortition-alpha/v1");
    expect(alpha.length).toBe(tag.length + 1 + 8 + 4 + 32);
    expect(bytesToHex(alpha.subarray(0, tag.length))).toBe(bytesToHex(tag));
    expect(bytesToHex(alpha.subarray(tag.length))).toBe("02" + "0102030405060708" + "0a0b0c0d" + bytesToHex(seed));
  });

  it("differs for every change of seed, height, round or step", () => {
    const otherSeed = nextSeed(seed, new Uint8Array(64), 1n);
    const seen = new Set<string>();
    for (const s of [seed, otherSeed])
      for (const height of [0n, 1n, 256n, 2n ** 63n])
        for (const round of [0, 1, 256])
          for (const step of STEPS) seen.add(bytesToHex(sortitionAlpha(s, height, round, step)));
    expect(seen.size).toBe(2 * 4 * 3 * 3);
  });

  it("rejects values that do not fit the layout", () => {
    expect(() => sortitionAlpha(seed.subarray(0, 31), 1n, 0, "propose")).toThrow(RangeError);
    expect(() => sortitionAlpha(seed, -1n, 0, "propose")).toThrow(RangeError);
    expect(() => sortitionAlpha(seed, 2n ** 64n, 0, "propose")).toThrow(RangeError);
    expect(() => sortitionAlpha(seed, 1n, 1.5, "propose")).toThrow(RangeError);
    expect(() => sortitionAlpha(seed, 1n, 2 ** 32, "propose")).toThrow(RangeError);
    expect(() => sortitionAlpha(seed, 1n, 0, "vote" as RoleStep)).toThrow(RangeError);
  });
});

describe("role draws (drawRole / verifyRoleDraw)", () => {
  const W = 1_000n;
  const w = 300n;
  const tau = 100n; // p = 0.1: about 30 votes expected

  it("verifies its own role and counts the same votes", () => {
    const role = evaluateRole(secretKey, seed, 7n, 2, "prevote", w, W, tau);
    expect(role.proof.length).toBe(80);
    expect(role.beta.length).toBe(64);
    expect(bytesToHex(vrfProofToHash(role.proof) ?? new Uint8Array())).toBe(bytesToHex(role.beta));
    expect(role.j).toBe(sortition(role.beta, w, W, tau));
    expect(role.j).toBeGreaterThan(0n);
    const checked = verifyRole(publicKey, role.proof, seed, 7n, 2, "prevote", w, W, tau);
    expect(checked).not.toBeNull();
    expect(bytesToHex(checked?.beta ?? new Uint8Array())).toBe(bytesToHex(role.beta));
    expect(checked?.j).toBe(role.j);
  });

  it("a proof for one role never counts for another role, height, round, seed or key", () => {
    const role = evaluateRole(secretKey, seed, 7n, 2, "prevote", w, W, tau);
    const otherSeed = nextSeed(seed, role.beta, 8n);
    expect(verifyRole(publicKey, role.proof, seed, 7n, 2, "precommit", w, W, tau)).toBeNull();
    expect(verifyRole(publicKey, role.proof, seed, 7n, 2, "propose", w, W, tau)).toBeNull();
    expect(verifyRole(publicKey, role.proof, seed, 8n, 2, "prevote", w, W, tau)).toBeNull();
    expect(verifyRole(publicKey, role.proof, seed, 7n, 3, "prevote", w, W, tau)).toBeNull();
    expect(verifyRole(publicKey, role.proof, otherSeed, 7n, 2, "prevote", w, W, tau)).toBeNull();
    expect(verifyRole(otherPublicKey, role.proof, seed, 7n, 2, "prevote", w, W, tau)).toBeNull();
  });

  it("returns null (does not throw) for malformed proofs and keys from the network", () => {
    const role = evaluateRole(secretKey, seed, 1n, 0, "precommit", w, W, tau);
    expect(verifyRole(publicKey, role.proof.subarray(0, 79), seed, 1n, 0, "precommit", w, W, tau)).toBeNull();
    expect(verifyRole(new Uint8Array(32), role.proof, seed, 1n, 0, "precommit", w, W, tau)).toBeNull();
    const flipped = role.proof.slice();
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    expect(verifyRole(publicKey, flipped, seed, 1n, 0, "precommit", w, W, tau)).toBeNull();
  });

  it("uses the role alpha as the VRF message", () => {
    const role = evaluateRole(secretKey, seed, 3n, 1, "propose", w, W, tau);
    const beta = vrfVerify(publicKey, sortitionAlpha(seed, 3n, 1, "propose"), role.proof);
    expect(bytesToHex(beta ?? new Uint8Array())).toBe(bytesToHex(role.beta));
  });
});

describe("proposerPriority", () => {
  const beta = sha512(encoder.encode("some VRF output"));

  it("is the minimum of SHA-512/256(tag || beta || i) over i = 1..j, null for j = 0", () => {
    expect(proposerPriority(beta, 0n)).toBeNull();
    const tag = encoder.encode("verity/proposer-priority/v1");
    const hashes: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const counter = new Uint8Array(8);
      new DataView(counter.buffer).setBigUint64(0, BigInt(i), false);
      hashes.push(bytesToHex(sha512_256(new Uint8Array([...tag, ...beta, ...counter]))));
      const expected = [...hashes].sort()[0];
      expect(bytesToHex(proposerPriority(beta, BigInt(i)) ?? new Uint8Array())).toBe(expected);
    }
  });

  it("more sub-users never worsen the priority", () => {
    let previous = proposerPriority(beta, 1n);
    for (let j = 2n; j <= 64n; j++) {
      const current = proposerPriority(beta, j);
      expect(current).not.toBeNull();
      if (current === null || previous === null) return;
      expect(comparePriority(current, previous)).toBeLessThanOrEqual(0);
      previous = current;
    }
  });

  it("caps the number of hashed sub-users", () => {
    const atCap = proposerPriority(beta, MAX_PRIORITY_SUB_USERS);
    const beyond = proposerPriority(beta, MAX_PRIORITY_SUB_USERS * 4n);
    expect(bytesToHex(beyond ?? new Uint8Array())).toBe(bytesToHex(atCap ?? new Uint8Array(1)));
  });

  it("gives a validator with more votes proportionally more wins", () => {
    // Two validators with j = 1 and j = 3 sub-users: the second should win about 3/4 of the rounds.
    let wins = 0;
    const rounds = 2_000;
    for (let r = 0; r < rounds; r++) {
      const a = proposerPriority(sha512(encoder.encode(`a${r}`)), 1n);
      const b = proposerPriority(sha512(encoder.encode(`b${r}`)), 3n);
      if (a !== null && b !== null && comparePriority(b, a) < 0) wins++;
    }
    // Binomial(2000, 0.75): sd ~ 19.4; allow 5 sd.
    expect(Math.abs(wins - 1_500)).toBeLessThan(97);
  });

  it("comparePriority orders as big-endian unsigned numbers", () => {
    expect(comparePriority(new Uint8Array([0, 255]), new Uint8Array([1, 0]))).toBeLessThan(0);
    expect(comparePriority(new Uint8Array([2, 0]), new Uint8Array([1, 255]))).toBeGreaterThan(0);
    expect(comparePriority(new Uint8Array([7, 7]), new Uint8Array([7, 7]))).toBe(0);
  });

  it("rejects a beta of the wrong length", () => {
    expect(() => proposerPriority(new Uint8Array(32), 1n)).toThrow(RangeError);
  });
});

describe("seed chain", () => {
  it("genesisSeed is deterministic and binds the chain id and extra bytes", () => {
    const extra = encoder.encode("genesis");
    expect(bytesToHex(genesisSeed(1n, extra))).toBe(bytesToHex(genesisSeed(1n, extra)));
    expect(genesisSeed(1n, extra).length).toBe(32);
    const variants = [genesisSeed(1n, extra), genesisSeed(2n, extra), genesisSeed(1n, encoder.encode("genesiS"))];
    expect(new Set(variants.map(bytesToHex)).size).toBe(3);
    expect(() => genesisSeed(-1n, extra)).toThrow(RangeError);
  });

  it("nextSeed depends on the previous seed, the proposer's VRF output and the height", () => {
    const beta = evaluateRole(secretKey, seed, 1n, 0, "propose", 1n, 1n, 1n).beta;
    const next = nextSeed(seed, beta, 2n);
    expect(next.length).toBe(32);
    expect(bytesToHex(nextSeed(seed, beta, 2n))).toBe(bytesToHex(next));
    const otherBeta = beta.slice();
    otherBeta[0] = (otherBeta[0] ?? 0) ^ 1;
    const variants = [next, nextSeed(seed, beta, 3n), nextSeed(seed, otherBeta, 2n), nextSeed(next, beta, 2n)];
    expect(new Set(variants.map(bytesToHex)).size).toBe(4);
    expect(() => nextSeed(seed, beta.subarray(0, 32), 2n)).toThrow(RangeError);
    expect(() => nextSeed(seed.subarray(1), beta, 2n)).toThrow(RangeError);
  });

  it("chains: each height's roles derive from the seed the previous proposer fixed", () => {
    let current = seed;
    const seen = new Set<string>();
    for (let height = 1n; height <= 5n; height++) {
      const proposal = evaluateRole(secretKey, current, height, 0, "propose", 10n, 10n, 10n);
      expect(verifyRole(publicKey, proposal.proof, current, height, 0, "propose", 10n, 10n, 10n)).not.toBeNull();
      current = nextSeed(current, proposal.beta, height + 1n);
      seen.add(bytesToHex(current));
    }
    expect(seen.size).toBe(5);
  });
});
