// Merkle Patricia tries built in one pass over sorted keys, the way geth's StackTrie/HashBuilder
// does, instead of one random-access `put` at a time:
//  - orderedTrieRoot: the root of an ordered list (transactions, receipts) from scratch, with no
//    database; it avoids the ~150 µs per entry MerklePatriciaTrie.put costs
//    (shared/notes/execution-performance.md);
//  - updateTrie: many puts and deletes applied to a stored trie at once (the world state at the end
//    of a block). Every node on a changed path is read once, rebuilt once and hashed once, where
//    `put` after `put` re-reads, re-hashes and re-stores the shared upper nodes for every key, and
//    leaves each intermediate version of them in the database.
// Both produce exactly Ethereum's trie: the root depends only on the final key/value set.
// readTrie looks a key up through the same decoded nodes, which a TrieNodeCache can keep: nodes are
// addressed by their hash, so a decoded node never goes stale, and the upper levels every lookup
// walks through are decoded once instead of on every read.
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { EMPTY_TRIE_ROOT, keccak256 } from "./hash.js";
import { encodeRlp, type RlpItem } from "./rlp.js";

/** A node changed or built here, or an untouched subtree by its reference (hash or embedded node). */
type Child = TrieNode | { kind: "ref"; ref: RlpItem };

type TrieNode =
  | { kind: "leaf"; path: Uint8Array; value: Uint8Array }
  | { kind: "ext"; path: Uint8Array; child: Child }
  | { kind: "branch"; children: (Child | null)[]; value: Uint8Array | null };

/** One change: `path` is the key as nibbles (already hashed for secure tries); a null value deletes. */
export interface TrieUpdate {
  path: Uint8Array;
  value: Uint8Array | null;
}

/**
 * Decoded nodes by hash, in two generations: lookups fill the young one, and when it is full it
 * becomes the old one (the previous old one is dropped). Nodes used since the last turn survive it.
 * Unlike an exact LRU, a hit costs one or two Map lookups and no reordering, which matters at
 * several lookups per trie level. Nodes are never modified once decoded (updates build new ones).
 */
export class TrieNodeCache {
  private young = new Map<string, TrieNode>();
  private old = new Map<string, TrieNode>();
  constructor(private readonly generation: number) {}

  get(hash: Uint8Array): TrieNode | undefined {
    const key = bytesToHex(hash);
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const survivor = this.old.get(key);
    if (survivor !== undefined) this.put(key, survivor);
    return survivor;
  }

  set(hash: Uint8Array, node: TrieNode): void {
    this.put(bytesToHex(hash), node);
  }

  private put(key: string, node: TrieNode): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, node);
  }
}

/** Where readTrie and updateTrie read existing nodes and updateTrie puts new ones. */
export interface TrieStore {
  /** The encoded node stored under `hash`; throws when it is missing. */
  load(hash: Uint8Array): Promise<Uint8Array>;
  /** Records a new node: every node encoded in 32 bytes or more, and the root. */
  store(hash: Uint8Array, encoded: Uint8Array): void;
  hash(data: Uint8Array): Uint8Array;
  cache?: TrieNodeCache;
}

const EMPTY = new Uint8Array(0);

/** The key under which the i-th element of an ordered list is stored: rlp(i). */
export function indexKey(i: number): Uint8Array {
  return RLP.encode(i);
}

export function toNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 0x0f;
  }
  return out;
}

/** Ethereum's hex-prefix encoding of a nibble path with the leaf flag. */
function hexPrefix(nibbles: Uint8Array, leaf: boolean): Uint8Array {
  const odd = nibbles.length % 2 === 1;
  const out = new Uint8Array(Math.floor(nibbles.length / 2) + 1);
  out[0] = ((leaf ? 2 : 0) + (odd ? 1 : 0)) << 4;
  let i = 0;
  if (odd) {
    out[0] |= nibbles[0]!;
    i = 1;
  }
  for (let o = 1; i < nibbles.length; i += 2, o++) out[o] = (nibbles[i]! << 4) | nibbles[i + 1]!;
  return out;
}

function fromHexPrefix(encoded: Uint8Array): { nibbles: Uint8Array; leaf: boolean } {
  if (encoded.length === 0) throw new Error("trie node: empty path");
  const flag = encoded[0]! >> 4;
  if (flag > 3) throw new Error("trie node: bad hex-prefix flag");
  const odd = (flag & 1) === 1;
  const nibbles = new Uint8Array((encoded.length - 1) * 2 + (odd ? 1 : 0));
  let o = 0;
  if (odd) nibbles[o++] = encoded[0]! & 0x0f;
  for (let i = 1; i < encoded.length; i++) {
    nibbles[o++] = encoded[i]! >> 4;
    nibbles[o++] = encoded[i]! & 0x0f;
  }
  return { nibbles, leaf: flag >= 2 };
}

function concatNibbles(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function compareNibbles(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function decodeNode(raw: RlpItem): TrieNode {
  if (!Array.isArray(raw)) throw new Error("trie node: expected a list");
  if (raw.length === 17) {
    const children = raw.slice(0, 16).map((c): Child | null => (c instanceof Uint8Array && c.length === 0 ? null : { kind: "ref", ref: c }));
    const v = raw[16]!;
    if (!(v instanceof Uint8Array)) throw new Error("trie node: branch value is a list");
    return { kind: "branch", children, value: v.length > 0 ? v : null };
  }
  if (raw.length !== 2 || !(raw[0] instanceof Uint8Array)) throw new Error("trie node: bad shape");
  const { nibbles, leaf } = fromHexPrefix(raw[0]);
  if (leaf) {
    if (!(raw[1] instanceof Uint8Array)) throw new Error("trie node: leaf value is a list");
    return { kind: "leaf", path: nibbles, value: raw[1] };
  }
  return { kind: "ext", path: nibbles, child: { kind: "ref", ref: raw[1]! } };
}

/** The node `child` stands for when it is at hand (built here, embedded or cached), else undefined. */
function resolveNow(child: Child, store: TrieStore): TrieNode | undefined {
  if (child.kind !== "ref") return child;
  const ref = child.ref;
  return ref instanceof Uint8Array ? store.cache?.get(ref) : decodeNode(ref);
}

/** The node `child` stands for, loaded from the store when needed. Callers try resolveNow first:
 * most nodes are at hand, and an await costs a promise per trie level. */
async function resolve(child: Child, store: TrieStore): Promise<TrieNode> {
  const now = resolveNow(child, store);
  if (now !== undefined) return now;
  const ref = (child as { ref: Uint8Array }).ref;
  const node = decodeNode(RLP.decode(await store.load(ref)) as RlpItem);
  store.cache?.set(ref, node);
  return node;
}

interface Entry {
  path: Uint8Array;
  value: Uint8Array;
}

function commonPrefixLength(entries: readonly Entry[], lo: number, hi: number, depth: number): number {
  const first = entries[lo]!.path;
  const last = entries[hi - 1]!.path; // entries are sorted, so first/last bound the shared prefix
  let n = 0;
  while (depth + n < first.length && depth + n < last.length && first[depth + n] === last[depth + n]) n++;
  return n;
}

/** The subtrie holding entries[lo, hi) (sorted, distinct keys), below `depth` nibbles. */
function build(entries: readonly Entry[], lo: number, hi: number, depth: number): TrieNode | null {
  if (hi === lo) return null;
  if (hi - lo === 1) return { kind: "leaf", path: entries[lo]!.path.subarray(depth), value: entries[lo]!.value };
  const shared = commonPrefixLength(entries, lo, hi, depth);
  if (shared > 0)
    return { kind: "ext", path: entries[lo]!.path.subarray(depth, depth + shared), child: build(entries, lo, hi, depth + shared)! };
  const children: (Child | null)[] = new Array<Child | null>(16).fill(null);
  let value: Uint8Array | null = null;
  let i = lo;
  if (entries[i]!.path.length === depth) {
    // A key that ends exactly here stores its value in the branch (never for fixed-length keys or
    // the prefix-free rlp(i) keys, but keeps the builder right for any key set).
    value = entries[i]!.value;
    i++;
  }
  while (i < hi) {
    const nibble = entries[i]!.path[depth]!;
    let j = i + 1;
    while (j < hi && entries[j]!.path[depth] === nibble) j++;
    children[nibble] = build(entries, i, j, depth + 1);
    i = j;
  }
  return { kind: "branch", children, value };
}

/** Encodes a node (children first); returns how its parent refers to it. */
function commit(child: Child, top: boolean, store: TrieStore | null): RlpItem {
  if (child.kind === "ref") return child.ref;
  let raw: RlpItem[];
  if (child.kind === "leaf") raw = [hexPrefix(child.path, true), child.value];
  else if (child.kind === "ext") raw = [hexPrefix(child.path, false), commit(child.child, false, store)];
  else {
    raw = child.children.map((c) => (c === null ? EMPTY : commit(c, false, store)));
    raw.push(child.value ?? EMPTY);
  }
  const encoded = encodeRlp(raw);
  // Nodes shorter than a hash are embedded in their parent; the root is always hashed.
  if (encoded.length < 32 && !top) return raw;
  const hash = store ? store.hash(encoded) : keccak256(encoded);
  if (store) {
    store.store(hash, encoded);
    // The next block walks these nodes first: keep them decoded (children as references).
    store.cache?.set(hash, decodeNode(raw));
  }
  return hash;
}

/** Root of the trie holding `values[i]` under rlp(i), exactly as Ethereum's transactionsRoot and
 * receiptsRoot are defined. */
export function orderedTrieRoot(values: readonly Uint8Array[]): Uint8Array {
  if (values.length === 0) return EMPTY_TRIE_ROOT;
  const entries: Entry[] = values.map((value, i) => ({ path: toNibbles(indexKey(i)), value }));
  entries.sort((a, b) => compareNibbles(a.path, b.path));
  return commit(build(entries, 0, entries.length, 0)!, true, null) as Uint8Array;
}

/** Turns an extension into the branch it stands for, so that updates can diverge from its path. */
function expandExtension(ext: Extract<TrieNode, { kind: "ext" }>): Extract<TrieNode, { kind: "branch" }> {
  const children: (Child | null)[] = new Array<Child | null>(16).fill(null);
  const rest = ext.path.subarray(1);
  children[ext.path[0]!] = rest.length === 0 ? ext.child : { kind: "ext", path: rest, child: ext.child };
  return { kind: "branch", children, value: null };
}

/** Restores the trie's canonical form after children were removed: a branch left with nothing is
 * gone, with only a value it is a leaf, with one child it merges into that child's path. */
async function normalize(b: Extract<TrieNode, { kind: "branch" }>, store: TrieStore): Promise<TrieNode | null> {
  let count = 0;
  let only = -1;
  for (let n = 0; n < 16; n++) {
    if (b.children[n] !== null) {
      count++;
      only = n;
    }
  }
  if (count === 0) return b.value === null ? null : { kind: "leaf", path: EMPTY, value: b.value };
  if (count > 1 || b.value !== null) return b;
  const original = b.children[only]!;
  const c = resolveNow(original, store) ?? (await resolve(original, store));
  const prefix = Uint8Array.of(only);
  if (c.kind === "leaf") return { kind: "leaf", path: concatNibbles(prefix, c.path), value: c.value };
  if (c.kind === "ext") return { kind: "ext", path: concatNibbles(prefix, c.path), child: c.child };
  return { kind: "ext", path: prefix, child: original };
}

/** Applies updates[lo, hi) (sorted, distinct keys sharing their first `depth` nibbles) to `node`. */
async function update(node: TrieNode | null, updates: readonly TrieUpdate[], lo: number, hi: number, depth: number, store: TrieStore): Promise<TrieNode | null> {
  if (lo === hi) return node;
  if (node === null || node.kind === "leaf") {
    // Below here the subtrie is at most one leaf: rebuild it from the entries that remain.
    const entries: Entry[] = [];
    let leaf: Entry | null = null;
    if (node !== null) leaf = { path: concatNibbles(updates[lo]!.path.subarray(0, depth), node.path), value: node.value };
    for (let k = lo; k < hi; k++) {
      const u = updates[k]!;
      if (leaf !== null) {
        const c = compareNibbles(leaf.path, u.path);
        if (c < 0) entries.push(leaf);
        if (c <= 0) leaf = null; // placed, or replaced/deleted by this update
      }
      if (u.value !== null) entries.push({ path: u.path, value: u.value });
    }
    if (leaf !== null) entries.push(leaf);
    return build(entries, 0, entries.length, depth);
  }
  const b = node.kind === "ext" ? expandExtension(node) : { kind: "branch" as const, children: [...node.children], value: node.value };
  let i = lo;
  if (updates[i]!.path.length === depth) {
    b.value = updates[i]!.value;
    i++;
  }
  while (i < hi) {
    const nibble = updates[i]!.path[depth]!;
    let j = i + 1;
    while (j < hi && updates[j]!.path[depth] === nibble) j++;
    const child = b.children[nibble] ?? null;
    const current = child === null ? null : (resolveNow(child, store) ?? (await resolve(child, store)));
    b.children[nibble] = await update(current, updates, i, j, depth + 1, store);
    i = j;
  }
  return normalize(b, store);
}

/**
 * Applies `updates` to the trie whose root is `root` and returns the new root. Nodes are read with
 * store.load and every new node is handed to store.store; nothing else is written. When several
 * updates name the same key, the last one wins.
 */
export async function updateTrie(root: Uint8Array, updates: readonly TrieUpdate[], store: TrieStore): Promise<Uint8Array> {
  if (updates.length === 0) return root;
  const sorted = [...updates].sort((a, b) => compareNibbles(a.path, b.path)); // stable: equal keys keep their order
  const distinct: TrieUpdate[] = [];
  for (const u of sorted) {
    if (distinct.length > 0 && compareNibbles(distinct[distinct.length - 1]!.path, u.path) === 0) distinct[distinct.length - 1] = u;
    else distinct.push(u);
  }
  const rootNode = equalsBytes(root, EMPTY_TRIE_ROOT) ? null : await resolve({ kind: "ref", ref: root }, store);
  const updated = await update(rootNode, distinct, 0, distinct.length, 0, store);
  return updated === null ? EMPTY_TRIE_ROOT : (commit(updated, true, store) as Uint8Array);
}

/** The value stored under the key whose nibbles are `path`, or null; throws if a node is missing. */
export async function readTrie(root: Uint8Array, path: Uint8Array, store: TrieStore): Promise<Uint8Array | null> {
  if (equalsBytes(root, EMPTY_TRIE_ROOT)) return null;
  const rootRef: Child = { kind: "ref", ref: root };
  let node = resolveNow(rootRef, store) ?? (await resolve(rootRef, store));
  let depth = 0;
  // Every step consumes at least one nibble of the path or returns.
  for (;;) {
    if (node.kind === "leaf") return compareNibbles(node.path, path.subarray(depth)) === 0 ? node.value : null;
    if (node.kind === "ext") {
      const p = node.path;
      if (p.length === 0 || depth + p.length > path.length) return null;
      for (let i = 0; i < p.length; i++) if (p[i] !== path[depth + i]) return null;
      depth += p.length;
      node = resolveNow(node.child, store) ?? (await resolve(node.child, store));
      continue;
    }
    if (depth === path.length) return node.value;
    const child = node.children[path[depth]!] ?? null;
    if (child === null) return null;
    depth++;
    node = resolveNow(child, store) ?? (await resolve(child, store));
  }
}
