// Byte helpers for the consensus codecs: a growable writer and a strict reader.
//
// The reader throws a private `DecodeFailure` on any overrun or out-of-range field; every public
// decoder catches it at its top level and returns a typed error instead, so garbage from the
// network never escapes as an exception.

export class DecodeFailure extends Error {}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true; // one array (shared message fields, a seed compared with itself)
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of byte strings (shorter prefix first). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** ASCII codes of each byte's two hex digits, at 2b and 2b + 1. */
const HEX_CODES = (() => {
  const t = new Uint8Array(512);
  const digits = "0123456789abcdef";
  for (let b = 0; b < 256; b++) {
    t[2 * b] = digits.charCodeAt(b >> 4);
    t[2 * b + 1] = digits.charCodeAt(b & 15);
  }
  return t;
})();
/** Where short keys are spelled out before becoming one string (toHex is synchronous). */
const hexScratch = Buffer.allocUnsafe(128);

export function toHex(bytes: Uint8Array): string {
  // Short keys (addresses, hashes) are hexed on every message: digits written through a table into
  // a scratch buffer and read back as one flat string. (Appending two digits at a time left one
  // string object per byte behind, the simulator's largest single source of garbage.)
  const n = bytes.length;
  if (n <= 64) {
    for (let i = 0; i < n; i++) {
      const at = 2 * (bytes[i] as number);
      hexScratch[2 * i] = HEX_CODES[at] as number;
      hexScratch[2 * i + 1] = HEX_CODES[at + 1] as number;
    }
    return hexScratch.toString("latin1", 0, 2 * n);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Value of an ASCII hex digit by char code, -1 for anything else. */
const HEX_VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i++) {
    t["0123456789abcdef".charCodeAt(i)] = i;
    t["0123456789ABCDEF".charCodeAt(i)] = i;
  }
  return t;
})();

export function fromHex(hex: string): Uint8Array {
  const n = hex.length;
  // Short keys (hashes the engine keeps by hex) go back to bytes per message: a table beats the
  // regular expression and two Buffer copies. Same digits accepted, same bytes, same error.
  if (n <= 128 && n % 2 === 0) {
    const out = new Uint8Array(n >> 1);
    for (let i = 0; i < n; i += 2) {
      const hi = HEX_VALUE[hex.charCodeAt(i)] ?? -1;
      const lo = HEX_VALUE[hex.charCodeAt(i + 1)] ?? -1;
      if (hi < 0 || lo < 0) throw new Error(`invalid hex: ${hex.slice(0, 16)}`);
      out[i >> 1] = (hi << 4) | lo;
    }
    return out;
  }
  if (n % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`invalid hex: ${hex.slice(0, 16)}`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const MAX_U64 = (1n << 64n) - 1n;

export class ByteWriter {
  private buf: Uint8Array;
  /** Over buf, remade only when buf grows (not one DataView per integer written). */
  private view: DataView;
  private len = 0;

  /**
   * @param capacity the bytes expected (a hint): an encoding of a large block that states its size
   *   is written without regrowing, and one that fills it exactly is returned without a copy.
   */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(Number.isSafeInteger(capacity) && capacity > 0 ? capacity : 256); // never 0: growth doubles
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 out of range: ${v}`);
    this.ensure(4);
    this.view.setUint32(this.len, v);
    this.len += 4;
    return this;
  }

  /** Heights are JS numbers; they are written as u64 and must be safe integers. */
  u64(v: number | bigint): this {
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) {
      // Heights and rounds: two u32 halves, the same bytes as the bigint path without a bigint.
      this.ensure(8);
      this.view.setUint32(this.len, Math.floor(v / 0x1_0000_0000));
      this.view.setUint32(this.len + 4, v % 0x1_0000_0000);
      this.len += 8;
      return this;
    }
    const b = BigInt(v);
    if (b < 0n || b > MAX_U64) throw new RangeError(`u64 out of range: ${v}`);
    this.ensure(8);
    this.view.setBigUint64(this.len, b);
    this.len += 8;
    return this;
  }

  /** Fixed-length field: the caller states the length the format requires. */
  fixed(bytes: Uint8Array, length: number): this {
    if (bytes.length !== length) throw new RangeError(`expected ${length} bytes, got ${bytes.length}`);
    this.ensure(length);
    this.buf.set(bytes, this.len);
    this.len += length;
    return this;
  }

  /** u32 length prefix, then the bytes. */
  varBytes(bytes: Uint8Array): this {
    this.u32(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  /** Unsigned bigint of any size: u16 byte length, then big-endian magnitude. */
  bigUint(v: bigint): this {
    if (v < 0n) throw new RangeError("negative bigint");
    let hex = v.toString(16);
    if (hex.length % 2) hex = "0" + hex;
    if (v === 0n) hex = "";
    const bytes = fromHex(hex);
    if (bytes.length > 0xffff) throw new RangeError("bigint too large");
    this.ensure(2 + bytes.length);
    this.view.setUint16(this.len, bytes.length);
    this.len += 2;
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  finish(): Uint8Array {
    // A full buffer is handed over as it is: any later write would have to grow into a new one.
    return this.len === this.buf.length ? this.buf : this.buf.slice(0, this.len);
  }
}

export class ByteReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.at + n > this.bytes.length) throw new DecodeFailure(`truncated: need ${n} bytes at offset ${this.at}`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.at++] as number;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }

  /** u64 that must fit a safe integer (heights). */
  u64Number(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.at);
    this.at += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeFailure("u64 beyond safe integer range");
    return Number(v);
  }

  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.at);
    this.at += 8;
    return v;
  }

  fixed(length: number): Uint8Array {
    this.need(length);
    const out = this.bytes.slice(this.at, this.at + length);
    this.at += length;
    return out;
  }

  varBytes(maxLength: number): Uint8Array {
    const length = this.u32();
    if (length > maxLength) throw new DecodeFailure(`length ${length} exceeds limit ${maxLength}`);
    return this.fixed(length);
  }

  bigUint(maxBytes: number): bigint {
    this.need(2);
    const length = this.view.getUint16(this.at);
    this.at += 2;
    if (length > maxBytes) throw new DecodeFailure(`bigint of ${length} bytes exceeds ${maxBytes}`);
    const raw = this.fixed(length);
    // Canonical form: no leading zero byte, so one number has one encoding (certificate hashes).
    if (length > 0 && raw[0] === 0) throw new DecodeFailure("non-canonical bigint (leading zero)");
    return length === 0 ? 0n : BigInt("0x" + toHex(raw));
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** Strict decoders reject trailing bytes: one message has exactly one encoding. */
  end(): void {
    if (this.at !== this.bytes.length) throw new DecodeFailure(`${this.bytes.length - this.at} trailing bytes`);
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Runs a decoder body, turning reader failures (and only those) into a typed error. */
export function runDecoder<T>(body: () => T): DecodeResult<T> {
  try {
    return { ok: true, value: body() };
  } catch (e) {
    if (e instanceof DecodeFailure) return { ok: false, error: e.message };
    if (e instanceof RangeError) return { ok: false, error: e.message };
    throw e;
  }
}
