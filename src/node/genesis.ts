// The genesis block's two inputs from above the chain: the allocation written into the state trie
// (evm/) and height 1's sortition seed (consensus/), put together here so that chain/ imports neither.
import type { Common } from "@ethereumjs/common";
import type { GenesisBootstrap } from "../chain/chain.js";
import { genesisSeed } from "../consensus/roles.js";
import { buildGenesisState } from "../evm/genesis-state.js";
import type { StateDB } from "../evm/state.js";
import type { Genesis } from "../primitives/types.js";

export function genesisBootstrap(stateDb: StateDB, common: Common, genesis: Genesis): GenesisBootstrap {
  return {
    buildState: () => buildGenesisState(stateDb, common, genesis.alloc),
    seed: (stateRoot) => genesisSeed(genesis.params.chainId, stateRoot),
  };
}
