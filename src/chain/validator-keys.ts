// A validator's key material: an ed25519 key that signs consensus messages, a separate ECVRF key for
// sortition (RFC 9381 warns against reusing one key across schemes), and the address that receives
// its fees. Stored as JSON in the data dir; the dev chain derives its validators deterministically.
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { keccak256 } from "../primitives/hash.js";
import type { GenesisValidator } from "../primitives/types.js";

export interface ValidatorKeys {
  address: Uint8Array;
  signingSecretKey: Uint8Array;
  vrfSecretKey: Uint8Array;
}

export function signingPublicKey(secret: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secret);
}

/** ECVRF-EDWARDS25519-SHA512-TAI derives its public key exactly like EdDSA (RFC 9381 5.1 step 1). */
export function vrfPublicKeyOf(secret: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secret);
}

export function keysFromSeed(seed: Uint8Array): ValidatorKeys {
  const enc = new TextEncoder();
  const signingSecretKey = keccak256(new Uint8Array([...enc.encode("verity/signing/"), ...seed]));
  const vrfSecretKey = keccak256(new Uint8Array([...enc.encode("verity/vrf/"), ...seed]));
  const address = keccak256(signingPublicKey(signingSecretKey)).subarray(12);
  return { address, signingSecretKey, vrfSecretKey };
}

/** Deterministic dev validator i: the same on every machine, so the dev genesis is fixed. */
export function devValidatorKeys(i: number): ValidatorKeys {
  return keysFromSeed(new TextEncoder().encode(`verity dev validator ${i}`));
}

export function genesisValidatorOf(keys: ValidatorKeys, stake: bigint): GenesisValidator {
  return { address: keys.address, stake, signingKey: signingPublicKey(keys.signingSecretKey), vrfKey: vrfPublicKeyOf(keys.vrfSecretKey) };
}

export function validatorKeysToJson(k: ValidatorKeys): string {
  return (
    JSON.stringify(
      { address: bytesToHex(k.address), signingSecretKey: bytesToHex(k.signingSecretKey), vrfSecretKey: bytesToHex(k.vrfSecretKey) },
      null,
      2,
    ) + "\n"
  );
}

export function validatorKeysFromJson(text: string, source: string): ValidatorKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const get = (name: string, len: number): Uint8Array => {
    const v = (raw as Record<string, unknown>)[name];
    if (typeof v !== "string" || !/^0x[0-9a-fA-F]*$/.test(v) || (v.length - 2) / 2 !== len)
      throw new Error(`${source}: ${name}: expected ${len} bytes of 0x-hex`);
    return hexToBytes(v as `0x${string}`);
  };
  return { address: get("address", 20), signingSecretKey: get("signingSecretKey", 32), vrfSecretKey: get("vrfSecretKey", 32) };
}
