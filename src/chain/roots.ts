// Merkle Patricia trie roots of ordered lists (transactions, receipts) built in one pass over the
// sorted keys, the way geth's StackTrie/HashBuilder does: no random-access trie, no database. A
// block's lists are known in full when the root is needed, so this is all Ethereum requires, and it
// avoids the ~150 µs per entry that MerklePatriciaTrie.put costs (shared/notes/execution-performance.md).
import { RLP } from "@ethereumjs/rlp";
import { EMPTY_TRIE_ROOT, keccak256 } from "./hash.js";

type RlpItem = Uint8Array | RlpItem[];

/** The key under which the i-th element of an ordered list is stored: rlp(i). */
export function indexKey(i: number): Uint8Array {
  return RLP.encode(i);
}

function toNibbles(key: Uint8Array): Uint8Array {
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

/** A child reference: nodes whose encoding is shorter than 32 bytes are embedded, others hashed. */
function reference(node: RlpItem): RlpItem {
  const encoded = RLP.encode(node);
  return encoded.length < 32 ? node : keccak256(encoded);
}

interface Entry {
  path: Uint8Array;
  value: Uint8Array;
}

function commonPrefixLength(entries: Entry[], lo: number, hi: number, depth: number): number {
  const first = entries[lo]!.path;
  const last = entries[hi - 1]!.path; // entries are sorted, so first/last bound the shared prefix
  let n = 0;
  while (depth + n < first.length && depth + n < last.length && first[depth + n] === last[depth + n]) n++;
  return n;
}

function buildNode(entries: Entry[], lo: number, hi: number, depth: number): RlpItem {
  if (hi - lo === 1) {
    const e = entries[lo]!;
    return [hexPrefix(e.path.subarray(depth), true), e.value];
  }
  const shared = commonPrefixLength(entries, lo, hi, depth);
  if (shared > 0) {
    const child = buildNode(entries, lo, hi, depth + shared);
    return [hexPrefix(entries[lo]!.path.subarray(depth, depth + shared), false), reference(child)];
  }
  const branch: RlpItem[] = new Array<RlpItem>(17).fill(new Uint8Array(0));
  let i = lo;
  if (entries[i]!.path.length === depth) {
    // A key that ends exactly here stores its value in the branch (cannot happen for rlp(i) keys,
    // which are prefix-free, but keeps the builder correct for any key set).
    branch[16] = entries[i]!.value;
    i++;
  }
  while (i < hi) {
    const nibble = entries[i]!.path[depth]!;
    let j = i + 1;
    while (j < hi && entries[j]!.path[depth] === nibble) j++;
    branch[nibble] = reference(buildNode(entries, i, j, depth + 1));
    i = j;
  }
  return branch;
}

/** Root of the trie holding `values[i]` under rlp(i), exactly as Ethereum's transactionsRoot and
 * receiptsRoot are defined. */
export function orderedTrieRoot(values: readonly Uint8Array[]): Uint8Array {
  if (values.length === 0) return EMPTY_TRIE_ROOT;
  const entries: Entry[] = values.map((value, i) => ({ path: toNibbles(indexKey(i)), value }));
  entries.sort((a, b) => compareNibbles(a.path, b.path));
  return keccak256(RLP.encode(buildNode(entries, 0, entries.length, 0)));
}

function compareNibbles(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
