// eth_ methods about this node rather than the chain: its block producer (eth_coinbase, eth_mining;
// eth_hashrate is 0 on a proof-of-stake chain), the next base fee, and eth_capabilities (an archive
// node: every block's data and state is kept, proofs included when the node serves them).
import { serverError } from "../errors.js";
import { data, quantity } from "../hex.js";
import { defineMethod, type MethodTable } from "./types.js";

export const ethNodeMethods: MethodTable = {
  eth_coinbase: defineMethod([], (_args, { backend }) => {
    // geth's answer when it has no etherbase.
    if (backend.producer === undefined) throw serverError("etherbase must be explicitly specified");
    return data(backend.producer.coinbase);
  }),
  eth_mining: defineMethod([], (_args, { backend }) => backend.producer?.mining() ?? false),
  eth_hashrate: defineMethod([], () => "0x0"),
  /** The base fee of the next block: the last entry of a one-block fee history. */
  eth_baseFee: defineMethod([], async (_args, { backend }) => {
    const history = await backend.feeHistory(1, "latest", null);
    const next = history.baseFeePerGas[history.baseFeePerGas.length - 1];
    if (next === undefined) throw new Error("fee history returned no base fee");
    return quantity(next);
  }),
  eth_capabilities: defineMethod([], async (_args, { backend }) => {
    const head = await backend.getBlock("latest");
    if (head === null) throw new Error("the node has no head block");
    const everything = { disabled: false, oldestBlock: "0x0" };
    return {
      head: { number: quantity(head.header.number), hash: data(head.hash) },
      state: everything,
      tx: everything,
      logs: everything,
      receipts: everything,
      blocks: everything,
      stateproofs: backend.proofs === undefined ? { disabled: true } : everything,
    };
  }),
};
