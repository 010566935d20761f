// The method tables a server serves: the standard namespaces every backend supports, plus those the
// backend's optional capabilities unlock (filters and subscriptions need chain events, debug_trace*
// and eth_createAccessList need tracing, ...). A method a backend cannot serve is simply absent, so
// clients get geth's -32601 for it.
import type { RpcBackend } from "../backend/port.js";
import { debugRawMethods, debugTraceMethods } from "./debug.js";
import { ethBlockMethods } from "./eth-blocks.js";
import { ethChainMethods } from "./eth-chain.js";
import { ethLogMethods } from "./eth-logs.js";
import { ethNodeMethods } from "./eth-node.js";
import { accessListMethods, ethProofMethods, ethStorageMethods } from "./eth-proof.js";
import { ethStateMethods } from "./eth-state.js";
import { filterMethods } from "./filters.js";
import { netMethods } from "./net.js";
import { signingMethods } from "./signing.js";
import { subscriptionMethods } from "./subscribe.js";
import { txpoolMethods } from "./txpool.js";
import { verityMethods } from "./verity.js";
import { verityConsensusMethods } from "./verity-consensus.js";
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

/** The methods any backend can serve. */
export function standardMethods(): MethodTable {
  return mergeMethodTables(
    web3Methods, netMethods, ethChainMethods, ethStateMethods, ethBlockMethods, ethLogMethods, ethNodeMethods,
    ethStorageMethods, signingMethods, debugRawMethods,
  );
}

/** The standard methods plus every group `backend`'s capabilities support. */
export function methodsFor(backend: RpcBackend): MethodTable {
  const tables = [standardMethods()];
  if (backend.events) tables.push(filterMethods, subscriptionMethods);
  if (backend.proofs) tables.push(ethProofMethods);
  if (backend.tracing) tables.push(debugTraceMethods, accessListMethods);
  if (backend.txpool) tables.push(txpoolMethods);
  if (backend.staking) tables.push(verityMethods);
  if (backend.consensus) tables.push(verityConsensusMethods);
  return mergeMethodTables(...tables);
}

/** The namespace of a method name ("eth_getBalance" -> "eth"). */
export function namespaceOf(method: string): string {
  const cut = method.indexOf("_");
  return cut === -1 ? method : method.slice(0, cut);
}

/**
 * The table restricted to the listed namespaces (geth's --http.api / --ws.api); undefined or ["*"]
 * keeps everything.
 */
export function restrictToNamespaces(methods: MethodTable, namespaces: readonly string[] | undefined): MethodTable {
  if (namespaces === undefined || namespaces.includes("*")) return methods;
  const allowed = new Set(namespaces.map((n) => n.trim().toLowerCase()));
  const out: MethodTable = Object.create(null) as MethodTable;
  for (const [name, method] of Object.entries(methods)) if (allowed.has(namespaceOf(name).toLowerCase())) out[name] = method;
  return out;
}
