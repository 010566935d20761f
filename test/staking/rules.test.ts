// The staking room's pure rules: the reward schedule (wei-exact, across era boundaries), epoch
// arithmetic, the choice of the next set, and the proof of possession of a validator's two keys
// (with the real ed25519 and RFC 9381 ECVRF implementations).
import { bytesToHex } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";
import { keysFromSeed, signingPublicKey, vrfPublicKeyOf } from "../../src/chain/validator-keys.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { defaultStakingParams, STAKE_UNIT_WEI, TOTAL_BLOCK_REWARDS_WEI } from "../../src/primitives/staking.js";
import { epochOf, firstHeightOf, isEpochEnd, snapshotHeightOf } from "../../src/staking/epochs.js";
import { chooseNextSet } from "../../src/staking/next-set.js";
import { PROOF_OF_POSSESSION_LENGTH, provePossession, verifyPossession } from "../../src/staking/proof-of-possession.js";
import { blockReward, mintedThrough, splitReward } from "../../src/staking/rewards.js";
import type { Candidate } from "../../src/staking/stake-hub.js";

const foundation = new Uint8Array(20).fill(0xf0);

describe("block rewards", () => {
  it("defaults to R0 = floor(280,000,000 coins / (2 x 157,788,000)) at 1 s blocks, 3 % to the foundation", () => {
    const p = defaultStakingParams(1, foundation);
    expect(p.halvingInterval).toBe(157_788_000n);
    expect(p.initialBlockReward).toBe(TOTAL_BLOCK_REWARDS_WEI / 315_576_000n);
    // 280e24 / 315,576,000, computed outside the code under test (python3 integer division).
    expect(p.initialBlockReward).toBe(887_266_458_792_810_606n);
    expect(blockReward(1n, p)).toBe(p.initialBlockReward);
    expect(splitReward(1_000_000n, p)).toEqual({ foundation: 30_000n, validators: 970_000n });
    // 5 s blocks: a fifth of the heights per era, five times the reward per block.
    const slow = defaultStakingParams(5, foundation);
    expect(slow.halvingInterval).toBe(31_557_600n);
    expect(slow.initialBlockReward).toBe(TOTAL_BLOCK_REWARDS_WEI / (2n * 31_557_600n));
  });

  it("halves by a shift at each era boundary and never mints at height 0", () => {
    const p = { initialBlockReward: 1_000_000_000_000_000_001n, halvingInterval: 10n, rewardStartHeight: 1n };
    expect(blockReward(0n, p)).toBe(0n);
    expect(blockReward(10n, p)).toBe(1_000_000_000_000_000_001n);
    expect(blockReward(11n, p)).toBe(500_000_000_000_000_000n);
    expect(blockReward(21n, p)).toBe(250_000_000_000_000_000n);
    expect(blockReward(10n * 300n, p)).toBe(0n);
  });

  it("mintedThrough is the sum of every height's reward (closed form over eras), and stays under the cap", () => {
    const p = { initialBlockReward: 12_345_678_901n, halvingInterval: 7n, rewardStartHeight: 3n };
    let sum = 0n;
    for (let h = 0n; h <= 200n; h++) {
      sum += blockReward(h, p);
      expect(mintedThrough(h, p)).toBe(sum);
    }
    const d = defaultStakingParams(1, foundation);
    expect(mintedThrough(d.halvingInterval * 300n, d) <= TOTAL_BLOCK_REWARDS_WEI).toBe(true);
    expect(mintedThrough(d.halvingInterval * 300n, d) > (TOTAL_BLOCK_REWARDS_WEI * 99n) / 100n).toBe(true);
  });
});

describe("epochs", () => {
  it("numbers heights 1..L as epoch 0 and reads epoch e's set at the end of epoch e - 2", () => {
    expect(epochOf(1n, 8n)).toBe(0n);
    expect(epochOf(8n, 8n)).toBe(0n);
    expect(epochOf(9n, 8n)).toBe(1n);
    expect(isEpochEnd(8n, 8n)).toBe(true);
    expect(isEpochEnd(9n, 8n)).toBe(false);
    expect(isEpochEnd(0n, 8n)).toBe(false);
    expect(firstHeightOf(2n, 8n)).toBe(17n);
    expect(snapshotHeightOf(0n, 8n)).toBe(0n);
    expect(snapshotHeightOf(1n, 8n)).toBe(0n);
    expect(snapshotHeightOf(2n, 8n)).toBe(8n);
    expect(snapshotHeightOf(5n, 8n)).toBe(32n);
    expect(() => epochOf(0n, 8n)).toThrow(RangeError);
  });
});

const candidate = (i: number, stakeCoins: bigint, keyOf = i): Candidate => ({
  address: new Uint8Array(20).fill(i),
  stakeWei: stakeCoins * STAKE_UNIT_WEI,
  signingKey: new Uint8Array(32).fill(keyOf),
  vrfKey: new Uint8Array(32).fill(100 + keyOf),
  proofOfPossession: new Uint8Array(PROOF_OF_POSSESSION_LENGTH),
});

describe("the next set", () => {
  it("is the top N by stake, ties by address, without invalid proofs or reused keys", () => {
    const cands = [candidate(5, 10n), candidate(3, 30n), candidate(4, 30n), candidate(2, 50n), candidate(9, 40n), candidate(7, 20n, 2)];
    const invalid = new Set([bytesToHex(new Uint8Array(20).fill(9))]);
    const chosen = chooseNextSet(cands, 4, (c) => !invalid.has(bytesToHex(c.address)));
    // 9 has the second-highest stake but no valid proof; 7 reuses 2's keys; 3 and 4 tie on stake.
    expect(chosen.map((c) => c.address[0])).toEqual([2, 3, 4, 5]);
    expect(chooseNextSet(cands, 2, () => true).map((c) => c.address[0])).toEqual([2, 9]);
    // The input order does not matter.
    expect(chooseNextSet([...cands].reverse(), 4, (c) => !invalid.has(bytesToHex(c.address)))).toEqual(chosen);
  });
});

describe("proof of possession", () => {
  const crypto = createEd25519EcvrfCrypto();
  const keys = keysFromSeed(new TextEncoder().encode("pop test"));
  const operator = new Uint8Array(20).fill(0xab);
  const signingKey = signingPublicKey(keys.signingSecretKey);
  const vrfKey = vrfPublicKeyOf(keys.vrfSecretKey);
  const proof = provePossession(crypto, 31337n, operator, keys.signingSecretKey, keys.vrfSecretKey);

  it("verifies for the keys, operator and chain it was made for, and for nothing else", () => {
    expect(proof.length).toBe(144);
    expect(verifyPossession(crypto, 31337n, operator, signingKey, vrfKey, proof)).toBe(true);
    expect(verifyPossession(crypto, 1n, operator, signingKey, vrfKey, proof)).toBe(false);
    expect(verifyPossession(crypto, 31337n, new Uint8Array(20).fill(0xac), signingKey, vrfKey, proof)).toBe(false);
    const other = keysFromSeed(new TextEncoder().encode("someone else"));
    // Someone else's VRF key with my signing key: the VRF half cannot verify.
    expect(verifyPossession(crypto, 31337n, operator, signingKey, vrfPublicKeyOf(other.vrfSecretKey), proof)).toBe(false);
    for (const at of [0, 63, 64, 143]) {
      const tampered = proof.slice();
      tampered[at]! ^= 1;
      expect(verifyPossession(crypto, 31337n, operator, signingKey, vrfKey, tampered)).toBe(false);
    }
    expect(verifyPossession(crypto, 31337n, operator, signingKey, vrfKey, proof.subarray(0, 143))).toBe(false);
    expect(verifyPossession(crypto, 31337n, operator, new Uint8Array(31), vrfKey, proof)).toBe(false);
  });
});
