// EIP-712 hashing for eth_signTypedData_v4: the EIP's own worked example (its published digest), and
// agreement with viem's independent implementation on types that exercise every encoding rule.
import { bytesToHex } from "@ethereumjs/util";
import { hashTypedData as viemHashTypedData, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { encodeType, hashTypedData } from "../../src/rpc/backend/eip712.js";
import type { TypedData } from "../../src/rpc/backend/port.js";

const mail: TypedData = {
  types: {
    EIP712Domain: [
      { name: "name", type: "string" },
      { name: "version", type: "string" },
      { name: "chainId", type: "uint256" },
      { name: "verifyingContract", type: "address" },
    ],
    Person: [
      { name: "name", type: "string" },
      { name: "wallet", type: "address" },
    ],
    Mail: [
      { name: "from", type: "Person" },
      { name: "to", type: "Person" },
      { name: "contents", type: "string" },
    ],
  },
  primaryType: "Mail",
  domain: { name: "Ether Mail", version: "1", chainId: 1, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" },
  message: {
    from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
    to: { name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" },
    contents: "Hello, Bob!",
  },
};

describe("EIP-712", () => {
  it("reproduces the EIP's example: encodeType and the signed digest", () => {
    expect(encodeType("Mail", mail.types)).toBe("Mail(Person from,Person to,string contents)Person(string name,address wallet)");
    expect(bytesToHex(hashTypedData(mail))).toBe("0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
  });

  it("agrees with viem on nested structs, (fixed and nested) arrays, signed integers, bytes, bytesN and bools", () => {
    const types = {
      Asset: [
        { name: "id", type: "bytes32" },
        { name: "amounts", type: "uint128[2]" },
        { name: "tags", type: "string[]" },
      ],
      Order: [
        { name: "maker", type: "address" },
        { name: "assets", type: "Asset[]" },
        { name: "grid", type: "int16[][]" },
        { name: "payload", type: "bytes" },
        { name: "short", type: "bytes4" },
        { name: "active", type: "bool" },
        { name: "delta", type: "int256" },
        { name: "nonce", type: "uint64" },
      ],
    } as const;
    const message = {
      maker: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      assets: [
        { id: `0x${"ab".repeat(32)}` as Hex, amounts: [1n, 2n ** 100n], tags: ["a", "bc"] },
        { id: `0x${"01".repeat(32)}` as Hex, amounts: [0n, 7n], tags: [] },
      ],
      grid: [[-1, 2], [], [-32768]],
      payload: "0xdeadbeef",
      short: "0x01020304",
      active: true,
      delta: -(2n ** 200n),
      nonce: 18446744073709551615n,
    } as const;
    const domain = { name: "Exchange", chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3", salt: `0x${"11".repeat(32)}` as Hex } as const;
    const expected = viemHashTypedData({ domain, types, primaryType: "Order", message });
    // The JSON form a wallet sends: integers as decimal strings or numbers, no EIP712Domain in types.
    const json = JSON.parse(JSON.stringify({ domain, types, primaryType: "Order", message }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as TypedData;
    expect(bytesToHex(hashTypedData(json))).toBe(expected);
  });

  it("refuses malformed data with the field at fault", () => {
    const wrong = { ...mail, message: { ...mail.message, contents: 5 } };
    expect(() => hashTypedData(wrong)).toThrow("Mail.contents: expected a string");
    const overflow: TypedData = { types: { T: [{ name: "x", type: "uint8" }] }, primaryType: "T", domain: { name: "d" }, message: { x: 256 } };
    expect(() => hashTypedData(overflow)).toThrow("T.x: 256 does not fit in uint8");
  });
});
