// One step of block execution (a transaction, a system call) either completes or leaves the state
// exactly as it was before the step: nothing half-applied, no checkpoint left open.
//
// Why this is needed (issue 12, items 2 and 3): @ethereumjs opens a journal checkpoint for every
// message frame and closes it when the frame returns a result. A frame that throws (an exception out
// of the EVM, such as the point-evaluation precompile's "kzg not initialized", as opposed to an EVM
// error, which is a result) leaves its checkpoint, and those of the frames around it, open. runTx's
// catch then reverts one checkpoint: the innermost frame's, not the transaction's. So the skipped
// transaction's gas purchase and nonce bump stayed in the block (value charged, nobody credited,
// the transaction in no block), and the block's own checkpoint never closed: the state manager's
// trie kept every later write in its in-memory checkpoint layer, never in the database. The live
// executor saw the new code and nodes; every fresh view over the database (eth_getCode,
// eth_getProof, eth_call) did not, while the account's codeHash, read through the live path, was
// right.
import { EVM } from "@ethereumjs/evm";
import type { VM } from "@ethereumjs/vm";
import type { BatchFlushStateManager } from "./state.js";

/** The state manager has fewer checkpoints open than the block had: its changes can no longer be
 * told apart from the block's, so the block cannot go on. */
export class ExecutionStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExecutionStateError";
  }
}

/** Reverts every checkpoint above `depth` and resets the per-transaction EVM state a throw skipped
 * (warm sets, touched accounts, transient storage). */
export async function unwindTo(vm: VM, sm: BatchFlushStateManager, depth: number): Promise<void> {
  while (sm.openCheckpoints > depth) await sm.revert();
  vm.evm.journal.cleanJournal();
  // What EVM.postMessageCleanup (private) does after a frame at depth 0 returns.
  if (vm.evm instanceof EVM && vm.common.isActivatedEIP(1153)) vm.evm.transientStorage.clear();
}

/**
 * Runs `step`; if it throws, reverts whatever it wrote (every checkpoint it left open, its own
 * included) and rethrows. A step that returns with checkpoints left open or closed too many is an
 * error as well (ExecutionStateError when the block's own checkpoint is gone).
 */
export async function isolated<T>(vm: VM, sm: BatchFlushStateManager, step: () => Promise<T>): Promise<T> {
  const depth = sm.openCheckpoints;
  let out: T;
  try {
    out = await step();
  } catch (e) {
    if (sm.openCheckpoints < depth) throw new ExecutionStateError(`a failed step closed ${depth - sm.openCheckpoints} checkpoint(s) of the block: ${(e as Error).message}`);
    await unwindTo(vm, sm, depth);
    throw e;
  }
  if (sm.openCheckpoints < depth) throw new ExecutionStateError(`a step closed ${depth - sm.openCheckpoints} checkpoint(s) of the block`);
  if (sm.openCheckpoints > depth) {
    const open = sm.openCheckpoints - depth;
    await unwindTo(vm, sm, depth);
    throw new Error(`execution left ${open} checkpoint(s) open`);
  }
  return out;
}
