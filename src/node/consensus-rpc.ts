// The consensus record of committed blocks as the JSON-RPC backend sees it (rpc/backend/port.ts
// ConsensusInfoSource): the proposal round and proposer from the header, the signers of the commit
// certificate this node stored with the block, and the step timeouts its consensus driver saw at
// that height. The status page charts rounds and timeouts from it and counts each validator's
// precommits over the last blocks.
import type { Chain } from "../chain/chain.js";
import { decodeCommitCertificate } from "../consensus/certificate.js";
import type { Block } from "../primitives/types.js";
import type { BlockConsensus, ConsensusInfoSource } from "../rpc/backend/port.js";
import type { HeightTimeouts } from "./consensus/height-timeouts.js";

export class NodeConsensusRpc implements ConsensusInfoSource {
  constructor(
    private readonly chain: Pick<Chain, "getCertificate">,
    private readonly timeouts: Pick<HeightTimeouts, "of">,
  ) {}

  async blockConsensus(block: Block): Promise<BlockConsensus> {
    const bytes = await this.chain.getCertificate(block.hash);
    let commit: BlockConsensus["commit"] = null;
    if (bytes !== null) {
      const decoded = decodeCommitCertificate(bytes);
      // The chain verified it before storing it: a certificate that no longer decodes is damage.
      if (!decoded.ok) throw new Error(`the stored certificate of block ${block.header.number} does not decode: ${decoded.error}`);
      commit = { round: decoded.value.round, signers: decoded.value.precommits.map((p) => p.voter) };
    }
    return { round: block.header.round, proposer: block.header.proposer, commit, timeouts: this.timeouts.of(Number(block.header.number)) };
  }
}
