// Writes a genesis allocation into the world-state trie and returns its root.
import type { Common } from "@ethereumjs/common";
import { Account, Address, hexToBytes } from "@ethereumjs/util";
import type { GenesisAccount } from "../primitives/types.js";
import { createStateManager, type StateDB } from "./state.js";

export async function buildGenesisState(db: StateDB, common: Common, alloc: ReadonlyMap<string, GenesisAccount>): Promise<Uint8Array> {
  const sm = createStateManager(db, undefined, common, false);
  await sm.checkpoint();
  for (const [addr, a] of alloc) {
    const address = new Address(hexToBytes(addr as `0x${string}`));
    await sm.putAccount(address, new Account(a.nonce, a.balance));
    if (a.code.length > 0) await sm.putCode(address, a.code);
    for (const [slot, value] of a.storage) await sm.putStorage(address, slot, value);
  }
  await sm.commit();
  return sm.getStateRoot();
}
