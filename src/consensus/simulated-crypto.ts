// SIMULATION ONLY, NOT SECURE. A stand-in for ed25519 + ECVRF built from keyed hashes, so that a
// simulator can run 1000 validators in one process. Public keys are hashes of the secrets and
// "signatures" are hashes anyone holding the public key could compute: it models honest key use
// and detects corrupted or misattributed messages, nothing more. Never use it in a node.
//
// Sizes match the real scheme (32-byte keys, 64-byte signatures, 80-byte proofs, 64-byte outputs)
// so message and byte counts in the simulator are realistic.

import { hash } from "node:crypto";
import type { ConsensusCrypto } from "./crypto.js";
import { bytesEqual } from "./bytes.js";
import { VRF_PROOF_LENGTH } from "./vrf.js";

const TAGS = new Map<string, Uint8Array>();

function tagBytes(tag: string): Uint8Array {
  let bytes = TAGS.get(tag);
  if (bytes === undefined) {
    bytes = new TextEncoder().encode(tag);
    TAGS.set(tag, bytes);
  }
  return bytes;
}

let scratch = new Uint8Array(1024);

/**
 * sha512(tag || parts...): the same digest as createHash("sha512").update(tag).update(...), in one
 * native call over one buffer (a simulated run hashes hundreds of thousands of short messages, where
 * the per-call cost of a Hash object outweighs the hashing).
 */
function sha512(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const prefix = tagBytes(tag);
  let length = prefix.length;
  for (const p of parts) length += p.length;
  // One scratch buffer for every input (hashing is synchronous): no pooled Buffer per call.
  if (scratch.length < length) scratch = new Uint8Array(Math.max(length, 2 * scratch.length));
  const input = scratch.subarray(0, length);
  input.set(prefix, 0);
  let at = prefix.length;
  for (const p of parts) {
    input.set(p, at);
    at += p.length;
  }
  return new Uint8Array(hash("sha512", input, "buffer"));
}

/** Per tag: public keys by secret array, with a copy of the secret (reused only while the secret's bytes are unchanged). */
const publicKeys = new Map<string, WeakMap<Uint8Array, { readonly secret: Uint8Array; readonly key: Uint8Array }>>();

/**
 * Every own signature and VRF draw derives the public key from the secret (and drawRole checks the
 * VRF key against it): one hash per secret and tag instead of one per use.
 */
function publicFromSecret(tag: string, secret: Uint8Array): Uint8Array {
  let byTag = publicKeys.get(tag);
  if (byTag === undefined) {
    byTag = new WeakMap();
    publicKeys.set(tag, byTag);
  }
  const known = byTag.get(secret);
  if (known !== undefined && bytesEqual(known.secret, secret)) return known.key;
  const key = sha512(tag, secret).slice(0, 32);
  byTag.set(secret, { secret: secret.slice(), key });
  return key;
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
    signingPublicKey: (secret) => publicFromSecret("sim-sign-pk", secret).slice(),
    sign: (secret, message) => simulatedSignature(publicFromSecret("sim-sign-pk", secret), message),
    verifySignature(pk, message, signature) {
      if (pk.length !== 32 || signature.length !== 64) return false;
      return bytesEqual(simulatedSignature(pk, message), signature);
    },
    // A copy: drawRole's check reads it, a validator set keeps it, the cache's own stays untouched.
    vrfPublicKey: (secret) => publicFromSecret("sim-vrf-pk", secret).slice(),
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
