// Shared helpers for the consensus tests: deterministic validator keys, message crafting on behalf
// of any validator, and running events through an engine.

import { createHash } from "node:crypto";
import { drawRole, type RoleContext } from "../../src/consensus/committee.js";
import { validatorSetOf, type ConsensusCrypto, type ValidatorSecrets } from "../../src/consensus/crypto.js";
import { ConsensusEngine } from "../../src/consensus/engine.js";
import type { ConsensusAction, ConsensusEvent } from "../../src/consensus/engine-types.js";
import { signProposal, signVote, type Proposal, type Vote } from "../../src/consensus/messages.js";
import type { TimeoutConfig } from "../../src/consensus/timeouts.js";
import { ValidatorSet, type ConsensusParams, type VoteStep } from "../../src/consensus/types.js";
import { makeHeightContext } from "../../src/consensus/verify.js";

export function sha256(...parts: (string | Uint8Array)[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export interface TestValidators {
  readonly secrets: ValidatorSecrets[];
  readonly set: ValidatorSet;
}

export function makeValidators(crypto: ConsensusCrypto, stakes: readonly bigint[], tag = "v"): TestValidators {
  const secrets: ValidatorSecrets[] = stakes.map((_, i) => ({
    address: sha256(`${tag}-address-${i}`).subarray(0, 20),
    signingSecret: sha256(`${tag}-signing-${i}`),
    vrfSecret: sha256(`${tag}-vrf-${i}`),
  }));
  return { secrets, set: validatorSetOf(crypto, secrets, stakes) };
}

export const CHAIN_ID = 4242n;
export const SEED = sha256("test-seed");

/** Everyone votes with its stake (tau >= W) and everyone proposes (proposerTau >= W). */
export function classicParams(): ConsensusParams {
  return { chainId: CHAIN_ID, committeeTau: 1_000_000n, proposerTau: 1_000_000n };
}

export const FAST_TIMEOUTS: TimeoutConfig = {
  proposeMs: 100,
  proposeDeltaMs: 50,
  prevoteMs: 100,
  prevoteDeltaMs: 50,
  precommitMs: 100,
  precommitDeltaMs: 50,
};

export function roleContext(crypto: ConsensusCrypto, params: ConsensusParams, set: ValidatorSet, height: number, seed = SEED): RoleContext {
  return makeHeightContext(crypto, params, set, seed, height);
}

/** Crafts messages signed by validator i with a genuine VRF proof for its role. */
export class MessageFactory {
  constructor(
    readonly crypto: ConsensusCrypto,
    readonly params: ConsensusParams,
    readonly validators: TestValidators,
    readonly seed = SEED,
  ) {}

  weight(i: number, height: number, round: number, step: "propose" | VoteStep): bigint {
    const s = this.validators.secrets[i] as ValidatorSecrets;
    const v = this.validators.set.get(s.address);
    if (v === undefined) throw new Error("no such validator");
    const ctx = roleContext(this.crypto, this.params, this.validators.set, height, this.seed);
    return drawRole(ctx, s.vrfSecret, v.vrfKey, v.stake, round, step).weight;
  }

  private proof(i: number, height: number, round: number, step: "propose" | VoteStep): Uint8Array {
    const s = this.validators.secrets[i] as ValidatorSecrets;
    const v = this.validators.set.get(s.address);
    if (v === undefined) throw new Error("no such validator");
    const ctx = roleContext(this.crypto, this.params, this.validators.set, height, this.seed);
    return drawRole(ctx, s.vrfSecret, v.vrfKey, v.stake, round, step).proof;
  }

  vote(i: number, step: VoteStep, height: number, round: number, valueHash: Uint8Array | null): Vote {
    return signVote(this.crypto, this.params.chainId, this.validators.secrets[i] as ValidatorSecrets, {
      step,
      height,
      round,
      valueHash,
      vrfProof: this.proof(i, height, round, step),
    });
  }

  proposal(i: number, height: number, round: number, value: Uint8Array, validRound = -1): Proposal {
    return signProposal(this.crypto, this.params.chainId, this.validators.secrets[i] as ValidatorSecrets, {
      height,
      round,
      validRound,
      valueHash: blockHash(value),
      value,
      vrfProof: this.proof(i, height, round, "propose"),
    });
  }
}

/** Test blocks are opaque bytes hashed with sha256. */
export function blockHash(value: Uint8Array): Uint8Array {
  return sha256("block", value);
}

/**
 * Feeds events to an engine and answers its driver requests synchronously (BuildProposal with a
 * block named after the round, ValidateBlock by checking the hash and an "invalid" marker), keeping
 * every action for inspection.
 */
export class EngineHarness {
  readonly actions: ConsensusAction[] = [];

  constructor(readonly engine: ConsensusEngine) {}

  send(event: ConsensusEvent): ConsensusAction[] {
    const produced: ConsensusAction[] = [];
    const queue: ConsensusEvent[] = [event];
    for (let i = 0; i < 1000 && queue.length > 0; i++) {
      const next = queue.shift() as ConsensusEvent;
      for (const a of this.engine.handle(next)) {
        produced.push(a);
        if (a.type === "BuildProposal") {
          const value = new TextEncoder().encode(`block h${a.height} r${a.round}`);
          queue.push({ type: "ProposalBuilt", height: a.height, round: a.round, value, hash: blockHash(value) });
        } else if (a.type === "ValidateBlock") {
          const text = new TextDecoder().decode(a.value);
          const hashOk = Buffer.compare(Buffer.from(blockHash(a.value)), Buffer.from(a.hash)) === 0;
          queue.push({ type: "BlockValidated", height: a.height, hash: a.hash, valid: hashOk && !text.includes("invalid") });
        }
      }
    }
    this.actions.push(...produced);
    return produced;
  }

  broadcasts(from: ConsensusAction[] = this.actions): (Proposal | Vote)[] {
    return from.flatMap((a) => (a.type === "Broadcast" ? [a.message] : []));
  }

  votes(step: VoteStep, from: ConsensusAction[] = this.actions): Vote[] {
    return this.broadcasts(from).filter((m): m is Vote => m.kind === "vote" && m.step === step);
  }
}

/** Four validators of equal stake under the classic parameters, with simulated crypto and a message factory. */
export function fourEqualValidators(crypto: ConsensusCrypto): { params: ConsensusParams; vals: ReturnType<typeof makeValidators>; factory: MessageFactory } {
  const params = classicParams();
  const vals = makeValidators(crypto, [1n, 1n, 1n, 1n]);
  return { params, vals, factory: new MessageFactory(crypto, params, vals) };
}
