// keccak-256 (src/primitives/hash.ts, hash-wasm's WebAssembly Keccak) against published digests and,
// for every input length across several 136-byte blocks, against @noble/hashes' keccak_256.
import { describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@ethereumjs/util";
import { EMPTY_TRIE_ROOT, keccak256 } from "../../src/primitives/hash.js";

const utf8 = new TextEncoder();

describe("keccak256", () => {
  it("gives the published digests", () => {
    // Ethereum's well-known values: the empty string (the code hash of an account without code),
    // "abc", the pangram, and keccak256(rlp("")), the empty trie root every client hard-codes.
    expect(bytesToHex(keccak256(new Uint8Array(0)))).toBe("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    expect(bytesToHex(keccak256(utf8.encode("abc")))).toBe("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    expect(bytesToHex(keccak256(utf8.encode("The quick brown fox jumps over the lazy dog")))).toBe(
      "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
    );
    expect(bytesToHex(EMPTY_TRIE_ROOT)).toBe("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
  });

  it("matches @noble/hashes for every length from 0 to 700 bytes (padding at each block boundary)", () => {
    let seed = 12345;
    const byte = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let len = 0; len <= 700; len++) {
      const data = Uint8Array.from({ length: len }, byte);
      expect(bytesToHex(keccak256(data)), `length ${len}`).toBe(bytesToHex(keccak_256(data)));
    }
  });

  it("hashes a view of a larger buffer by its own bytes, and returns a fresh array each time", () => {
    const big = Uint8Array.from({ length: 400 }, (_, i) => i & 0xff);
    const view = big.subarray(37, 37 + 200);
    expect(bytesToHex(keccak256(view))).toBe(bytesToHex(keccak_256(view.slice())));
    const a = keccak256(view);
    const b = keccak256(view);
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
  });
});
