// verity_getBlockConsensus: how a committed block was agreed (its round, proposer, the validators
// whose precommits certify it, the step timeouts this node acted on at its height). Ethereum's block JSON
// has no place for these; the status page charts them.
import type { BlockSelector, ConsensusInfoSource, RpcBackend } from "../backend/port.js";
import { UserError } from "../backend/port.js";
import { ErrorCode, RpcError } from "../errors.js";
import { checksumAddress, data, quantity } from "../hex.js";
import { optional, parseBlockRef } from "../params.js";
import { defineMethod, type MethodTable } from "./types.js";

const LATEST: BlockSelector = "latest";

function consensus(backend: RpcBackend): ConsensusInfoSource {
  if (backend.consensus === undefined) throw new RpcError(ErrorCode.methodNotFound, "consensus information is not available on this node");
  return backend.consensus;
}

export const verityConsensusMethods: MethodTable = {
  verity_getBlockConsensus: defineMethod([optional("block", parseBlockRef, LATEST)], async ([sel], { backend }) => {
    const source = consensus(backend);
    const block = await backend.getBlock(sel);
    if (block === null) throw new UserError("header not found");
    const c = await source.blockConsensus(block);
    return {
      number: quantity(block.header.number),
      hash: data(block.hash),
      timestamp: quantity(block.header.timestamp),
      round: c.round,
      proposer: checksumAddress(c.proposer),
      commit: c.commit === null ? null : { round: c.commit.round, signers: c.commit.signers.map((s) => checksumAddress(s)), carried: c.commit.carried },
      timeouts: c.timeouts,
    };
  }),
};
