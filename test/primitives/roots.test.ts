import { describe, expect, it } from "vitest";
import { genTransactionsTrieRoot } from "@ethereumjs/block";
import { MerklePatriciaTrie, createMPT, createMerkleProof, verifyMerkleProof } from "@ethereumjs/mpt";
import { encodeReceipt } from "@ethereumjs/vm";
import { bytesToHex } from "@ethereumjs/util";
import { orderedTrieRoot, indexKey } from "../../src/primitives/trie.js";
import { encodeConsensusReceipt } from "../../src/primitives/encoding.js";
import { EMPTY_TRIE_ROOT } from "../../src/primitives/hash.js";
import { logsBloom } from "../../src/primitives/bloom.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { transfer1559, transfer2930, transferLegacy } from "../helpers/txs.js";
import type { TxReceipt } from "../../src/primitives/types.js";

const [alice, bob] = deriveDevAccounts(2);

function sampleTxs(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const o = { nonce: BigInt(i), to: bob!.address, value: BigInt(i + 1) };
    return i % 3 === 0 ? transfer1559(alice!.privateKey, o) : i % 3 === 1 ? transferLegacy(alice!.privateKey, o) : transfer2930(alice!.privateKey, o);
  });
}

describe("ordered trie roots", () => {
  it("is the empty-trie root for no entries", async () => {
    expect(bytesToHex(orderedTrieRoot([]))).toBe(bytesToHex(EMPTY_TRIE_ROOT));
    expect(bytesToHex(orderedTrieRoot([]))).toBe(bytesToHex(await genTransactionsTrieRoot([])));
  });

  // Sizes around the rlp(i) key boundaries: 1, the 0x7f/0x80 switch at 128, and beyond 256.
  for (const n of [1, 2, 3, 16, 17, 127, 128, 129, 300]) {
    it(`matches @ethereumjs/block's transactionsRoot for ${n} mixed-type transactions`, async () => {
      const txs = sampleTxs(n);
      const ours = orderedTrieRoot(txs.map((t) => t.serialize()));
      const theirs = await genTransactionsTrieRoot(txs);
      expect(bytesToHex(ours)).toBe(bytesToHex(theirs));
    });
  }

  it("matches a receipts trie built with @ethereumjs/vm's receipt encoding", async () => {
    const receipts: TxReceipt[] = Array.from({ length: 40 }, (_, i) => {
      const logs = i % 4 === 0 ? [] : [{ address: bob!.address, topics: [new Uint8Array(32).fill(i)], data: Uint8Array.of(i) }];
      return {
        status: i % 5 === 0 ? 0 : 1,
        cumulativeGasUsed: 21_000n * BigInt(i + 1),
        gasUsed: 21_000n,
        logsBloom: logsBloom(logs),
        logs,
        contractAddress: null,
        effectiveGasPrice: 1n,
        type: i % 3,
      };
    });
    const trie = new MerklePatriciaTrie();
    for (const [i, r] of receipts.entries()) {
      const ethjs = encodeReceipt(
        { status: r.status, cumulativeBlockGasUsed: r.cumulativeGasUsed, bitvector: r.logsBloom, logs: r.logs.map((l) => [l.address, l.topics, l.data]) },
        r.type as 0 | 1 | 2,
      );
      expect(bytesToHex(encodeConsensusReceipt(r))).toBe(bytesToHex(ethjs));
      await trie.put(indexKey(i), ethjs);
    }
    expect(bytesToHex(orderedTrieRoot(receipts.map(encodeConsensusReceipt)))).toBe(bytesToHex(trie.root()));
  });

  it("proves a transaction's inclusion with a Merkle proof against transactionsRoot", async () => {
    const txs = sampleTxs(50);
    const root = orderedTrieRoot(txs.map((t) => t.serialize()));
    // An independent trie (the prover's side) built from the same list.
    const trie = await createMPT();
    for (const [i, tx] of txs.entries()) await trie.put(indexKey(i), tx.serialize());
    const proof = await createMerkleProof(trie, indexKey(37));
    const value = await verifyMerkleProof(indexKey(37), proof, { root });
    expect(value && bytesToHex(value)).toBe(bytesToHex(txs[37]!.serialize()));
    // The same proof does not prove another transaction at that index.
    const wrongRoot = orderedTrieRoot(txs.slice(0, 49).map((t) => t.serialize()));
    await expect(verifyMerkleProof(indexKey(37), proof, { root: wrongRoot })).rejects.toThrow();
  });
});
