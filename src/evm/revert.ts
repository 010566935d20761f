// Revert data as people read it: Solidity's Error(string) and Panic(uint256). Execution owns this
// (tracers name the reason of a failed frame); rpc/ uses it for code-3 error messages.

/** Solidity's builtin error selectors: Error(string) and Panic(uint256). */
const ERROR_STRING_SELECTOR = "08c379a0";
const PANIC_SELECTOR = "4e487b71";

/** Solidity's panic codes, worded as geth words them. */
const PANIC_REASONS = new Map<bigint, string>([
  [0x00n, "generic panic"],
  [0x01n, "assert(false)"],
  [0x11n, "arithmetic underflow or overflow"],
  [0x12n, "division or modulo by zero"],
  [0x21n, "enum overflow"],
  [0x22n, "invalid encoded storage byte array accessed"],
  [0x31n, "out-of-bounds array access; popping on an empty array"],
  [0x32n, "out-of-bounds access of an array or bytesN"],
  [0x41n, "out of memory"],
  [0x51n, "uninitialized function"],
]);

function selectorOf(revert: Uint8Array): string {
  return Array.from(revert.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
}

function readWord(bytes: Uint8Array, offset: number): bigint | null {
  if (offset < 0 || offset + 32 > bytes.length) return null;
  let value = 0n;
  for (let i = offset; i < offset + 32; i++) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/**
 * The human-readable reason inside revert data: the string of Error(string), or the meaning of a
 * Panic(uint256) code. null for anything else (custom errors, empty or malformed data); clients
 * decode those themselves from the data.
 */
export function decodeRevertReason(revert: Uint8Array): string | null {
  if (revert.length < 4) return null;
  const selector = selectorOf(revert);
  const body = revert.subarray(4);
  if (selector === PANIC_SELECTOR) {
    const code = readWord(body, 0);
    if (code === null) return null;
    return PANIC_REASONS.get(code) ?? `unknown panic code: 0x${code.toString(16)}`;
  }
  if (selector !== ERROR_STRING_SELECTOR) return null;
  const offset = readWord(body, 0);
  if (offset === null || offset > BigInt(body.length)) return null;
  const length = readWord(body, Number(offset));
  if (length === null) return null;
  const start = Number(offset) + 32;
  if (BigInt(start) + length > BigInt(body.length)) return null;
  return new TextDecoder().decode(body.subarray(start, start + Number(length)));
}
