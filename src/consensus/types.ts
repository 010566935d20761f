// Shared consensus types: steps, validators, protocol parameters.

import { toHex } from "./bytes.js";

export type Step = "propose" | "prevote" | "precommit";
export type VoteStep = "prevote" | "precommit";

/** Order of steps inside a round; the signing guard compares (height, round, step) with it. */
export const STEP_ORDER: Record<Step, number> = { propose: 0, prevote: 1, precommit: 2 };

export const ADDRESS_LENGTH = 20;
export const HASH_LENGTH = 32;
export const SIGNING_KEY_LENGTH = 32;
export const VRF_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export interface Validator {
  /** 20-byte account address. */
  readonly address: Uint8Array;
  /** Stake in integer units; the sortition draws votes out of these. */
  readonly stake: bigint;
  /** 32-byte ed25519 public key that signs proposals and votes. */
  readonly signingKey: Uint8Array;
  /** 32-byte ECVRF public key, separate from the signing key. */
  readonly vrfKey: Uint8Array;
}

/**
 * The validators of one height, indexed by address. Immutable once built; the total stake W is the
 * denominator of the sortition's p = tau / W.
 */
export class ValidatorSet {
  readonly validators: readonly Validator[];
  readonly totalStake: bigint;
  private readonly byAddress: Map<string, Validator>;

  private constructor(validators: readonly Validator[]) {
    this.validators = validators;
    this.byAddress = new Map();
    let total = 0n;
    for (const v of validators) {
      total += v.stake;
      this.byAddress.set(toHex(v.address), v);
    }
    this.totalStake = total;
  }

  /** Checks lengths, positive stakes and unique addresses; throws on a malformed set (config error). */
  static from(validators: readonly Validator[]): ValidatorSet {
    if (validators.length === 0) throw new Error("validator set is empty");
    const seen = new Set<string>();
    for (const v of validators) {
      if (v.address.length !== ADDRESS_LENGTH) throw new Error("validator address must be 20 bytes");
      if (v.signingKey.length !== SIGNING_KEY_LENGTH) throw new Error("signing key must be 32 bytes");
      if (v.vrfKey.length !== VRF_KEY_LENGTH) throw new Error("VRF key must be 32 bytes");
      if (v.stake <= 0n) throw new Error("validator stake must be positive");
      const key = toHex(v.address);
      if (seen.has(key)) throw new Error(`duplicate validator address ${key}`);
      seen.add(key);
    }
    return new ValidatorSet(validators.map((v) => ({ ...v })));
  }

  get(address: Uint8Array): Validator | undefined {
    return this.byAddress.get(toHex(address));
  }

  getByHex(addressHex: string): Validator | undefined {
    return this.byAddress.get(addressHex);
  }

  get size(): number {
    return this.validators.length;
  }
}

/**
 * Protocol parameters every node of a chain must agree on (they decide which messages count).
 * Local tuning (timeouts, buffer sizes) lives in EngineConfig instead.
 */
export interface ConsensusParams {
  /** Bound into every signature so votes cannot be replayed on another chain. */
  readonly chainId: bigint;
  /** Expected prevote/precommit committee weight (stake units). tau >= W: everyone votes with w. */
  readonly committeeTau: bigint;
  /** Expected number of proposer draws per round; several proposers race, the lowest priority wins. */
  readonly proposerTau: bigint;
}
