// A ConsensusCrypto that remembers VRF verdicts. An ECVRF verification costs ~0.5 ms of curve
// arithmetic (libsodium; ~2 ms in pure JS), and a node meets the same proofs again and again: every
// received proposal carries the parent's commit certificate (whose precommits the node verified as
// votes a moment earlier), every local engine and every proposal of a height re-checks it, and sync
// checks each block's certificate and then, in the next block, the same precommits as its parent
// certificate. The verdict is a pure function of (public key, alpha, proof), all three part of the
// key, so a cached answer is exactly the one a fresh verification would give. Bounded: cleared when
// full.
import type { ConsensusCrypto } from "../../consensus/crypto.js";

const MAX_ENTRIES = 20_000;

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

export function memoizeVrfVerify(crypto: ConsensusCrypto, maxEntries = MAX_ENTRIES): ConsensusCrypto {
  const verdicts = new Map<string, Uint8Array | null>();
  // Lengths first, so that no two different inputs can ever concatenate to the same key.
  const keyOf = (pk: Uint8Array, alpha: Uint8Array, proof: Uint8Array) => `${pk.length}:${alpha.length}:${hex(pk)}${hex(alpha)}${hex(proof)}`;
  const remember = (key: string, verdict: Uint8Array | null) => {
    if (verdicts.size >= maxEntries) verdicts.clear();
    verdicts.set(key, verdict === null ? null : verdict.slice());
  };
  return {
    name: crypto.name,
    signingPublicKey: (secret) => crypto.signingPublicKey(secret),
    sign: (secret, message) => crypto.sign(secret, message),
    verifySignature: (pk, message, signature) => crypto.verifySignature(pk, message, signature),
    vrfPublicKey: (secret) => crypto.vrfPublicKey(secret),
    // Our own proofs are valid by construction: remember them, so that our other local engines
    // (the dev node runs four validators) take them without verifying.
    vrfProve(secret, alpha) {
      const proved = crypto.vrfProve(secret, alpha);
      remember(keyOf(crypto.vrfPublicKey(secret), alpha, proved.proof), proved.output);
      return proved;
    },
    vrfVerify(pk, alpha, proof) {
      const key = keyOf(pk, alpha, proof);
      const known = verdicts.get(key);
      if (known !== undefined) return known === null ? null : known.slice();
      const verdict = crypto.vrfVerify(pk, alpha, proof);
      remember(key, verdict);
      return verdict;
    },
  };
}
