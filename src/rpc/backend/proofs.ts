// eth_getProof (EIP-1186): resolves the selected block and asks evm/ for the proof at its state root.
import type { Common } from "@ethereumjs/common";
import type { Block, Hash32 } from "../../primitives/types.js";
import { stateProof } from "../../evm/proofs.js";
import type { StateDB } from "../../evm/state.js";
import type { AccountProof } from "../../evm/types.js";
import type { BlockSelector, StateProofSource } from "./port.js";
import { UserError } from "./port.js";

export class NodeStateProofs implements StateProofSource {
  constructor(
    private readonly db: StateDB,
    private readonly common: Common,
    private readonly resolve: (selector: BlockSelector) => Promise<Block | null>,
  ) {}

  async getProof(address: Uint8Array, slots: Hash32[], at: BlockSelector): Promise<AccountProof> {
    const block = await this.resolve(at);
    if (block === null) throw new UserError("header not found");
    return stateProof(this.db, this.common, block.header.stateRoot, address, slots);
  }
}
