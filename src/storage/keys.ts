// Every LevelDB key layout of the node lives here (keys and values are raw bytes).
//
//   'H'                      -> hash of the head (latest committed) block
//   'G'                      -> hash of the genesis block
//   'V'                      -> data format version (one byte; chain-store.ts DATA_FORMAT_VERSION)
//   'M' || name (utf8)       -> metadata (e.g. the genesis JSON the chain was created from)
//   'h' || number (u64 BE)   -> hash of the canonical block at that number
//   'b' || block hash        -> encoded block (primitives/encoding.ts encodeBlock)
//   'r' || block hash        -> encoded receipts of that block (encodeStoredReceipts)
//   'c' || block hash        -> encoded commit certificate that finalised that block
//   't' || tx hash           -> block hash (32) || index in block (u32 BE)
//   'n' || trie key          -> world-state trie node or contract code (key from @ethereumjs/mpt)
//   'S' || name (utf8)       -> consensus signing records (what this validator signed)

const P = (c: string) => c.charCodeAt(0);

function prefixed(prefix: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = P(prefix);
  out.set(body, 1);
  return out;
}

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

const utf8 = new TextEncoder();

export const HEAD_KEY = Uint8Array.of(P("H"));
export const GENESIS_KEY = Uint8Array.of(P("G"));
export const FORMAT_VERSION_KEY = Uint8Array.of(P("V"));
export const metaKey = (name: string) => prefixed("M", utf8.encode(name));
export const canonicalKey = (number: bigint) => prefixed("h", u64(number));
export const blockKey = (hash: Uint8Array) => prefixed("b", hash);
export const receiptsKey = (hash: Uint8Array) => prefixed("r", hash);
export const certificateKey = (hash: Uint8Array) => prefixed("c", hash);
export const txIndexKey = (txHash: Uint8Array) => prefixed("t", txHash);
export const signingKey = (name: string) => prefixed("S", utf8.encode(name));
/** The key range holding every signing record, and a record's name from its key. */
export const SIGNING_RANGE = { gte: Uint8Array.of(P("S")), lt: Uint8Array.of(P("S") + 1) };
export const signingName = (key: Uint8Array) => new TextDecoder().decode(key.subarray(1));

/** Value of a lowercase hex digit's char code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * The trie hands us unprefixed lowercase hex keys (node hashes, or a prefix || code hash); any
 * other string is stored as its UTF-8 bytes. Parsed by hand: this runs for every trie node a block
 * writes, and a regex test plus hexToBytes' own validation cost more than the rest of the batch.
 */
export function stateNodeKey(trieKey: string): Uint8Array {
  const n = trieKey.length;
  if (n % 2 === 0) {
    const out = new Uint8Array(1 + n / 2);
    out[0] = P("n");
    let i = 0;
    for (; i < n; i += 2) {
      const hi = hexDigit(trieKey.charCodeAt(i));
      const lo = hexDigit(trieKey.charCodeAt(i + 1));
      if (hi < 0 || lo < 0) break;
      out[1 + i / 2] = (hi << 4) | lo;
    }
    if (i === n) return out;
  }
  return prefixed("n", utf8.encode(trieKey));
}

export function encodeTxLocation(blockHash: Uint8Array, index: number): Uint8Array {
  const out = new Uint8Array(36);
  out.set(blockHash, 0);
  new DataView(out.buffer).setUint32(32, index);
  return out;
}

export function decodeTxLocation(v: Uint8Array): { blockHash: Uint8Array; index: number } {
  if (v.length !== 36) throw new Error("corrupt tx index entry");
  return { blockHash: v.slice(0, 32), index: new DataView(v.buffer, v.byteOffset, v.byteLength).getUint32(32) };
}
