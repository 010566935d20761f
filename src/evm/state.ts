// World-state access on top of @ethereumjs/statemanager: the long-lived state manager that block
// execution advances, and throwaway read-only views at any past state root for RPC.
//
// The state manager and trie are @ethereumjs's, with four changes that together roughly halved the
// cost of executing a block (numbers in bench/execution.ts; same tries, same roots):
//  - the flush at the end of a block writes each trie's changes as one batch (primitives/trie.ts
//    updateTrie) instead of one `put` per account and per slot, each of which re-read, re-hashed
//    and re-stored the whole path from the root (~7,000 node hashes for 1,400 transfers, most of
//    them replaced by the next put, all of them stored);
//  - trie reads walk decoded nodes shared by every trie on the database (primitives/trie.ts readTrie);
//  - cached accounts are decoded once per version instead of on every read;
//  - SSTORE goes to the storage cache only, as @ethereumjs intends but does not do (see putStorage).
import type { Common } from "@ethereumjs/common";
import { MerklePatriciaTrie, type MPTOpts, type TrieShallowCopyOpts } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import {
  CODEHASH_PREFIX,
  Caches,
  MerkleStateManager,
  type AccountCache,
  type MerkleStateManagerOpts,
  type StorageCache,
} from "@ethereumjs/statemanager";
import {
  Account,
  ValueEncoding,
  concatBytes,
  createAccountFromRLP,
  createAddressFromString,
  unpadBytes,
  unprefixedHexToBytes,
  type Address,
  type BatchDBOp,
  type DB,
} from "@ethereumjs/util";
import { keccak256 } from "../primitives/hash.js";
import { encodeRlp } from "../primitives/rlp.js";
import { TrieNodeCache, readTrie, toNibbles, updateTrie, type TrieStore } from "../primitives/trie.js";

/** Decoded trie nodes shared by all tries on one database, per cache generation (so between 16k
 * and 32k nodes): the upper levels of the state trie (4,369 branches hold 65k accounts) and the
 * nodes of recent blocks. */
const DECODED_NODE_CACHE = 16_384;
const decodedNodeCaches = new WeakMap<object, TrieNodeCache>();

export type StateDB = DB<string, string | Uint8Array>;

/** A change to a trie by its unhashed key; a null or empty value deletes the key. */
export interface TrieChange {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** MerklePatriciaTrie that can apply many changes at once; its copies (storage tries) can too. */
export class StateTrie extends MerklePatriciaTrie {
  constructor(opts: MPTOpts) {
    super(opts);
  }

  private nodeStore(ops: BatchDBOp[] | null): TrieStore {
    const db = this._db.db;
    let cache = decodedNodeCaches.get(db);
    if (cache === undefined) decodedNodeCaches.set(db, (cache = new TrieNodeCache(DECODED_NODE_CACHE)));
    return {
      load: async (hash) => {
        const encoded = await this._db.get(this._getDbKey(hash));
        // Same wording as @ethereumjs/mpt, which callers (findPath, checkRoot) match on.
        if (encoded === undefined) throw new Error("Missing node in DB");
        return encoded;
      },
      store: (hash, encoded) => ops?.push({ type: "put", key: this._getDbKey(hash), value: encoded }),
      hash: this._opts.useKeyHashingFunction,
      // Nodes are addressed by hash alone only without a key prefix (the state manager's default).
      ...(this._opts.keyPrefix === undefined ? { cache } : {}),
    };
  }

  /** As MerklePatriciaTrie.get (null when absent; a missing node reads as absent unless
   * `throwIfMissing`), through decoded nodes shared by every trie on this database. */
  override async get(key: Uint8Array, throwIfMissing = false): Promise<Uint8Array | null> {
    try {
      return await readTrie(this.root(), toNibbles(this.appliedKey(key)), this.nodeStore(null));
    } catch (e) {
      if ((e as Error).message === "Missing node in DB" && !throwIfMissing) return null;
      throw e;
    }
  }

  /** Applies all `changes` (last one wins per key) and moves the root; new nodes are stored in one
   * database batch, as `put` stores the nodes of one change. */
  async applyBatch(changes: readonly TrieChange[]): Promise<void> {
    if (changes.length === 0) return;
    const updates = changes.map((c) => ({
      path: toNibbles(this.appliedKey(c.key)),
      value: c.value !== null && c.value.length > 0 ? c.value : null,
    }));
    const ops: BatchDBOp[] = [];
    const root = await updateTrie(this.root(), updates, this.nodeStore(ops));
    await this._db.batch(ops);
    this.root(root);
    await this.persistRoot();
  }

  /** As MerklePatriciaTrie.shallowCopy, keeping the class (the state manager's storage tries are copies). */
  override shallowCopy(includeCheckpoints = true, opts?: TrieShallowCopyOpts): StateTrie {
    const trie = new StateTrie({ ...this._opts, db: this._db.db.shallowCopy(), root: this.root(), cacheSize: 0, ...(opts ?? {}) });
    if (includeCheckpoints && this.hasCheckpoints()) trie._db.setCheckpoints(this._db.checkpoints);
    return trie;
  }
}

/**
 * How much the long-lived state manager keeps across blocks. @ethereumjs's caches (its default
 * ordered-map kind) never evict, so a chain that keeps meeting new accounts grew without bound
 * (transfers to 20,000 fresh accounts grew the live heap by ~30 MB, docs/performance.md). Its LRU kind would evict
 * during a block too, and an evicted write that was not yet flushed would be lost; so the caches
 * stay unevicting within a block and are cut back after it, when everything is in the trie
 * (boundCaches). What falls out is read again from the trie, through the decoded-node cache and
 * the database's recent-node cache (~50-100 µs an account instead of a map lookup).
 */
export interface StateCacheLimits {
  /** Accounts (present or known absent). A saturated block of transfers touches ~3,000, so this
   * keeps the last few blocks' accounts: senders, the proposer, the system contracts. ~0.7 KB each. */
  accounts: number;
  /** Storage slots, counted as the blocks touched them (an upper bound: a slot touched in two
   * blocks counts twice, so a cut may come early, never late). ~0.3 KB each. */
  storageSlots: number;
  /** Contract codes (each up to 24 KiB, EIP-170). */
  codes: number;
  /** Opened storage tries, one per contract touched (each holds its root and a database handle). */
  storageTries: number;
}

export const DEFAULT_STATE_CACHE_LIMITS: StateCacheLimits = {
  accounts: 16_384,
  storageSlots: 32_768,
  codes: 512,
  storageTries: 1_024,
};

/**
 * An Account whose serialize() (the account cache's put calls it for every account written, three
 * a transfer) encodes through primitives/rlp.ts: the same bytes as Account.serialize, which goes
 * through @ethereumjs/rlp (3-4.5 -> 1.4-2 us, and a fraction of the garbage).
 */
class RlpAccount extends Account {
  /** Encoded once: an RlpAccount is only ever the private copy putAccount keeps, never modified. */
  private encoded: Uint8Array | undefined;
  override serialize(): Uint8Array {
    return (this.encoded ??= encodeRlp(this.raw()));
  }
}

/** MerkleStateManager whose flush writes the cached changes to the tries in batches, whose cached
 * account reads decode each cached account once, and whose caches are bounded (boundCaches). */
export class BatchFlushStateManager extends MerkleStateManager {
  /**
   * The account cache holds RLP, and @ethereumjs decodes it again on every getAccount: a transfer
   * reads its sender, recipient and coinbase accounts a dozen times, and the decoding (five small
   * array copies and two bigints each time) was ~10 % of the pipeline's CPU and much of its garbage.
   * Decoded accounts are kept by the RLP they came from and handed out as copies, since callers
   * modify the Account objects they get.
   */
  private readonly decoded = new WeakMap<Uint8Array, Account>();
  /** What the last flush wrote back (the last block's accounts and slots, read or written): the
   * working set a cut keeps. */
  private lastAccounts: ReturnType<AccountCache["flush"]> = [];
  private lastSlots: ReturnType<StorageCache["flush"]> = [];
  /** Slots flushed since the storage cache was last emptied (an upper bound on what it holds). */
  private slotsSinceCut = 0;
  private readonly limits: StateCacheLimits;

  constructor(opts: MerkleStateManagerOpts & { trie: StateTrie; cacheLimits?: StateCacheLimits }) {
    super(opts);
    this.limits = opts.cacheLimits ?? DEFAULT_STATE_CACHE_LIMITS;
  }

  /** Entries held now, for tests and diagnostics. */
  cacheSizes(): { accounts: number; storageAccounts: number; codes: number; storageTries: number } {
    return {
      accounts: this._caches?.account?.size() ?? 0,
      storageAccounts: this._caches?.storage?.size() ?? 0,
      codes: this._caches?.code?.size() ?? 0,
      storageTries: Object.keys(this._storageTries).length,
    };
  }

  /**
   * Cuts the caches back to their limits. Only between blocks (no checkpoint open, the block
   * flushed): every cached entry is then clean, in the trie, so dropping one loses nothing. A cache
   * over its limit is emptied and given back the last block's entries, the ones the next block most
   * likely reads again (the cache keeps no recency order of its own to evict by).
   */
  async boundCaches(): Promise<void> {
    const caches = this._caches;
    if (caches === undefined) return;
    if (this._checkpointCount !== 0) throw new Error("boundCaches() inside a block: its writes are not flushed yet");
    await this.flush();
    const { account, storage, code } = caches;
    if (account !== undefined && account.size() > this.limits.accounts) {
      account.clear();
      for (const [hex, elem] of this.lastAccounts.slice(0, this.limits.accounts)) {
        account.put(createAddressFromString(`0x${hex}`), elem.accountRLP === undefined ? undefined : createAccountFromRLP(elem.accountRLP));
      }
      account.flush(); // the entries put back are clean: nothing for the next flush to write
    }
    if (storage !== undefined && this.slotsSinceCut > this.limits.storageSlots) {
      storage.clear();
      const kept = this.lastSlots.slice(0, this.limits.storageSlots);
      for (const [hex, keyHex, value] of kept) {
        if (value !== undefined) storage.put(createAddressFromString(`0x${hex}`), unprefixedHexToBytes(keyHex), value);
      }
      storage.flush();
      this.slotsSinceCut = kept.length;
    }
    if (code !== undefined && code.size() > this.limits.codes) code.clear();
    // Rebuilt from the accounts' storage roots when next needed; the flush made those current.
    if (Object.keys(this._storageTries).length > this.limits.storageTries) this._storageTries = {};
  }

  /** Checkpoints open on this state manager (each journal checkpoint opens one): what
   * evm/isolation.ts unwinds to after a failed transaction. */
  get openCheckpoints(): number {
    return this._checkpointCount;
  }

  override async getAccount(address: Address): Promise<Account | undefined> {
    const elem = this._caches?.account?.get(address);
    if (elem === undefined) return super.getAccount(address);
    const rlp = elem.accountRLP;
    if (rlp === undefined) return undefined;
    let account = this.decoded.get(rlp);
    if (account === undefined) {
      account = createAccountFromRLP(rlp);
      this.decoded.set(rlp, account);
    }
    // The same fields createAccountFromRLP fills; storageRoot and codeHash are never changed in
    // place (they are replaced), so the copies can share them.
    return new Account(account.nonce, account.balance, account.storageRoot, account.codeHash);
  }

  /**
   * The cache stores the account as RLP; the next getAccount of it (a transfer writes its sender and
   * recipient and reads them again within the same transaction) would decode that RLP once more.
   * The stored RLP is mapped to a copy of the account it was made from instead. The copy is put
   * itself (what MerkleStateManager.putAccount does with a cache: cache.put(address, account)), as
   * an account that serializes through our encoder (RlpAccount).
   */
  override async putAccount(address: Address, account: Account | undefined): Promise<void> {
    const cache = this._caches?.account;
    if (cache === undefined || account === undefined) return super.putAccount(address, account);
    const copy = new RlpAccount(account.nonce, account.balance, account.storageRoot, account.codeHash);
    cache.put(address, copy);
    // The very bytes the cache now holds for the address (serialize() returns its one encoding).
    this.decoded.set(copy.serialize(), copy);
  }

  /**
   * MerkleStateManager.putStorage means to write the slot to the storage cache only, but ends in
   * `cache.put(...) ?? writeToTrie(...)`, and put returns undefined: every SSTORE also went through
   * the storage trie at once (a trie put plus an account re-encode, ~300 µs), and the flush wrote
   * it again. Here it goes to the cache only, as intended; the flush writes it once. The tries end
   * the same: the flush applies the same final values.
   */
  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const cache = this._caches?.storage;
    if (cache === undefined) return super.putStorage(address, key, value);
    // The same checks, in the same order, as MerkleStateManager.putStorage.
    if (key.length !== 32) throw new Error("Storage key must be 32 bytes long");
    if (value.length > 32) throw new Error("Storage value cannot be longer than 32 bytes");
    if ((await this.getAccount(address)) === undefined) throw new Error("putStorage() called on non-existing account");
    cache.put(address, key, encodeRlp(unpadBytes(value)));
  }

  override async flush(): Promise<void> {
    if (this._caches === undefined) return super.flush();
    await this.flushCode();
    await this.flushStorage();
    await this.flushAccounts();
  }

  /** Contract code, exactly as MerkleStateManager.flush writes it (rare: contract creations). */
  private async flushCode(): Promise<void> {
    const items = this._caches?.code?.flush() ?? [];
    for (const [addressHex, elem] of items) {
      const code = elem.code;
      if (code === undefined) continue;
      const address = createAddressFromString(`0x${addressHex}`);
      const codeHash = (this.common.customCrypto.keccak256 ?? keccak256)(code);
      const key = this._prefixCodeHashes ? concatBytes(CODEHASH_PREFIX, codeHash) : codeHash;
      await this._getCodeDB().put(key, code);
      if ((await this.getAccount(address)) === undefined) await this.putAccount(address, new Account());
      await this.modifyAccountFields(address, { codeHash });
    }
  }

  /** Storage slots, one batch per account's storage trie; the account takes the new storage root. */
  private async flushStorage(): Promise<void> {
    const items = this._caches?.storage?.flush() ?? [];
    if (items.length > 0) {
      this.lastSlots = items;
      this.slotsSinceCut += items.length;
    }
    const byAccount = new Map<string, TrieChange[]>();
    for (const [addressHex, keyHex, value] of items) {
      let changes = byAccount.get(addressHex);
      if (changes === undefined) byAccount.set(addressHex, (changes = []));
      // As MerkleStateManager does: the cache holds rlp(value); the trie stores rlp of the decoded
      // value, and an empty value deletes the slot.
      const decoded = RLP.decode(value ?? new Uint8Array(0));
      const stored = decoded instanceof Uint8Array && decoded.length > 0 ? encodeRlp(decoded) : null;
      changes.push({ key: unprefixedHexToBytes(keyHex), value: stored });
    }
    for (const [addressHex, changes] of byAccount) {
      const address = createAddressFromString(`0x${addressHex}`);
      const account = await this.getAccount(address);
      if (account === undefined) continue; // storage of an account that no longer exists is dropped
      const trie = this._getStorageTrie(address, account);
      if (trie instanceof StateTrie) await trie.applyBatch(changes);
      else for (const c of changes) await (c.value === null ? trie.del(c.key) : trie.put(c.key, c.value));
      this._storageTries[addressHex] = trie;
      account.storageRoot = trie.root();
      await this.putAccount(address, account);
    }
  }

  /** Accounts, in one batch on the account trie. */
  private async flushAccounts(): Promise<void> {
    const items = this._caches?.account?.flush() ?? [];
    if (items.length > 0) this.lastAccounts = items;
    const changes: TrieChange[] = items.map(([addressHex, elem]) => ({ key: unprefixedHexToBytes(addressHex), value: elem.accountRLP ?? null }));
    await (this._trie as StateTrie).applyBatch(changes);
  }
}

/**
 * The world-state trie over `db`. @ethereumjs can keep an LRU of encoded nodes per trie; it stays
 * off: it allocates its arrays for the full capacity up front (~20 ms for 100,000 entries, paid by
 * every throwaway view: each state root read, each eth_call), and reads are served by the decoded
 * nodes StateTrie shares per database and by the database's own cache of recent nodes.
 */
export function createStateTrie(db: StateDB, root: Uint8Array | undefined, common: Common): StateTrie {
  return new StateTrie({ db, root, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, cacheSize: 0, common });
}

/** A state manager with account/storage/code caches: ~2x faster execution than the uncached default
 * (shared/notes/execution-performance.md), flushed to the tries in batches when the outermost
 * checkpoint commits or the state root is read. */
export function createStateManager(
  db: StateDB,
  root: Uint8Array | undefined,
  common: Common,
  cached = true,
  cacheLimits: StateCacheLimits = DEFAULT_STATE_CACHE_LIMITS,
): BatchFlushStateManager {
  return new BatchFlushStateManager({
    common,
    trie: createStateTrie(db, root, common),
    ...(cached ? { caches: new Caches(), cacheLimits } : {}),
  });
}
