// eth_createAccessList, as geth computes it: run the call with a tracer that records every address
// and storage slot it touches, then run it again with that list, until the list stops changing (a
// list can change the path execution takes, e.g. through gas-dependent branches). The sender, the
// recipient or created contract and the precompiles are warm anyway, so an address touched alone is
// left out for them; their storage slots are not warm, so a slot they read or write is listed with
// its address like any other (an ERC-20 `approve` lists the token's allowance slot).
import { getActivePrecompiles } from "@ethereumjs/evm";
import { runTx } from "@ethereumjs/vm";
import { Address, bytesToHex, createContractAddress, hexToBytes } from "@ethereumjs/util";
import type { AccessListResult, CallRequest } from "./types.js";
import { ethjsReason, type CallExecutor } from "./call.js";
import type { BlockEnv } from "./executor.js";
import { attachTracer, gethErrorName, type EvmTracer, type InterpreterStep } from "./trace-hooks.js";
import { TraceError } from "./trace.js";

type AccessList = NonNullable<CallRequest["accessList"]>;

/** Rounds before giving up on a list that keeps changing (geth loops until it settles; so do we, bounded). */
const MAX_ROUNDS = 16;
/** A run's time budget: the same order as geth's default call timeout. */
const ROUND_TIMEOUT_MS = 5_000;

const ADDRESS_OPS = new Set(["EXTCODECOPY", "EXTCODEHASH", "EXTCODESIZE", "BALANCE", "SELFDESTRUCT"]);
const CALL_OPS = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]);

const addressOfWord = (value: bigint): string => "0x" + (value & ((1n << 160n) - 1n)).toString(16).padStart(40, "0");
const slotWord = (value: bigint): string => "0x" + value.toString(16).padStart(64, "0");

class AccessListTracer implements EvmTracer {
  /** 0x address -> 0x slot words, in first-touch order (geth's list keeps insertion order too). */
  readonly touched = new Map<string, Set<string>>();

  constructor(
    seed: AccessList,
    private readonly excluded: Set<string>,
  ) {
    for (const entry of seed) {
      const address = bytesToHex(entry.address);
      if (this.excluded.has(address) && entry.storageKeys.length === 0) continue;
      const slots = this.address(address);
      for (const key of entry.storageKeys) slots.add(bytesToHex(key));
    }
  }

  private address(address: string): Set<string> {
    let slots = this.touched.get(address);
    if (slots === undefined) {
      slots = new Set();
      this.touched.set(address, slots);
    }
    return slots;
  }

  onStep(step: InterpreterStep): void {
    const op = step.opcode.name;
    const stack = step.stack;
    const top = stack[stack.length - 1];
    if (top === undefined) return;
    if (op === "SLOAD" || op === "SSTORE") {
      this.address(step.address.toString()).add(slotWord(top));
    } else if (ADDRESS_OPS.has(op) || (CALL_OPS.has(op) && stack.length >= 2)) {
      const address = addressOfWord(ADDRESS_OPS.has(op) ? top : stack[stack.length - 2]!);
      if (!this.excluded.has(address)) this.address(address);
    }
  }

  list(): AccessList {
    return [...this.touched].map(([address, slots]) => ({
      address: hexToBytes(address as `0x${string}`),
      storageKeys: [...slots].map((slot) => hexToBytes(slot as `0x${string}`)),
    }));
  }

  sameAs(other: AccessListTracer): boolean {
    if (this.touched.size !== other.touched.size) return false;
    for (const [address, slots] of this.touched) {
      const theirs = other.touched.get(address);
      if (theirs === undefined || theirs.size !== slots.size || [...slots].some((s) => !theirs.has(s))) return false;
    }
    return true;
  }
}

export async function createAccessList(calls: CallExecutor, root: Uint8Array, env: BlockEnv, request: CallRequest): Promise<AccessListResult> {
  const vm = await calls.vmAt(root);
  const from = new Address(request.from ?? new Uint8Array(20));
  const excluded = new Set<string>([from.toString()]);
  if (request.to !== undefined) excluded.add(bytesToHex(request.to));
  else {
    const nonce = request.nonce ?? (await vm.stateManager.getAccount(from))?.nonce ?? 0n;
    excluded.add(createContractAddress(from, nonce).toString());
  }
  for (const key of getActivePrecompiles(vm.common).keys()) excluded.add("0x" + key.replace(/^0x/, ""));

  let previous = new AccessListTracer(request.accessList ?? [], excluded);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const accessList = previous.list();
    const withList: CallRequest = { ...request, accessList };
    const tx = calls.message(withList, calls.capped(request.gas));
    const tracer = new AccessListTracer(accessList, excluded);
    const detach = attachTracer(vm, tracer, Date.now() + ROUND_TIMEOUT_MS);
    await vm.evm.journal.checkpoint();
    let run;
    try {
      run = await runTx(vm, { tx, block: calls.block(env, withList), skipNonce: true, skipBalance: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true });
    } catch (err) {
      throw new TraceError(`failed to apply transaction: ${ethjsReason(err)}`);
    } finally {
      detach();
      await vm.evm.journal.revert();
    }
    if (tracer.sameAs(previous)) {
      const error = run.execResult.exceptionError;
      return { accessList, gasUsed: run.totalGasSpent, ...(error ? { error: gethErrorName(error.error) } : {}) };
    }
    previous = tracer;
  }
  throw new TraceError(`the access list did not settle after ${MAX_ROUNDS} runs`);
}
