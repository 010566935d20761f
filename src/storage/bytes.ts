/** classic-level hands back Buffers; callers get plain Uint8Arrays (no copy) so that equality and
 * `slice` behave like everywhere else in the node. */
export function asPlainBytes(v: Uint8Array | undefined | null): Uint8Array | undefined {
  if (v === undefined || v === null) return undefined;
  return Object.getPrototypeOf(v) === Uint8Array.prototype ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
