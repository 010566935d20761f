// keccak-256, the chain's one hash function, behind one name so a faster implementation can be
// swapped in at one place (profiles show hashing among the top costs).
import { keccak_256 } from "@noble/hashes/sha3.js";

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

/** keccak256(rlp("")): the root of an empty Merkle Patricia trie. */
export const EMPTY_TRIE_ROOT = keccak256(Uint8Array.of(0x80));
/** keccak256(rlp([])): Ethereum's hash of an empty uncle list. */
export const EMPTY_UNCLES_HASH = keccak256(Uint8Array.of(0xc0));
export const ZERO_HASH = new Uint8Array(32);
export const ZERO_ADDRESS = new Uint8Array(20);
