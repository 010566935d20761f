// eth_getProof (EIP-1186): the account's and the requested slots' Merkle proofs against the state root
// of the selected block, built by @ethereumjs/statemanager from the state trie in LevelDB.
import type { Common } from "@ethereumjs/common";
import { getMerkleStateProof } from "@ethereumjs/statemanager";
import { Address, hexToBytes } from "@ethereumjs/util";
import type { Block, Hash32 } from "../chain/types.js";
import { createStateManager, type StateDB } from "../evm/state.js";
import type { AccountProof, BlockSelector, StateProofSource } from "../rpc/backend.js";
import { UserError } from "../rpc/backend.js";

const bytes = (hex: string): Uint8Array => hexToBytes(hex as `0x${string}`);

export class NodeStateProofs implements StateProofSource {
  constructor(
    private readonly db: StateDB,
    private readonly common: Common,
    private readonly resolve: (selector: BlockSelector) => Promise<Block | null>,
  ) {}

  async getProof(address: Uint8Array, slots: Hash32[], at: BlockSelector): Promise<AccountProof> {
    const block = await this.resolve(at);
    if (block === null) throw new UserError("header not found");
    // A fresh, cache-less manager: the proof must come from the trie itself, at exactly this root.
    const sm = createStateManager(this.db, block.header.stateRoot, this.common, false);
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
}
