// blockHashOfEncoding reads a block's hash from its encoding without decoding it (the announcer
// matches announcements to committed blocks with it): it must agree with decodeBlock's hash for every
// length form of the RLP prefixes, and refuse bytes that are not a block list.
import { describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { blockHashOfEncoding, decodeBlock, decodeTransaction, encodeBlock, hashHeader } from "../../src/primitives/encoding.js";
import type { Block, BlockHeader } from "../../src/primitives/types.js";
import { testCommon, transfer1559 } from "../helpers/txs.js";

const common = testCommon();
const h32 = (b: number) => new Uint8Array(32).fill(b);
const header: BlockHeader = {
  parentHash: h32(1),
  number: 7n,
  timestamp: 1_700_000_000n,
  proposer: new Uint8Array(20).fill(2),
  stateRoot: h32(3),
  transactionsRoot: h32(4),
  receiptsRoot: h32(5),
  logsBloom: new Uint8Array(256),
  gasLimit: 30_000_000n,
  gasUsed: 21_000n,
  baseFeePerGas: 1_000_000_000n,
  extraData: new Uint8Array(0),
  round: 2,
  proposerVrfProof: new Uint8Array(80).fill(6),
  seed: h32(7),
  lastCommitHash: h32(8),
  evidenceHash: h32(9),
  nextValidatorsHash: h32(10),
};

function blockWith(txCount: number): Block {
  const [sender] = deriveDevAccounts(1);
  const to = deriveDevAccounts(2)[1]!.address;
  const transactions = Array.from({ length: txCount }, (_, i) => decodeTransaction(transfer1559(sender!.privateKey, { nonce: BigInt(i), to }).serialize(), common));
  return { header, hash: hashHeader(header), transactions, lastCommit: new Uint8Array(0), evidence: [] };
}

describe("blockHashOfEncoding", () => {
  it("agrees with decodeBlock's hash for blocks of 0, 1 and 700 transactions", () => {
    // 700 transfers make the block list longer than 65,535 bytes: a 3-byte length.
    for (const n of [0, 1, 700]) {
      const bytes = encodeBlock(blockWith(n));
      if (n === 700) expect(bytes[0]).toBe(0xfa);
      const hash = blockHashOfEncoding(bytes);
      expect(hash).not.toBeNull();
      expect(bytesToHex(hash!)).toBe(bytesToHex(decodeBlock(bytes, common).hash));
      expect(bytesToHex(hash!)).toBe(bytesToHex(hashHeader(header)));
    }
  });

  it("is null for bytes that do not begin as a block list", () => {
    expect(blockHashOfEncoding(new Uint8Array(0))).toBeNull();
    expect(blockHashOfEncoding(RLP.encode(new Uint8Array([1, 2, 3])))).toBeNull(); // a string, not a list
    expect(blockHashOfEncoding(RLP.encode([new Uint8Array([1])]))).toBeNull(); // first item not a list
    const bytes = encodeBlock(blockWith(1));
    // Cut inside the header: the header's stated length runs past the end.
    expect(blockHashOfEncoding(bytes.subarray(0, 100))).toBeNull();
  });
});
