// System calls: the node itself calling a system contract inside block execution (or at genesis),
// as Ethereum runs its EIP-2935/7002 system calls: from SYSTEM_ADDRESS, no signature, no nonce, no
// fee, not counted in the block's gas, inside the block's journal checkpoint, so they land in the
// state root exactly like the block's transactions. A failing system call fails the block (the
// caller throws). What a system contract means is known above this room (src/staking/); this file
// only knows how to run one.
import type { Common } from "@ethereumjs/common";
import type { Block as EthjsBlock } from "@ethereumjs/block";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, Address, bytesToHex } from "@ethereumjs/util";
import { createVM, type VM } from "@ethereumjs/vm";
import type { Address20 } from "../primitives/types.js";
import { createStateManager, type StateDB } from "./state.js";

/** EIP-4788/2935/7002's system address (2^160 - 2). */
export const SYSTEM_ADDRESS: Address20 = new Uint8Array(20).fill(0xff).map((b, i) => (i === 19 ? 0xfe : b));

/**
 * Gas for one system call. Not paid by anyone and not part of a block's gas: it only bounds a call
 * that would loop for ever. Large enough for an epoch change over 1,000 validators.
 */
export const SYSTEM_CALL_GAS = 1_000_000_000n;

/** What a system hook may do to the state of the block being executed. */
export interface SystemCalls {
  /** Calls `to` from SYSTEM_ADDRESS with `data` (and `value`, minted for the call); returns the return data. Throws if the call fails. */
  call(to: Address20, data: Uint8Array, value?: bigint): Promise<Uint8Array>;
  /** Adds newly minted wei to an account. */
  credit(address: Address20, amount: bigint): Promise<void>;
  /** Removes wei from an account (a burn); throws if the account holds less. */
  debit(address: Address20, amount: bigint): Promise<void>;
  /** Places code at an address (genesis only). */
  putCode(address: Address20, code: Uint8Array): Promise<void>;
}

export class SystemCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SystemCallError";
  }
}

/** System calls on `vm`'s state, in the environment of `block` (block.number & co as the contract sees them). */
export function systemCallsOn(vm: VM, block: EthjsBlock | undefined): SystemCalls {
  const sm = vm.stateManager;
  const system = new Address(SYSTEM_ADDRESS);
  const modify = async (address: Address20, change: (balance: bigint) => bigint): Promise<void> => {
    const a = new Address(address);
    const account = (await sm.getAccount(a)) ?? new Account();
    account.balance = change(account.balance);
    await sm.putAccount(a, account);
  };
  return {
    async call(to, data, value = 0n) {
      // The system address must not become a state account (as ethereumjs's own system calls keep it).
      const before = await sm.getAccount(system);
      if (value > 0n) await modify(SYSTEM_ADDRESS, (b) => b + value);
      const r = await vm.evm.runCall({ caller: system, origin: system, to: new Address(to), data, value, gasLimit: SYSTEM_CALL_GAS, ...(block ? { block } : {}) });
      if (before === undefined) await sm.deleteAccount(system);
      else await sm.putAccount(system, before);
      const err = r.execResult.exceptionError;
      if (err) throw new SystemCallError(`system call to ${bytesToHex(to)} failed: ${err.error} (return data ${bytesToHex(r.execResult.returnValue)})`);
      return r.execResult.returnValue;
    },
    credit: (address, amount) => modify(address, (b) => b + amount),
    async debit(address, amount) {
      await modify(address, (b) => {
        if (b < amount) throw new SystemCallError(`cannot burn ${amount} wei from ${bytesToHex(address)}: it holds ${b}`);
        return b - amount;
      });
    },
    async putCode(address, code) {
      const a = new Address(address);
      if ((await sm.getAccount(a)) === undefined) await sm.putAccount(a, new Account());
      await sm.putCode(a, code);
    },
  };
}

/**
 * A read-only call at a committed state root (views of a system contract: the validator set of an
 * epoch, its candidates). Nothing it does is kept.
 */
export class SystemViews {
  constructor(
    private readonly db: StateDB,
    private readonly common: Common,
  ) {}

  async read(root: Uint8Array, to: Address20, data: Uint8Array): Promise<Uint8Array> {
    const stateManager: MerkleStateManager = createStateManager(this.db, root, this.common, false);
    const vm = await createVM({ common: this.common, stateManager });
    await vm.evm.journal.checkpoint();
    try {
      return await systemCallsOn(vm, undefined).call(to, data);
    } finally {
      await vm.evm.journal.revert();
    }
  }
}
