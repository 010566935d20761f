// encodeRlp (src/primitives/rlp.ts) against the examples of the RLP specification
// (ethereum.org's "Recursive-length prefix (RLP) serialization") and, on seeded random nested
// items across every prefix boundary, against @ethereumjs/rlp byte for byte.
import { describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { encodeRlp, rlpItemAt, type RlpItem } from "../../src/primitives/rlp.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (item: RlpItem) => bytesToHex(encodeRlp(item));

describe("encodeRlp", () => {
  it("gives the specification's examples", () => {
    expect(hex(utf8("dog"))).toBe("0x83646f67");
    expect(hex([utf8("cat"), utf8("dog")])).toBe("0xc88363617483646f67");
    expect(hex(new Uint8Array(0))).toBe("0x80");
    expect(hex([])).toBe("0xc0");
    expect(hex(Uint8Array.of(0x00))).toBe("0x00");
    expect(hex(Uint8Array.of(0x0f))).toBe("0x0f");
    expect(hex(Uint8Array.of(0x04, 0x00))).toBe("0x820400");
    // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
    expect(hex([[], [[]], [[], [[]]]])).toBe("0xc7c0c1c0c3c0c1c0");
    expect(hex(utf8("Lorem ipsum dolor sit amet, consectetur adipisicing elit"))).toBe(
      "0xb8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974",
    );
  });

  it("writes the long-form prefixes at each length boundary as @ethereumjs/rlp does", () => {
    for (const n of [55, 56, 255, 256, 65535, 65536, 16_777_216]) {
      const bytes = new Uint8Array(n).fill(0xab);
      expect(bytesToHex(encodeRlp(bytes).subarray(0, 8)), `string of ${n}`).toBe(bytesToHex(RLP.encode(bytes).subarray(0, 8)));
      expect(encodeRlp(bytes).length).toBe(RLP.encode(bytes).length);
    }
    // A list whose payload is 56 bytes (the first long list) and one above 65,535.
    const list56 = [new Uint8Array(54).fill(1), Uint8Array.of(5)];
    expect(hex(list56)).toBe(bytesToHex(RLP.encode(list56)));
    expect(hex(list56).slice(0, 6)).toBe("0xf838");
    const big = Array.from({ length: 300 }, () => new Uint8Array(300).fill(7));
    expect(hex(big)).toBe(bytesToHex(RLP.encode(big)));
  });

  it("matches @ethereumjs/rlp on seeded random nested items", () => {
    let seed = 20261207;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const lengths = [0, 1, 1, 1, 2, 20, 32, 55, 56, 57, 200, 256, 1000];
    const randomItem = (depth: number): RlpItem => {
      if (depth > 4 || rand(3) > 0) {
        const b = new Uint8Array(lengths[rand(lengths.length)]!);
        for (let i = 0; i < b.length; i++) b[i] = rand(256);
        return b;
      }
      return Array.from({ length: rand(18) }, () => randomItem(depth + 1));
    };
    for (let i = 0; i < 2000; i++) {
      const item = randomItem(0);
      expect(hex(item), `item ${i}`).toBe(bytesToHex(RLP.encode(item as Uint8Array)));
    }
  });

  it("encodes a view of a larger buffer by its own bytes", () => {
    const backing = hexToBytes("0x00112233445566778899");
    expect(hex([backing.subarray(2, 5), backing.subarray(9, 10)])).toBe("0xc6832233448199");
  });

  it("refuses what is neither bytes nor a list", () => {
    expect(() => encodeRlp(5 as unknown as RlpItem)).toThrow(TypeError);
    expect(() => encodeRlp(["dog" as unknown as RlpItem])).toThrow(/only byte arrays and lists/);
  });
});

describe("rlpItemAt", () => {
  it("finds each item's content and the next item, for every header form, as @ethereumjs/rlp decodes it", () => {
    const items: RlpItem[] = [
      Uint8Array.of(0x05), // single byte
      new Uint8Array(0), // empty string
      new Uint8Array(55).fill(1), // longest short string
      new Uint8Array(56).fill(2), // shortest long string (0xb8)
      new Uint8Array(300).fill(3), // two length bytes (0xb9)
      [], // empty list
      [Uint8Array.of(1), [Uint8Array.of(2)]], // short list
      [new Uint8Array(60).fill(4)], // long list (0xf8)
    ];
    const encoded = items.map((i) => RLP.encode(i as Uint8Array));
    const all = new Uint8Array(encoded.reduce((n, e) => n + e.length, 0));
    let at = 0;
    for (const e of encoded) {
      all.set(e, at);
      at += e.length;
    }
    at = 0;
    for (const [k, item] of items.entries()) {
      const span = rlpItemAt(all, at);
      expect(span, `item ${k}`).not.toBeNull();
      expect(span!.list).toBe(Array.isArray(item));
      expect(span!.next - at).toBe(encoded[k]!.length);
      const content = all.subarray(span!.start, span!.next);
      if (item instanceof Uint8Array) expect(bytesToHex(content)).toBe(bytesToHex(item));
      else expect(RLP.decode(all.subarray(at, span!.next))).toEqual(item); // the content is the list's payload
      at = span!.next;
    }
    expect(rlpItemAt(all, at)).toBeNull(); // nothing after the last
  });

  it("is null when the header or the content runs past the end", () => {
    const long = RLP.encode(new Uint8Array(300));
    expect(rlpItemAt(long, 0, long.length - 1)).toBeNull();
    expect(rlpItemAt(long.subarray(0, 2), 0)).toBeNull(); // length bytes cut
    expect(rlpItemAt(Uint8Array.of(0x83, 1, 2), 0)).toBeNull();
    expect(rlpItemAt(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0)).toBeNull();
    expect(rlpItemAt(new Uint8Array(0), 0)).toBeNull();
  });
});
