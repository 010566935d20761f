// Proof of possession of a validator's two keys, checked by the node when it builds a snapshot
// (Solidity cannot verify ed25519 cheaply): an ed25519 signature by the signing key and an ECVRF
// proof by the VRF key, both over the same message binding the chain, the operator and both keys.
// Without it an operator could register someone else's public key (a rogue-key or key-copy attack).
// Encoding: signature (64 bytes) || VRF proof (80 bytes) = 144 bytes.
import type { ConsensusCrypto } from "../consensus/crypto.js";
import { VRF_PROOF_LENGTH } from "../consensus/vrf.js";
import { SIGNATURE_LENGTH } from "../consensus/types.js";

export const PROOF_OF_POSSESSION_LENGTH = SIGNATURE_LENGTH + VRF_PROOF_LENGTH;
const TAG = new TextEncoder().encode("verity/proof-of-possession/v1");

/** tag || chainId (8 bytes BE) || operator (20) || signingKey (32) || vrfKey (32). */
export function possessionMessage(chainId: bigint, operator: Uint8Array, signingKey: Uint8Array, vrfKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(TAG.length + 8 + 20 + 32 + 32);
  out.set(TAG, 0);
  let o = TAG.length;
  for (let i = 7; i >= 0; i--) out[o + 7 - i] = Number((chainId >> BigInt(i * 8)) & 0xffn);
  o += 8;
  out.set(operator, o);
  out.set(signingKey, o + 20);
  out.set(vrfKey, o + 52);
  return out;
}

export function provePossession(crypto: ConsensusCrypto, chainId: bigint, operator: Uint8Array, signingSecret: Uint8Array, vrfSecret: Uint8Array): Uint8Array {
  const message = possessionMessage(chainId, operator, crypto.signingPublicKey(signingSecret), crypto.vrfPublicKey(vrfSecret));
  const out = new Uint8Array(PROOF_OF_POSSESSION_LENGTH);
  out.set(crypto.sign(signingSecret, message), 0);
  out.set(crypto.vrfProve(vrfSecret, message).proof, SIGNATURE_LENGTH);
  return out;
}

/** Never throws: a malformed key or proof is simply not a proof. */
export function verifyPossession(crypto: ConsensusCrypto, chainId: bigint, operator: Uint8Array, signingKey: Uint8Array, vrfKey: Uint8Array, proof: Uint8Array): boolean {
  if (proof.length !== PROOF_OF_POSSESSION_LENGTH || signingKey.length !== 32 || vrfKey.length !== 32) return false;
  const message = possessionMessage(chainId, operator, signingKey, vrfKey);
  try {
    return crypto.verifySignature(signingKey, message, proof.subarray(0, SIGNATURE_LENGTH)) && crypto.vrfVerify(vrfKey, message, proof.subarray(SIGNATURE_LENGTH)) !== null;
  } catch {
    return false;
  }
}
