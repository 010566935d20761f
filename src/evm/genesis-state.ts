// Writes a genesis allocation into the world-state trie and returns its root. A chain whose genesis
// also initialises system contracts (the staking ledger) passes `init`: it runs after the allocation,
// as system calls at height 0, and its writes are part of the genesis state root.
import type { Common } from "@ethereumjs/common";
import { Account, Address, hexToBytes } from "@ethereumjs/util";
import { createVM } from "@ethereumjs/vm";
import type { GenesisAccount } from "../primitives/types.js";
import { ethjsBlockFor } from "./executor.js";
import { createStateManager, type StateDB } from "./state.js";
import { systemCallsOn, type SystemCalls } from "./system-call.js";

export type GenesisInit = (calls: SystemCalls) => Promise<void>;

export async function buildGenesisState(
  db: StateDB,
  common: Common,
  alloc: ReadonlyMap<string, GenesisAccount>,
  init?: { timestamp: bigint; gasLimit: bigint; run: GenesisInit },
): Promise<Uint8Array> {
  const sm = createStateManager(db, undefined, common, false);
  await sm.checkpoint();
  for (const [addr, a] of alloc) {
    const address = new Address(hexToBytes(addr as `0x${string}`));
    await sm.putAccount(address, new Account(a.nonce, a.balance));
    if (a.code.length > 0) await sm.putCode(address, a.code);
    for (const [slot, value] of a.storage) await sm.putStorage(address, slot, value);
  }
  if (init) {
    const vm = await createVM({ common, stateManager: sm });
    const block = ethjsBlockFor({ number: 0n, timestamp: init.timestamp, proposer: new Uint8Array(20), gasLimit: init.gasLimit, baseFeePerGas: 0n, prevRandao: new Uint8Array(32) }, common);
    await init.run(systemCallsOn(vm, block));
  }
  await sm.commit();
  return sm.getStateRoot();
}
