// A decoded transaction keeps the bytes it arrived as for its hash and network form (primitives/
// encoding.ts rememberReceivedForm), so admission and block encoding do not re-encode it; and only
// where those bytes are what re-encoding would give.
import { RLP } from "@ethereumjs/rlp";
import { describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { decodeTransaction, serializeTransaction } from "../../src/primitives/encoding.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { testCommon, transfer1559, transfer2930, transferLegacy } from "../helpers/txs.js";

const common = testCommon();
const [alice, bob] = deriveDevAccounts(2);
const to = bob!.address;

const signed = {
  legacy: transferLegacy(alice!.privateKey, { nonce: 0n, to }),
  eip2930: transfer2930(alice!.privateKey, { nonce: 1n, to }),
  eip1559: transfer1559(alice!.privateKey, { nonce: 2n, to }),
};

describe("a decoded transaction's received form", () => {
  for (const [kind, tx] of Object.entries(signed)) {
    it(`${kind}: the received bytes are its network form and their keccak its hash, without re-encoding`, () => {
      const raw = tx.serialize();
      const decoded = decodeTransaction(raw, common);
      // Filled at decoding: without it, hash() and the first block encoding re-encode every field.
      expect(decoded.cache.hash).toEqual(keccak256(raw));
      expect(serializeTransaction(decoded)).toBe(raw);
      expect(decoded.hash()).toEqual(tx.hash());
      expect(decoded.serialize()).toEqual(raw);
    });
  }

  it("a transaction cut from a larger message does not keep that message alive", () => {
    const raw = signed.eip1559.serialize();
    const message = new Uint8Array(raw.length + 100);
    message.set(raw, 50);
    const decoded = decodeTransaction(message.subarray(50, 50 + raw.length), common);
    const form = serializeTransaction(decoded);
    expect(form).toEqual(raw);
    expect(form.buffer.byteLength).toBe(raw.length);
    expect(decoded.hash()).toEqual(keccak256(raw));
  });

  it("a chain id with a leading zero (decoded by @ethereumjs, refused by geth) is hashed as re-encoded, not as received", () => {
    const fields = RLP.decode(signed.eip1559.serialize().subarray(1)) as Uint8Array[];
    fields[0] = Uint8Array.of(0, ...fields[0]!);
    const padded = Uint8Array.of(2, ...RLP.encode(fields));
    const decoded = decodeTransaction(padded, common);
    expect((decoded as { chainId?: bigint }).chainId).toBe(common.chainId());
    const canonical = decoded.serialize();
    expect(canonical).not.toEqual(padded);
    expect(decoded.hash()).toEqual(keccak256(canonical));
    expect(serializeTransaction(decoded)).toEqual(canonical);
  });
});

describe("an unsigned transaction's received form", () => {
  it("is not taken as its network form: @ethereumjs re-encodes it with empty signature fields", () => {
    const fields = RLP.decode(signed.legacy.serialize()) as Uint8Array[];
    const unsigned = RLP.encode(fields.slice(0, 6));
    const decoded = decodeTransaction(unsigned, common);
    expect(decoded.isSigned()).toBe(false);
    expect(serializeTransaction(decoded)).toEqual(decoded.serialize());
    expect(serializeTransaction(decoded)).not.toEqual(unsigned);
  });
});
