// Native secp256k1 public-key recovery for transaction senders and the ECRECOVER precompile.
// Sender recovery bounds throughput: @noble/curves recovers ~765 keys/s on one core, the native
// `secp256k1` binding (libsecp256k1 via N-API) ~17,000/s. When the native module cannot load (an
// unsupported platform), we fall back to noble, which @ethereumjs uses by default.
import { createRequire } from "node:module";
import { secp256k1 as nobleSecp } from "@noble/curves/secp256k1.js";
import { AccessList2930Tx, Blob4844Tx, EOACode7702Tx, FeeMarket1559Tx, LegacyTx, type TypedTransaction } from "@ethereumjs/tx";
import { Address, SECP256K1_ORDER_DIV_2, bigIntToUnpaddedBytes } from "@ethereumjs/util";
import { signingMessageOf } from "../primitives/encoding.js";
import { keccak256 } from "../primitives/hash.js";

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
}

function loadNative(): NativeSecp256k1 | null {
  try {
    const require = createRequire(import.meta.url);
    // The package's index picks the compiled binding and only falls back to pure JS (elliptic) when
    // the binding is missing; we want the binding or nothing.
    const native = require("secp256k1/bindings") as NativeSecp256k1;
    return native;
  } catch {
    return null;
  }
}

const native = loadNative();

/** Which implementation recovers senders: reported at startup and by the benchmarks. */
export const secp256k1Backend: "native" | "noble" = native ? "native" : "noble";

function recoveryId(v: bigint, chainId: bigint | undefined): number {
  let rec: bigint;
  if (v === 0n || v === 1n) rec = v;
  else if (chainId === undefined) rec = v - 27n;
  else rec = v - (chainId * 2n + 35n);
  if (rec !== 0n && rec !== 1n) throw new Error("Invalid signature v value");
  return Number(rec);
}

function pad32(b: Uint8Array): Uint8Array {
  if (b.length === 32) return b;
  if (b.length > 32) throw new Error("Invalid signature: r or s longer than 32 bytes");
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
}

/** 65-byte uncompressed public key (0x04 prefix) from a 64-byte compact signature. */
export function ecdsaRecover(sig64: Uint8Array, recid: number, msgHash: Uint8Array): Uint8Array {
  if (native) return native.ecdsaRecover(sig64, recid, msgHash, false);
  const sig = nobleSecp.Signature.fromBytes(sig64, "compact").addRecoveryBit(recid);
  return sig.recoverPublicKey(msgHash).toBytes(false);
}

/** @ethereumjs Common's customCrypto.ecrecover: the 64-byte public key (no prefix). */
export function ecrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Uint8Array {
  const sig = new Uint8Array(64);
  sig.set(pad32(r), 0);
  sig.set(pad32(s), 32);
  return ecdsaRecover(sig, recoveryId(v, chainId), msgHash).subarray(1);
}

/** The Ethereum address of an uncompressed public key (64 bytes, no prefix). */
export function publicKeyToAddress(pub64: Uint8Array): Uint8Array {
  return keccak256(pub64).subarray(12);
}

/** Sender addresses of frozen transactions, hashed once (recoverSenderAddress hands out copies). */
const senderAddresses = new WeakMap<TypedTransaction, Uint8Array>();

/**
 * The address of a decoded transaction's sender. Its public key is recovered once and kept where
 * @ethereumjs keeps it (TransactionCache.senderPubKey of a frozen transaction, which execution reads
 * again); for typed transactions with a remembered network form, from the signed message cut out of
 * that form (primitives/encoding.ts signingMessageOf) rather than re-encoded, with the checks
 * getSenderPublicKey makes (EIP-2's lower-half s, then recovery). The address is hashed here with
 * the chain's keccak, where getSenderAddress() uses @noble's (about twice as slow). Throws when the
 * transaction is unsigned or its signature recovers no key.
 */
export function recoverSenderAddress(tx: TypedTransaction): Uint8Array {
  // A frozen transaction cannot change: its address is hashed once (admission, then runTx, then RPC).
  const frozen = Object.isFrozen(tx);
  const known = frozen ? senderAddresses.get(tx) : undefined;
  if (known !== undefined) return known.slice();
  let pub = tx.cache.senderPubKey;
  if (pub === undefined) {
    const message = frozen ? signingMessageOf(tx) : undefined;
    if (message === undefined) pub = tx.getSenderPublicKey();
    else {
      const input = recoveryInput(tx, message);
      pub = ecdsaRecover(input.signature, input.recoveryId, input.messageHash).subarray(1);
      tx.cache.senderPubKey = pub;
    }
  }
  const address = publicKeyToAddress(pub);
  if (frozen) senderAddresses.set(tx, address.slice());
  return address;
}

/** What recovering a sender's key takes, for a worker thread (sender-recovery.ts). */
export interface RecoveryInput {
  readonly messageHash: Uint8Array;
  /** r and s, 32 bytes each. */
  readonly signature: Uint8Array;
  readonly recoveryId: number;
}

/**
 * The recovery of a frozen transaction's sender key as plain bytes (for a worker thread); null when
 * its key is known already or when it should take recoverSenderAddress's own path: a transaction
 * that is not frozen, has no remembered signed message, or fails a check (that path throws the error).
 */
export function recoveryInputOf(tx: TypedTransaction): RecoveryInput | null {
  if (!Object.isFrozen(tx) || tx.cache.senderPubKey !== undefined) return null;
  const message = signingMessageOf(tx);
  if (message === undefined) return null;
  try {
    return recoveryInput(tx, message);
  } catch {
    return null;
  }
}

/** What recovering the key of `tx` signed over `message` takes, after the checks getSenderPublicKey
 * makes first (signed, EIP-2's lower-half s, a valid v, r and s of at most 32 bytes); throws theirs. */
function recoveryInput(tx: TypedTransaction, message: Uint8Array): RecoveryInput {
  const { v, r, s } = tx;
  if (v === undefined || r === undefined || s === undefined) throw new Error("transaction is not signed");
  if (s > SECP256K1_ORDER_DIV_2) throw new Error("Invalid Signature: s-values greater than secp256k1n/2 are considered invalid");
  const signature = new Uint8Array(64);
  signature.set(pad32(bigIntToUnpaddedBytes(r)), 0);
  signature.set(pad32(bigIntToUnpaddedBytes(s)), 32);
  return { messageHash: keccak256(message), signature, recoveryId: recoveryId(v, tx.common.chainId()) };
}

/** Keeps a key recovered elsewhere (65 bytes, 0x04 prefix) where recoverSenderAddress looks first. */
export function adoptRecoveredPublicKey(tx: TypedTransaction, uncompressed: Uint8Array): void {
  if (uncompressed.length !== 65 || uncompressed[0] !== 0x04) return;
  tx.cache.senderPubKey = uncompressed.slice(1);
}

/** The sender of a decoded transaction as an @ethereumjs Address (a fresh copy: callers own it). */
export function senderAddressOf(tx: TypedTransaction): Address {
  return new Address(recoverSenderAddress(tx));
}

/**
 * runTx asks every transaction for getSenderAddress(), which hashes the cached public key again with
 * @noble's keccak (~3 % of a validator's CPU under load). The transaction classes' method is
 * replaced by senderAddressOf for frozen transactions, which this node always executes; an object
 * that overrides the method itself (evm/call.ts) keeps its own. Installed once, when this module loads.
 */
function installSenderAddressCache(): void {
  for (const cls of [LegacyTx, AccessList2930Tx, FeeMarket1559Tx, Blob4844Tx, EOACode7702Tx]) {
    const proto = cls.prototype as { getSenderAddress(this: TypedTransaction): Address };
    const original = proto.getSenderAddress;
    proto.getSenderAddress = function getSenderAddress(this: TypedTransaction): Address {
      return Object.isFrozen(this) ? senderAddressOf(this) : original.call(this);
    };
  }
}
installSenderAddressCache();
