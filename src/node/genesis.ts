// The genesis block's two inputs from above the chain: the state (evm/: the allocation, then the
// staking ledger deployed and initialised by staking/) and height 1's sortition seed (consensus/),
// put together here so that chain/ imports none of them.
import type { Common } from "@ethereumjs/common";
import type { GenesisBootstrap } from "../chain/chain.js";
import { genesisSeed } from "../consensus/roles.js";
import { buildGenesisState } from "../evm/genesis-state.js";
import type { StateDB } from "../evm/state.js";
import type { Genesis } from "../primitives/types.js";
import { stakingGenesisInit } from "../staking/system-hooks.js";

export function genesisBootstrap(stateDb: StateDB, common: Common, genesis: Genesis): GenesisBootstrap {
  return {
    buildState: () =>
      buildGenesisState(stateDb, common, genesis.alloc, { timestamp: genesis.timestamp, gasLimit: genesis.params.gasLimit, run: stakingGenesisInit(genesis) }),
    seed: (stateRoot) => genesisSeed(genesis.params.chainId, stateRoot),
  };
}
