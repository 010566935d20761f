// Admission's sender recovery (evm/crypto.ts recoverSenderAddress): the same address and public key
// as @ethereumjs's getSenderAddress, the same refusals, and for typed transactions without
// re-encoding the signed fields (the signed message is cut from the received bytes).
import { AccessList2930Tx, FeeMarket1559Tx, createTxFromRLP } from "@ethereumjs/tx";
import { RLP } from "@ethereumjs/rlp";
import { SECP256K1_ORDER, bigIntToUnpaddedBytes, bytesToHex } from "@ethereumjs/util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { createChainCommon } from "../../src/evm/common.js";
import { recoverSenderAddress } from "../../src/evm/crypto.js";
import { decodeTransaction } from "../../src/primitives/encoding.js";
import { testCommon, transfer1559, transfer2930, transferLegacy } from "../helpers/txs.js";

const common = createChainCommon(31337n);
const signingCommon = testCommon();
const [alice, bob] = deriveDevAccounts(2);
const to = bob!.address;

afterEach(() => vi.restoreAllMocks());

describe("recoverSenderAddress", () => {
  const signed = {
    legacy: transferLegacy(alice!.privateKey, { nonce: 0n, to }, signingCommon),
    eip2930: transfer2930(alice!.privateKey, { nonce: 1n, to, data: new Uint8Array(70).fill(7) }, signingCommon),
    eip1559: transfer1559(alice!.privateKey, { nonce: 2n, to, data: new Uint8Array(300).fill(9) }, signingCommon),
  };

  for (const [kind, tx] of Object.entries(signed)) {
    it(`${kind}: the signer's address, and the public key @ethereumjs recovers, kept on the transaction`, () => {
      const decoded = decodeTransaction(tx.serialize(), common);
      expect(bytesToHex(recoverSenderAddress(decoded))).toBe(bytesToHex(alice!.address));
      expect(decoded.cache.senderPubKey).toEqual(decodeTransaction(tx.serialize(), common).getSenderPublicKey());
      expect(decoded.getSenderAddress().bytes).toEqual(alice!.address);
    });
  }

  it("typed transactions: the signed message is cut from the received bytes, not re-encoded", () => {
    const toSign1559 = vi.spyOn(FeeMarket1559Tx.prototype, "getMessageToSign");
    const toSign2930 = vi.spyOn(AccessList2930Tx.prototype, "getMessageToSign");
    for (const tx of [signed.eip1559, signed.eip2930]) {
      const decoded = decodeTransaction(tx.serialize(), common);
      expect(recoverSenderAddress(decoded)).toEqual(alice!.address);
    }
    expect(toSign1559).not.toHaveBeenCalled();
    expect(toSign2930).not.toHaveBeenCalled();
  });

  it("a high-s signature (EIP-2) is refused before recovery: @ethereumjs refuses it while decoding", () => {
    const tx = signed.eip1559;
    const fields = RLP.decode(tx.serialize().subarray(1)) as Uint8Array[];
    fields[9] = bigIntToUnpaddedBytes(1n - tx.v!);
    fields[11] = bigIntToUnpaddedBytes(SECP256K1_ORDER - tx.s!);
    expect(() => decodeTransaction(Uint8Array.of(2, ...RLP.encode(fields)), common)).toThrow(/s-values greater than secp256k1n\/2/);
  });

  it("a signature over other fields recovers another address (the message covers every unsigned field)", () => {
    const tx = signed.eip1559;
    const fields = RLP.decode(tx.serialize().subarray(1)) as Uint8Array[];
    fields[6] = bigIntToUnpaddedBytes(2n); // the value
    const tampered = Uint8Array.of(2, ...RLP.encode(fields));
    const decoded = decodeTransaction(tampered, common);
    const recovered = (() => {
      try {
        return recoverSenderAddress(decoded);
      } catch {
        return null;
      }
    })();
    expect(recovered).not.toEqual(alice!.address);
    const reference = (() => {
      try {
        return decodeTransaction(tampered, common).getSenderAddress().bytes;
      } catch {
        return null;
      }
    })();
    expect(recovered).toEqual(reference);
  });
});

describe("getSenderAddress of a decoded (frozen) transaction", () => {
  it("is the signer's address, recovered once: a caller changing its copy changes nothing", () => {
    const recoveries = vi.spyOn(FeeMarket1559Tx.prototype, "getSenderPublicKey");
    const tx = transfer1559(alice!.privateKey, { nonce: 7n, to }, signingCommon);
    const decoded = decodeTransaction(tx.serialize(), common);
    expect(Object.isFrozen(decoded)).toBe(true);
    const first = decoded.getSenderAddress();
    expect(first.bytes).toEqual(alice!.address);
    first.bytes.fill(0);
    expect(decoded.getSenderAddress().bytes).toEqual(alice!.address);
    // Admission's recovery shares the cached address, also as copies.
    recoverSenderAddress(decoded).fill(0);
    expect(recoverSenderAddress(decoded)).toEqual(alice!.address);
    expect(decoded.getSenderAddress().bytes).toEqual(alice!.address);
    // The key is recovered through the cut-out signed message, never via @ethereumjs's own path.
    expect(recoveries).not.toHaveBeenCalled();
  });

  it("an unfrozen transaction still recovers from its current fields", () => {
    const signedByBob = transfer1559(bob!.privateKey, { nonce: 0n, to: alice!.address }, signingCommon);
    const tx = createTxFromRLP(signedByBob.serialize(), { common: signingCommon, freeze: false });
    expect(Object.isFrozen(tx)).toBe(false);
    expect(tx.getSenderAddress().bytes).toEqual(bob!.address);
  });
});
