// keccak-256, the chain's one hash function, behind one name: trie nodes, transaction hashes, the
// tries' keys, blooms, and (through Common.customCrypto) @ethereumjs's own hashing all come here.
//
// The permutation runs in WebAssembly (hash-wasm's Keccak, 64-bit lanes in i64 registers, which
// JavaScript does not have): 0.9 µs for 32 bytes and 2.5 µs for a 532-byte branch node on this
// machine, against 2.6 and 9.9 µs for the unrolled JavaScript permutation it replaced and 5.6 and
// 20 µs for @noble/hashes' keccak_256. Hashing trie nodes was 5-6 % of a loaded validator's CPU.
// test/primitives/hash.test.ts checks the result against published digests and against
// @noble/hashes for every length up to several blocks.
import { createKeccak } from "hash-wasm";

// One hasher for the process (each worker thread loads its own copy of this module). Its three
// calls run to completion without yielding, so no other hash can interleave with one in progress.
const hasher = await createKeccak(256);

/** keccak-256 (Ethereum's, with the original Keccak padding, not SHA3-256's). */
export function keccak256(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

/** keccak256(rlp("")): the root of an empty Merkle Patricia trie. */
export const EMPTY_TRIE_ROOT = keccak256(Uint8Array.of(0x80));
/** keccak256(rlp([])): Ethereum's hash of an empty uncle list. */
export const EMPTY_UNCLES_HASH = keccak256(Uint8Array.of(0xc0));
export const ZERO_HASH = new Uint8Array(32);
export const ZERO_ADDRESS = new Uint8Array(20);
