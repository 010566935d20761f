// Batched trie updates (primitives/trie.ts updateTrie, evm/state.ts StateTrie.applyBatch) against
// @ethereumjs/mpt: the same roots as a trie built from the resulting key/value set, and (for the
// state trie's fixed-length hashed keys) as @ethereumjs applying the same changes one put/del at a
// time, for inserts, overwrites and deletes that collapse branches; every key reads back.
//
// With keys that are prefixes of other keys (never in Ethereum's tries), @ethereumjs's one-at-a-time
// deletes can leave a wrong trie (seen here: a root different from the same key set built afresh,
// with keys that no longer read back), so that case is checked against fresh builds only.
import { describe, expect, it } from "vitest";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Caches, MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, Address, MapDB, bytesToHex, hexToBytes, ValueEncoding } from "@ethereumjs/util";
import { keccak256 } from "../../src/primitives/hash.js";
import { createChainCommon } from "../../src/evm/common.js";
import { StateTrie, createStateManager, type TrieChange } from "../../src/evm/state.js";

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => Uint8Array.from({ length: n }, () => next() & 0xff),
  };
}

function tries(hashKeys: boolean) {
  const common = createChainCommon(31337n);
  const opts = { useKeyHashing: hashKeys, valueEncoding: ValueEncoding.Bytes, common };
  return {
    reference: new MerklePatriciaTrie({ ...opts, db: new MapDB<string, string | Uint8Array>() }),
    batched: new StateTrie({ ...opts, db: new MapDB<string, string | Uint8Array>() }),
  };
}

async function applyOneByOne(trie: MerklePatriciaTrie, changes: readonly TrieChange[]): Promise<void> {
  for (const c of changes) await (c.value === null ? trie.del(c.key) : trie.put(c.key, c.value));
}

/** The root @ethereumjs gives the key/value set `contents`, built by puts into an empty trie. */
async function freshRoot(hashKeys: boolean, contents: Map<string, Uint8Array>): Promise<string> {
  const { reference } = tries(hashKeys);
  for (const [k, v] of contents) await reference.put(hexToBytes(k as `0x${string}`), v);
  return bytesToHex(reference.root());
}

describe("batched trie updates", () => {
  for (const hashKeys of [true, false]) {
    it(`give the roots of @ethereumjs tries over many rounds of changes (${hashKeys ? "hashed 32-byte keys" : "raw keys of 1-4 bytes"})`, async () => {
      const r = rng(hashKeys ? 7 : 11);
      const { reference, batched } = tries(hashKeys);
      const keys: Uint8Array[] = [];
      const contents = new Map<string, Uint8Array>();
      for (let round = 0; round < 25; round++) {
        const changes: TrieChange[] = [];
        const n = 1 + r.int(120);
        for (let i = 0; i < n; i++) {
          const existing = keys.length > 0 && r.int(3) > 0;
          const key = existing ? keys[r.int(keys.length)]! : hashKeys ? r.bytes(20) : r.bytes(1 + r.int(4));
          if (!existing) keys.push(key);
          // Deletes are frequent so that branches collapse; some values are short enough to embed.
          const value = r.int(4) === 0 ? null : r.bytes(r.int(3) === 0 ? 1 + r.int(4) : 1 + r.int(80));
          changes.push({ key, value });
          if (value === null) contents.delete(bytesToHex(key));
          else contents.set(bytesToHex(key), value);
        }
        await batched.applyBatch(changes);
        expect(bytesToHex(batched.root()), `round ${round}`).toBe(await freshRoot(hashKeys, contents));
        if (hashKeys) {
          await applyOneByOne(reference, changes);
          expect(bytesToHex(batched.root()), `round ${round}`).toBe(bytesToHex(reference.root()));
        }
      }
      // The batched trie's nodes are all stored: every key reads back, absent ones as absent.
      for (const key of keys) expect(await batched.get(key)).toEqual(contents.get(bytesToHex(key)) ?? null);
    });
  }

  it("deletes everything back to the empty root, and ignores deletes of absent keys", async () => {
    const r = rng(3);
    const { reference, batched } = tries(true);
    const keys = Array.from({ length: 50 }, () => r.bytes(20));
    const puts = keys.map((key) => ({ key, value: r.bytes(40) }));
    await applyOneByOne(reference, puts);
    await batched.applyBatch(puts);
    const dels = [...keys.map((key) => ({ key, value: null })), { key: r.bytes(20), value: null }];
    await batched.applyBatch(dels);
    expect(bytesToHex(batched.root())).toBe(bytesToHex(batched.EMPTY_TRIE_ROOT));
    expect(bytesToHex(batched.root())).toBe(bytesToHex(keccak256(Uint8Array.of(0x80))));
  });

  it("lets the last change of a key win within one batch", async () => {
    const { reference, batched } = tries(true);
    const key = Uint8Array.of(1, 2, 3);
    await reference.put(key, Uint8Array.of(9));
    await batched.applyBatch([
      { key, value: Uint8Array.of(8) },
      { key, value: null },
      { key, value: Uint8Array.of(9) },
    ]);
    expect(bytesToHex(batched.root())).toBe(bytesToHex(reference.root()));
  });

  it("keeps the batching class in shallow copies (the state manager's storage tries)", () => {
    const { batched } = tries(true);
    expect(batched.shallowCopy(false)).toBeInstanceOf(StateTrie);
  });
});

describe("the batching state manager", () => {
  it("gives @ethereumjs's state roots over blocks of account, storage and code changes with reverted checkpoints", async () => {
    const common = createChainCommon(31337n);
    const stock = new MerkleStateManager({ common, caches: new Caches() });
    const ours = createStateManager(new MapDB<string, string | Uint8Array>(), undefined, common);
    const r = rng(5);
    const addresses = Array.from({ length: 40 }, () => new Address(r.bytes(20)));
    const slot = () => r.bytes(32);
    for (let block = 0; block < 12; block++) {
      for (const sm of [stock, ours]) await sm.checkpoint();
      for (let op = 0; op < 60; op++) {
        const a = addresses[r.int(addresses.length)]!;
        const kind = r.int(10);
        const reverted = r.int(5) === 0;
        // The same random choices for both managers: draw everything before applying.
        const balance = BigInt(r.int(1_000_000));
        const key = slot();
        const value = r.int(4) === 0 ? new Uint8Array(0) : r.bytes(1 + r.int(32));
        const code = r.bytes(1 + r.int(60));
        for (const sm of [stock, ours]) {
          if (reverted) await sm.checkpoint();
          const existing = await sm.getAccount(a);
          if (kind < 4) await sm.putAccount(a, new Account(existing?.nonce ?? 0n, balance, existing?.storageRoot, existing?.codeHash));
          else if (kind < 8) {
            if (existing === undefined) await sm.putAccount(a, new Account(1n, balance));
            await sm.putStorage(a, key, value);
          } else if (kind < 9) await sm.putCode(a, code);
          else await sm.deleteAccount(a);
          if (reverted) await sm.revert();
        }
      }
      for (const sm of [stock, ours]) await sm.commit();
      expect(bytesToHex(await ours.getStateRoot()), `block ${block}`).toBe(bytesToHex(await stock.getStateRoot()));
      for (const a of addresses) expect((await ours.getAccount(a))?.balance, `block ${block}`).toBe((await stock.getAccount(a))?.balance);
    }
  });
});
