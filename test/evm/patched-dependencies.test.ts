// The patches in patches/ (applied by patch-package on every install, see package.json's postinstall)
// are in the installed files, and the patched @ethereumjs/util helpers still give what the library
// documents: padding, and a bigint's minimal big-endian bytes (checked against Node's own hex).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bigIntToBytes, setLengthLeft, setLengthRight } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const patchDir = join(root, "patches");

/** The lines each patch adds, by the file it adds them to. */
function addedLinesByFile(patch: string): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of patch.split("\n")) {
    const header = /^diff --git a\/(\S+) b\//.exec(line);
    if (header !== null) {
      current = [];
      byFile.set(header[1]!, current);
    } else if (current !== null && line.startsWith("+") && !line.startsWith("+++")) current.push(line.slice(1));
  }
  return byFile;
}

describe("patched dependencies", () => {
  const patches = readdirSync(patchDir).filter((f) => f.endsWith(".patch"));

  it("has every patch applied to the installed files", () => {
    expect(patches.length).toBeGreaterThan(0);
    for (const name of patches) {
      const files = addedLinesByFile(readFileSync(join(patchDir, name), "utf8"));
      expect(files.size).toBeGreaterThan(0);
      for (const [file, added] of files) {
        const installed = readFileSync(join(root, file), "utf8");
        for (const line of added) expect(installed, `${name}: ${file}`).toContain(line);
      }
    }
  });

  it("@ethereumjs/util setLengthLeft / setLengthRight pad with zeros, keep exact lengths, refuse longer input", () => {
    const msg = Uint8Array.from([0xab, 0xcd]);
    expect([...setLengthLeft(msg, 5)]).toEqual([0, 0, 0, 0xab, 0xcd]);
    expect([...setLengthRight(msg, 5)]).toEqual([0xab, 0xcd, 0, 0, 0]);
    expect([...setLengthLeft(new Uint8Array(0), 3)]).toEqual([0, 0, 0]);
    // A padded result is a new array: writing to it leaves the input alone.
    const padded = setLengthLeft(msg, 4);
    padded[3] = 0;
    expect([...msg]).toEqual([0xab, 0xcd]);
    expect(setLengthLeft(msg, 2)).toBe(msg);
    expect(() => setLengthLeft(msg, 1)).toThrow(/exceeds target length/);
    expect([...setLengthLeft(msg, 1, { allowTruncate: true })]).toEqual([0xcd]);
    expect([...setLengthRight(msg, 1, { allowTruncate: true })]).toEqual([0xab]);
    const word = setLengthLeft(Uint8Array.from([1]), 32);
    expect(word.length).toBe(32);
    expect(word[31]).toBe(1);
    expect(word.subarray(0, 31).every((b) => b === 0)).toBe(true);
  });

  it("@ethereumjs/util bigIntToBytes gives minimal big-endian bytes (little-endian reversed) and refuses negatives", () => {
    const values = [0n, 1n, 15n, 16n, 255n, 256n, 4095n, 4096n, 65535n, 65536n, 2n ** 53n - 1n, 2n ** 64n, 2n ** 255n, 2n ** 256n - 1n];
    for (let i = 1; i <= 40; i++) values.push(BigInt(`0x${"9f".repeat(i)}`), BigInt(`0x${"a".repeat(2 * i - 1)}`));
    for (const v of values) {
      const hex = v.toString(16);
      const expected = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, "hex");
      expect(Buffer.from(bigIntToBytes(v)).equals(expected), `0x${hex}`).toBe(true);
      expect(Buffer.from(bigIntToBytes(v, true)).equals(Buffer.from(expected).reverse()), `0x${hex} little-endian`).toBe(true);
    }
    expect(() => bigIntToBytes(-1n)).toThrow();
  });
});
