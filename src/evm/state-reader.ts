// Reads of account state at any committed block's state root (RPC's eth_getBalance & co, pool
// admission and re-validation). A state root names immutable state, so what was read at a root can
// be remembered: admission reads the same sender again for each of its transactions, and a trie
// walk costs ~100 µs while a remembered account costs a map lookup.
import type { Common } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Address, bytesToHex } from "@ethereumjs/util";
import type { AccountState } from "../primitives/types.js";
import { LruCache } from "../util/lru.js";
import { createStateManager, type StateDB } from "./state.js";


/** Accounts remembered per root; past this many the root's memo starts over (bounds memory). */
const ACCOUNTS_PER_ROOT = 65_536;

interface RootView {
  sm: MerkleStateManager;
  /** Accounts read at this root, as promises so that concurrent reads of one account share a walk. */
  accounts: Map<string, Promise<AccountState>>;
}

export class StateReader {
  /** A few recent roots keep their state manager (and its trie node cache) and account memo warm. */
  private readonly views = new LruCache<string, RootView>(8);

  constructor(
    private readonly db: StateDB,
    private readonly common: Common,
  ) {}

  private view(root: Uint8Array): RootView {
    const key = bytesToHex(root);
    let view = this.views.get(key);
    if (!view) {
      view = { sm: createStateManager(this.db, root, this.common, false), accounts: new Map() };
      this.views.set(key, view);
    }
    return view;
  }

  private at(root: Uint8Array): MerkleStateManager {
    return this.view(root).sm;
  }

  /** The account's nonce and balance at `root` (zero for an account that does not exist). */
  account(root: Uint8Array, address: Uint8Array): Promise<AccountState> {
    const view = this.view(root);
    const key = bytesToHex(address);
    let read = view.accounts.get(key);
    if (read === undefined) {
      if (view.accounts.size >= ACCOUNTS_PER_ROOT) view.accounts.clear();
      read = view.sm.getAccount(new Address(address)).then((a) => ({ nonce: a?.nonce ?? 0n, balance: a?.balance ?? 0n }));
      // A failed read (e.g. an I/O error) must not be remembered.
      const pending = read;
      pending.catch(() => {
        if (view.accounts.get(key) === pending) view.accounts.delete(key);
      });
      view.accounts.set(key, pending);
    }
    return read.then((a) => ({ ...a }));
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
