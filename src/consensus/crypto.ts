// The cryptography the consensus engine needs, behind one interface so the same engine runs with
// real keys (ed25519 + ECVRF, see ed25519-ecvrf-crypto.ts) or with the fast, insecure simulated
// scheme used for 1000-validator simulations (simulated-crypto.ts).

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
  /** 80-byte VRF proof of alpha. */
  vrfProve(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array;
  /**
   * The 64-byte output of a well-formed proof WITHOUT checking it (null when malformed): only for
   * proofs this node just made itself; anything received goes through vrfVerify.
   */
  vrfProofToHash(proof: Uint8Array): Uint8Array | null;
  /** The 64-byte VRF output when the proof is valid, null otherwise; never throws. */
  vrfVerify(publicKey: Uint8Array, alpha: Uint8Array, proof: Uint8Array): Uint8Array | null;
}

/** The secret keys of one validator: a signing key and a separate VRF key. */
export interface ValidatorSecrets {
  readonly address: Uint8Array;
  readonly signingSecret: Uint8Array;
  readonly vrfSecret: Uint8Array;
}
