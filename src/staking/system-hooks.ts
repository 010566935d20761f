// The chain's economics as system calls on the staking ledger (contracts/StakeHub.sol):
// - at genesis: the ledger's code, its parameters and the genesis validators, whose self-stake is
//   minted into it;
// - after every block's transactions: the block reward is minted (the foundation's share to the
//   foundation, the rest to the ledger) and the signers of the certificate the block carries are
//   recorded; at the last block of an epoch the ledger closes the epoch (rewards shared out,
//   absentees jailed; what it forfeits is burned from its balance), and the node hands it the set
//   of epoch e + 2, chosen from its candidates (next-set.ts).
// Proposer and validators run this same code on the same state, so their roots agree.
import { bytesToHex, equalsBytes, hexToBytes } from "@ethereumjs/util";
import { decodeCommitCertificate } from "../consensus/certificate.js";
import { decodeEvidence } from "../consensus/evidence.js";
import type { ConsensusCrypto } from "../consensus/crypto.js";
import type { EndOfBlockHook } from "../evm/executor.js";
import type { GenesisInit } from "../evm/genesis-state.js";
import { STAKE_HUB_ADDRESS, STAKE_UNIT_WEI } from "../primitives/staking.js";
import type { Address20, Genesis } from "../primitives/types.js";
import { LruCache } from "../util/lru.js";
import { isEpochEnd } from "./epochs.js";
import { chooseNextSet } from "./next-set.js";
import { verifyPossession } from "./proof-of-possession.js";
import { offenceOf } from "./evidence.js";
import { blockReward, splitReward } from "./rewards.js";
import { STAKE_HUB_RUNTIME_CODE } from "./stake-hub-artifact.js";
import { stakeHubCalls, stakeHubResults, type Candidate } from "./stake-hub.js";
import { vestingGenesisInit } from "./vesting.js";

/** Deploys and initialises the staking ledger (and the vesting ledger, if the genesis vests coins) in the genesis state. */
export function stakingGenesisInit(genesis: Genesis): GenesisInit {
  return async (calls) => {
    await calls.putCode(STAKE_HUB_ADDRESS, hexToBytes(STAKE_HUB_RUNTIME_CODE as `0x${string}`));
    const minted = genesis.validators.reduce((s, v) => s + v.stake * STAKE_UNIT_WEI, 0n);
    await calls.call(STAKE_HUB_ADDRESS, stakeHubCalls.initialize(genesis.staking, genesis.params.committeeSize, genesis.validators), minted);
    await vestingGenesisInit(calls, genesis.vesting);
  };
}

/** The signers of an encoded certificate (none at height 1, whose block carries no certificate). */
function signersOf(lastCommit: Uint8Array | undefined): Address20[] {
  if (lastCommit === undefined || lastCommit.length === 0) return [];
  const decoded = decodeCommitCertificate(lastCommit);
  // The block's rules verified the certificate before execution; an undecodable one cannot get here.
  if (!decoded.ok) throw new Error(`the block's certificate does not decode: ${decoded.error}`);
  return decoded.value.precommits.map((p) => p.voter);
}

export function stakingEndOfBlock(genesis: Genesis, crypto: ConsensusCrypto): EndOfBlockHook {
  const p = genesis.staking;
  const chainId = genesis.params.chainId;
  // A candidate's proof is checked once per (address, keys, proof), not at every epoch end.
  const verdicts = new LruCache<string, boolean>(4_096);
  const isGenesisValidator = (c: Candidate): boolean =>
    genesis.validators.some((v) => equalsBytes(v.address, c.address) && equalsBytes(v.signingKey, c.signingKey) && equalsBytes(v.vrfKey, c.vrfKey));
  const hasValidProof = (c: Candidate): boolean => {
    if (c.proofOfPossession.length === 0) return isGenesisValidator(c);
    const key = `${bytesToHex(c.address)}${bytesToHex(c.signingKey)}${bytesToHex(c.vrfKey)}${bytesToHex(c.proofOfPossession)}`;
    let ok = verdicts.get(key);
    if (ok === undefined) {
      ok = verifyPossession(crypto, chainId, c.address, c.signingKey, c.vrfKey, c.proofOfPossession);
      verdicts.set(key, ok);
    }
    return ok;
  };

  return async (env, calls) => {
    const { foundation, validators } = splitReward(blockReward(env.number, p), p);
    if (foundation > 0n) await calls.credit(p.foundation, foundation);
    if (validators > 0n) await calls.credit(STAKE_HUB_ADDRESS, validators);
    await calls.call(STAKE_HUB_ADDRESS, stakeHubCalls.onBlock(validators, signersOf(env.lastCommit)));
    // Evidence the block carries was verified by the consensus layer before the block was accepted.
    for (const bytes of env.evidence ?? []) {
      const decoded = decodeEvidence(bytes);
      if (!decoded.ok) throw new Error(`the block's evidence does not decode: ${decoded.error}`);
      const { offender, height } = offenceOf(decoded.value);
      const burned = stakeHubResults.burned("slash", await calls.call(STAKE_HUB_ADDRESS, stakeHubCalls.slash(offender, height)));
      if (burned > 0n) await calls.debit(STAKE_HUB_ADDRESS, burned);
    }
    if (!isEpochEnd(env.number, p.epochLength)) return;
    const burned = stakeHubResults.burned("endEpoch", await calls.call(STAKE_HUB_ADDRESS, stakeHubCalls.endEpoch()));
    if (burned > 0n) await calls.debit(STAKE_HUB_ADDRESS, burned);
    const candidates = stakeHubResults.candidates(await calls.call(STAKE_HUB_ADDRESS, stakeHubCalls.candidates()));
    // Stake below one unit counts for nothing in sortition: such a candidate would be a member with no weight.
    const eligible = candidates.filter((c) => c.stakeWei >= STAKE_UNIT_WEI);
    const next = chooseNextSet(eligible, p.maxValidators, hasValidProof);
    await calls.call(STAKE_HUB_ADDRESS, stakeHubCalls.commitNextSet(next.map((c) => c.address)));
  };
}
