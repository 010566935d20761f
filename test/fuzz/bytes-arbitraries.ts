// Byte-level inputs for decoders: random strings of bytes, and valid encodings mutated the way
// corruption and hostile peers mutate them (bit flips, truncation, bytes set to RLP and length
// boundaries, appended garbage, a slice repeated), so that most inputs get past the first check.
import fc from "fast-check";

const BOUNDARY_BYTES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xbf, 0xc0, 0xf7, 0xf8, 0xff];

type Edit =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "cut"; at: number }
  | { kind: "set"; at: number; byte: number }
  | { kind: "append"; tail: Uint8Array }
  | { kind: "repeat"; at: number; length: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.oneof(fc.constantFrom(...BOUNDARY_BYTES), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant("append" as const), tail: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);

function apply(bytes: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    if (e.kind === "append") b = Buffer.concat([b, Buffer.from(e.tail)]);
    else if (b.length === 0) continue;
    else if (e.kind === "cut") b = b.subarray(0, e.at % b.length);
    else if (e.kind === "flip") b[e.at % b.length]! ^= 1 << e.bit;
    else if (e.kind === "set") b[e.at % b.length] = e.byte;
    else {
      const at = e.at % b.length;
      const slice = b.subarray(at, at + e.length);
      b = Buffer.concat([b.subarray(0, at), slice, slice, b.subarray(at + slice.length)]);
    }
  }
  return new Uint8Array(b);
}

/** One of `samples` with one to four edits. */
export function mutatedBytes(samples: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([sample, edits]) => apply(sample, edits));
}

/** Random bytes, mutated samples, and samples with a random prefix kept (a valid head, garbage after). */
export function decoderInput(samples: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const spliced = fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.uint8Array({ maxLength: 256 })).map(([s, at, tail]) => {
    const cut = s.length === 0 ? 0 : at % s.length;
    const out = new Uint8Array(cut + tail.length);
    out.set(s.subarray(0, cut));
    out.set(tail, cut);
    return out;
  });
  return fc.oneof({ weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }) }, { weight: 5, arbitrary: mutatedBytes(samples) }, { weight: 1, arbitrary: spliced });
}

/** `mutatedBytes` over a 0x-hex string (the RPC's form of raw transactions). */
export function mutatedHex(hex: string): fc.Arbitrary<string> {
  return mutatedBytes([Buffer.from(hex.slice(2), "hex")]).map((b) => `0x${Buffer.from(b).toString("hex")}`);
}
