// The V8 heap setting a long-running node process starts with.
//
// V8 sizes the old generation for throughput: after each full collection it lets the heap grow to
// a multiple of what survived, up to 4x for a process that allocates fast. A node under a burst of
// transactions allocates fast (decoded transactions, RLP, trie nodes), so its heap ran to about
// twice its live data and stayed there: over the bench's 40,000 transfers to 20,000 fresh accounts
// (1 s blocks) the process peaked at 743 and 872 MiB resident while a full collection left 150-290
// MiB live. With the growing factor fixed at 1.2 the same run peaked at 468 and 471 MiB (anvil:
// 348 MiB in the same scenario), with no CPU cost that the shared machine could resolve
// (1.2-1.6 ms per transfer either way; measured 2026-12-03, `npm run bench -- memory` method).
import { setFlagsFromString } from "node:v8";

/** Old-generation growth after a full collection: 1 + this / 100 times what survived. */
export const HEAP_GROWING_PERCENT = 20;

/** Applied by `verity start` before the node opens anything. */
export function tuneHeapForNode(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
