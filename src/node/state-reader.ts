// Reads of account state at any committed block's state root (RPC's eth_getBalance & co).
import type { Common } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Address, bytesToHex } from "@ethereumjs/util";
import { LruCache } from "../chain/lru.js";
import { createStateManager, type StateDB } from "../evm/state.js";

export interface AccountState {
  nonce: bigint;
  balance: bigint;
}

export class StateReader {
  /** A few recent roots keep their state manager (and its trie node cache) warm. */
  private readonly managers = new LruCache<string, MerkleStateManager>(8);

  constructor(
    private readonly db: StateDB,
    private readonly common: Common,
  ) {}

  private at(root: Uint8Array): MerkleStateManager {
    const key = bytesToHex(root);
    let sm = this.managers.get(key);
    if (!sm) {
      sm = createStateManager(this.db, root, this.common, false);
      this.managers.set(key, sm);
    }
    return sm;
  }

  async account(root: Uint8Array, address: Uint8Array): Promise<AccountState> {
    const a = await this.at(root).getAccount(new Address(address));
    return { nonce: a?.nonce ?? 0n, balance: a?.balance ?? 0n };
  }

  async code(root: Uint8Array, address: Uint8Array): Promise<Uint8Array> {
    return this.at(root).getCode(new Address(address));
  }

  /** The 32-byte value of a storage slot (zero when unset). */
  async storage(root: Uint8Array, address: Uint8Array, slot: Uint8Array): Promise<Uint8Array> {
    const v = await this.at(root).getStorage(new Address(address), slot);
    const out = new Uint8Array(32);
    out.set(v, 32 - v.length);
    return out;
  }
}
