// The cryptography the consensus engine needs, behind one interface so the same engine runs with
// real keys (ed25519 + ECVRF, see ed25519-ecvrf-crypto.ts) or with the fast, insecure simulated
// scheme used for 1000-validator simulations (simulated-crypto.ts).

import { ValidatorSet } from "./types.js";

export interface ConsensusCrypto {
  /** Human-readable scheme name, e.g. "ed25519+ecvrf-edwards25519-sha512-tai". */
  readonly name: string;
  /** 32-byte public signing key for a 32-byte secret key. */
  signingPublicKey(secretKey: Uint8Array): Uint8Array;
  /** 64-byte signature. */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Never throws: malformed keys or signatures are simply invalid. */
  verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** 32-byte VRF public key for a 32-byte VRF secret key. */
  vrfPublicKey(secretKey: Uint8Array): Uint8Array;
  /** The 80-byte VRF proof of alpha and its 64-byte output (what vrfVerify returns for it). */
  vrfProve(secretKey: Uint8Array, alpha: Uint8Array): { proof: Uint8Array; output: Uint8Array };
  /** The 64-byte VRF output when the proof is valid, null otherwise; never throws. */
  vrfVerify(publicKey: Uint8Array, alpha: Uint8Array, proof: Uint8Array): Uint8Array | null;
}

/** The secret keys of one validator: a signing key and a separate VRF key. */
export interface ValidatorSecrets {
  readonly address: Uint8Array;
  readonly signingSecret: Uint8Array;
  readonly vrfSecret: Uint8Array;
}

/** The validator set of these secrets with these stakes (index by index), public keys derived with `crypto`. */
export function validatorSetOf(crypto: ConsensusCrypto, secrets: readonly ValidatorSecrets[], stakes: readonly bigint[]): ValidatorSet {
  if (secrets.length !== stakes.length) throw new Error(`${secrets.length} validators but ${stakes.length} stakes`);
  return ValidatorSet.from(
    secrets.map((s, i) => ({
      address: s.address,
      stake: stakes[i] as bigint,
      signingKey: crypto.signingPublicKey(s.signingSecret),
      vrfKey: crypto.vrfPublicKey(s.vrfSecret),
    })),
  );
}
