// The production ConsensusCrypto: ed25519 signatures through node:crypto (OpenSSL, about ten times
// faster than a pure-JS verifier) and the RFC 9381 ECVRF on libsodium (vrf-sodium.ts; vrf.ts is
// its pure-JS reference).

import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from "node:crypto";
import type { ConsensusCrypto } from "./crypto.js";
import { concatBytes, toHex } from "./bytes.js";
import { vrfPublicKey } from "./vrf.js";
import { vrfProveWithOutput, vrfVerify } from "./vrf-sodium.js";

// DER prefixes that wrap a raw 32-byte ed25519 key (RFC 8410): PKCS#8 for the secret seed, SPKI
// for the public key. node:crypto imports raw keys only through such containers (or JWK).
const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const SPKI_ED25519_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** KeyObject caches, bounded: cleared wholesale when full (validator sets are far smaller). */
const CACHE_LIMIT = 8192;

function cached<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    v = make();
    cache.set(key, v);
  }
  return v;
}

export function createEd25519EcvrfCrypto(): ConsensusCrypto {
  const privateKeys = new Map<string, KeyObject>();
  const publicKeys = new Map<string, KeyObject | null>();
  const vrfPublicKeys = new Map<string, Uint8Array>();

  const privateKey = (secret: Uint8Array): KeyObject => {
    if (secret.length !== 32) throw new Error("ed25519 secret key must be 32 bytes");
    return cached(privateKeys, toHex(secret), () =>
      createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_ED25519_PREFIX, secret)), format: "der", type: "pkcs8" }),
    );
  };

  const publicKey = (pk: Uint8Array): KeyObject | null =>
    cached(publicKeys, toHex(pk), () => {
      try {
        return createPublicKey({ key: Buffer.from(concatBytes(SPKI_ED25519_PREFIX, pk)), format: "der", type: "spki" });
      } catch {
        return null;
      }
    });

  return {
    name: "ed25519+ecvrf-edwards25519-sha512-tai",
    signingPublicKey(secret) {
      const spki = createPublicKey(privateKey(secret)).export({ format: "der", type: "spki" });
      return new Uint8Array(spki.subarray(spki.length - 32));
    },
    sign(secret, message) {
      return new Uint8Array(nodeSign(null, message, privateKey(secret)));
    },
    verifySignature(pk, message, signature) {
      if (pk.length !== 32 || signature.length !== 64) return false;
      const key = publicKey(pk);
      if (key === null) return false;
      try {
        return nodeVerify(null, message, key, signature);
      } catch {
        return false;
      }
    },
    // A validator derives its own key at every draw (to check it against the validator set): cached.
    vrfPublicKey: (secret) => cached(vrfPublicKeys, toHex(secret), () => vrfPublicKey(secret)).slice(),
    vrfProve: (secret, alpha) => vrfProveWithOutput(secret, alpha),
    vrfVerify: (pk, alpha, proof) => vrfVerify(pk, alpha, proof),
  };
}
