// SIMULATION ONLY, NOT SECURE. A stand-in for ed25519 + ECVRF built from keyed hashes, so that a
// simulator can run 1000 validators in one process. Public keys are hashes of the secrets and
// "signatures" are hashes anyone holding the public key could compute: it models honest key use
// and detects corrupted or misattributed messages, nothing more. Never use it in a node.
//
// Sizes match the real scheme (32-byte keys, 64-byte signatures, 80-byte proofs, 64-byte outputs)
// so message and byte counts in the simulator are realistic.

import { createHash } from "node:crypto";
import type { ConsensusCrypto } from "./crypto.js";
import { bytesEqual } from "./bytes.js";
import { VRF_PROOF_LENGTH } from "./vrf.js";

function sha512(...parts: (string | Uint8Array)[]): Uint8Array {
  const h = createHash("sha512");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function publicFromSecret(tag: string, secret: Uint8Array): Uint8Array {
  return sha512(tag, secret).subarray(0, 32);
}

function simulatedSignature(publicKey: Uint8Array, message: Uint8Array): Uint8Array {
  return sha512("sim-sig", publicKey, message);
}

// proof = gamma (64 bytes, the hidden "VRF value") || 16-byte check tag binding it to the key.
function simulatedProof(publicKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  const gamma = sha512("sim-vrf-gamma", publicKey, alpha);
  const proof = new Uint8Array(80);
  proof.set(gamma, 0);
  proof.set(sha512("sim-vrf-check", gamma).subarray(0, 16), 64);
  return proof;
}

function simulatedOutput(proof: Uint8Array): Uint8Array {
  return sha512("sim-vrf-beta", proof.subarray(0, 64));
}

export function createSimulatedInsecureCrypto(): ConsensusCrypto {
  return {
    name: "simulated-insecure-keyed-hash",
    signingPublicKey: (secret) => publicFromSecret("sim-sign-pk", secret),
    sign: (secret, message) => simulatedSignature(publicFromSecret("sim-sign-pk", secret), message),
    verifySignature(pk, message, signature) {
      if (pk.length !== 32 || signature.length !== 64) return false;
      return bytesEqual(simulatedSignature(pk, message), signature);
    },
    vrfPublicKey: (secret) => publicFromSecret("sim-vrf-pk", secret),
    vrfProve(secret, alpha) {
      const proof = simulatedProof(publicFromSecret("sim-vrf-pk", secret), alpha);
      return { proof, output: simulatedOutput(proof) };
    },
    vrfVerify(pk, alpha, proof) {
      if (pk.length !== 32 || proof.length !== VRF_PROOF_LENGTH) return null;
      if (!bytesEqual(simulatedProof(pk, alpha), proof)) return null;
      return simulatedOutput(proof);
    },
  };
}
