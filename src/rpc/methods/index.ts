// The standard method table: every namespace issue 2 serves. Issue 5 adds its namespaces (debug_,
// txpool_, filters, subscriptions, dev signing) as further tables passed to startRpcServer.
import { ethBlockMethods } from "./eth-blocks.js";
import { ethChainMethods } from "./eth-chain.js";
import { ethLogMethods } from "./eth-logs.js";
import { ethStateMethods } from "./eth-state.js";
import { netMethods } from "./net.js";
import type { MethodTable } from "./types.js";
import { web3Methods } from "./web3.js";

/** Merges tables; a name defined twice is a programming error, reported at startup. */
export function mergeMethodTables(...tables: MethodTable[]): MethodTable {
  const merged: MethodTable = Object.create(null) as MethodTable;
  for (const table of tables) {
    for (const [name, method] of Object.entries(table)) {
      if (Object.hasOwn(merged, name)) throw new Error(`JSON-RPC method ${name} is defined twice`);
      merged[name] = method;
    }
  }
  return merged;
}

export function standardMethods(): MethodTable {
  return mergeMethodTables(web3Methods, netMethods, ethChainMethods, ethStateMethods, ethBlockMethods, ethLogMethods);
}
