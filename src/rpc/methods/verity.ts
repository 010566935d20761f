// verity_ namespace: the node's own methods beyond Ethereum's (staking). Reads of the staking ledger
// itself are ordinary eth_call views of its contract (docs/staking.md); these are what a contract
// call cannot do.
import type { RpcBackend, StakingSource } from "../backend/port.js";
import { ErrorCode, RpcError } from "../errors.js";
import { checksumAddress, quantity } from "../hex.js";
import { parseData, required } from "../params.js";
import { defineMethod, type MethodTable } from "./types.js";

function staking(backend: RpcBackend): StakingSource {
  if (backend.staking === undefined) throw new RpcError(ErrorCode.methodNotFound, "staking is not available on this node");
  return backend.staking;
}

export const verityMethods: MethodTable = {
  /** Equivocation evidence (encoded, consensus/evidence.ts) for this node's next proposals. */
  verity_submitEvidence: defineMethod([required("evidence", parseData)], async ([bytes], { backend }) => {
    const { offender, height } = await staking(backend).submitEvidence(bytes);
    return { offender: checksumAddress(offender), height: quantity(height) };
  }),
};
