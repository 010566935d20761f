// The consensus record of committed blocks as the JSON-RPC backend sees it (rpc/backend/port.ts
// ConsensusInfoSource): the proposal round and proposer from the header, the signers of the block's
// commit certificate, and the step timeouts this node's consensus driver acted on at that height.
// The status page charts rounds and timeouts from it and counts each validator's precommits.
//
// The certificate is the one the next block carries when there is a next block: it holds every
// precommit its proposer had seen (late ones included), it is the same on every node, and it is
// what the staking ledger counts as "signed". For the head, only this node's stored certificate
// exists: its first quorum, which may lack a slower validator's precommit.
import type { Chain } from "../chain/chain.js";
import { decodeCommitCertificate } from "../consensus/certificate.js";
import type { Block } from "../primitives/types.js";
import type { BlockConsensus, ConsensusInfoSource } from "../rpc/backend/port.js";
import type { HeightTimeouts } from "./consensus/height-timeouts.js";

export class NodeConsensusRpc implements ConsensusInfoSource {
  constructor(
    private readonly chain: Pick<Chain, "getCertificate" | "getBlockByNumber">,
    private readonly timeouts: Pick<HeightTimeouts, "of">,
  ) {}

  async blockConsensus(block: Block): Promise<BlockConsensus> {
    const next = await this.chain.getBlockByNumber(block.header.number + 1n);
    const carried = next !== null && next.lastCommit.length > 0;
    const bytes = carried ? next.lastCommit : await this.chain.getCertificate(block.hash);
    let commit: BlockConsensus["commit"] = null;
    if (bytes !== null) {
      const decoded = decodeCommitCertificate(bytes);
      // The chain verified it before storing it: a certificate that no longer decodes is damage.
      if (!decoded.ok) throw new Error(`the certificate of block ${block.header.number} does not decode: ${decoded.error}`);
      commit = { round: decoded.value.round, signers: decoded.value.precommits.map((p) => p.voter), carried };
    }
    return { round: block.header.round, proposer: block.header.proposer, commit, timeouts: this.timeouts.of(Number(block.header.number)) };
  }
}
