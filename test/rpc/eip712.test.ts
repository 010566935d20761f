// EIP-712 hashing for eth_signTypedData_v4: the EIP's own worked example (its published digest), and
// agreement with viem's independent implementation on types that exercise every encoding rule.
import { bytesToHex } from "@ethereumjs/util";
import { hashTypedData as viemHashTypedData, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { arraySuffix, encodeType, hashTypedData, MAX_TYPED_DATA_DEPTH, MAX_TYPED_DATA_TYPES } from "../../src/rpc/backend/eip712.js";
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

  // Found by the JSON-RPC fuzzer (test/fuzz): each of these answered -32603 or held the event loop.
  describe("hostile typed data", () => {
    it("refuses nesting deeper than the cap instead of overflowing the stack", () => {
      let message: Record<string, unknown> = { v: "1", next: [] };
      for (let i = 0; i < 1_500; i++) message = { v: "1", next: [message] };
      const deep: TypedData = { types: { Node: [{ name: "v", type: "uint256" }, { name: "next", type: "Node[]" }] }, primaryType: "Node", domain: {}, message };
      expect(() => hashTypedData(deep)).toThrow(`nested deeper than ${MAX_TYPED_DATA_DEPTH} levels`);
      // Just under the cap still hashes, as viem hashes it.
      let ok: Record<string, unknown> = { v: "1", next: [] };
      for (let i = 0; i < 60; i++) ok = { v: "1", next: [ok] };
      const shallow = { ...deep, message: ok };
      expect(bytesToHex(hashTypedData(shallow))).toBe(viemHashTypedData(shallow as Parameters<typeof viemHashTypedData>[0]));
    });

    it("looks type names and fields up as own properties only", () => {
      for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
        const data = JSON.parse(`{"types":{"M":[{"name":"a","type":"${name}"}]},"primaryType":"M","domain":{},"message":{"a":{}}}`) as TypedData;
        expect(() => hashTypedData(data), name).toThrow(`M.a: unknown type ${name}`);
      }
      // A declared type named __proto__ is an ordinary type (JSON.parse makes it an own key).
      const declared = JSON.parse('{"types":{"__proto__":[{"name":"x","type":"uint8"}],"M":[{"name":"a","type":"__proto__"}]},"primaryType":"M","domain":{},"message":{"a":{"x":1}}}') as TypedData;
      expect(encodeType("M", declared.types)).toBe("M(__proto__ a)__proto__(uint8 x)");
      // A field the message lacks is missing, even when Object.prototype has a member of that name.
      const field: TypedData = { types: { M: [{ name: "constructor", type: "string" }] }, primaryType: "M", domain: {}, message: {} };
      expect(() => hashTypedData(field)).toThrow("M.constructor is missing");
    });

    it("parses array types by a linear scan, adversarial names included", () => {
      expect(arraySuffix("T[2][]")).toEqual({ element: "T[2]", length: "" });
      expect(arraySuffix("T[2]")).toEqual({ element: "T", length: "2" });
      expect(arraySuffix("T[x]")).toBeNull();
      expect(arraySuffix("T")).toBeNull();
      const name = "M" + "[]".repeat(20_000) + "x";
      const data: TypedData = { types: { M: [{ name: "a", type: name }] }, primaryType: "M", domain: {}, message: { a: [] } };
      expect(() => hashTypedData(data)).toThrow(/unknown type M\[\]\[\]/);
    });

    it("caps the number of types, walks a long chain once, and clips messages", () => {
      const chain = (n: number): TypedData => {
        const types: TypedData["types"] = {};
        for (let i = 0; i < n; i++) types[`T${i}`] = i + 1 < n ? [{ name: "next", type: `T${i + 1}[]` }] : [{ name: "v", type: "uint256" }];
        return { types, primaryType: "T0", domain: {}, message: { next: [] } };
      };
      expect(() => hashTypedData(chain(MAX_TYPED_DATA_TYPES + 1))).toThrow(`too many types: ${MAX_TYPED_DATA_TYPES + 2}, at most ${MAX_TYPED_DATA_TYPES}`);
      // The longest chain allowed (the domain type is one of the 1,024) agrees with viem.
      const longest = chain(MAX_TYPED_DATA_TYPES - 1);
      expect(bytesToHex(hashTypedData(longest))).toBe(viemHashTypedData(longest as Parameters<typeof viemHashTypedData>[0]));
      const long: TypedData = { types: { M: [{ name: "a", type: "x".repeat(10_000) }] }, primaryType: "M", domain: {}, message: { a: 1 } };
      let message = "";
      try {
        hashTypedData(long);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^invalid typed data: M\.a: unknown type x+…$/);
      expect(message.length).toBeLessThan(400);
    });
  });
});
