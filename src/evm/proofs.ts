// EIP-1186 Merkle proofs of an account and some of its storage slots against a state root, built by
// @ethereumjs/statemanager from the state trie in LevelDB.
import type { Common } from "@ethereumjs/common";
import { getMerkleStateProof } from "@ethereumjs/statemanager";
import { Address, hexToBytes } from "@ethereumjs/util";
import type { Hash32 } from "../primitives/types.js";
import { createStateManager, type StateDB } from "./state.js";
import type { AccountProof } from "./types.js";

const bytes = (hex: string): Uint8Array => hexToBytes(hex as `0x${string}`);

export async function stateProof(db: StateDB, common: Common, stateRoot: Hash32, address: Uint8Array, slots: Hash32[]): Promise<AccountProof> {
  // A fresh, cache-less manager: the proof must come from the trie itself, at exactly this root.
  const sm = createStateManager(db, stateRoot, common, false);
  const proof = await getMerkleStateProof(sm, new Address(address), slots);
  return {
    address,
    balance: BigInt(proof.balance),
    nonce: BigInt(proof.nonce),
    codeHash: bytes(proof.codeHash),
    storageHash: bytes(proof.storageHash),
    accountProof: proof.accountProof.map(bytes),
    // An account that does not exist has no storage trie: each slot is 0 with an empty proof (as geth).
    storageProof: slots.map((key, i) => {
      const entry = proof.storageProof[i];
      return entry === undefined ? { key, value: 0n, proof: [] } : { key, value: BigInt(entry.value), proof: entry.proof.map(bytes) };
    }),
  };
}
