// The genesis block's inputs from above the chain: the state (evm/: the allocation, then the
// staking ledger deployed and initialised by staking/), height 1's sortition seed (consensus/) and
// the hash of height 1's validator set (the genesis validators),
// put together here so that chain/ imports none of them.
import type { Common } from "@ethereumjs/common";
import type { GenesisBootstrap } from "../chain/chain.js";
import { genesisSeed } from "../consensus/roles.js";
import { buildGenesisState } from "../evm/genesis-state.js";
import type { StateDB } from "../evm/state.js";
import type { Genesis } from "../primitives/types.js";
import { stakingGenesisInit } from "../staking/system-hooks.js";
import { genesisValidatorSet } from "../staking/validator-sets.js";
import { validatorSetHash } from "../consensus/validator-set-hash.js";

export function genesisBootstrap(stateDb: StateDB, common: Common, genesis: Genesis): GenesisBootstrap {
  return {
    buildState: () =>
      buildGenesisState(stateDb, common, genesis.alloc, { timestamp: genesis.timestamp, gasLimit: genesis.params.gasLimit, run: stakingGenesisInit(genesis) }),
    seed: (stateRoot) => genesisSeed(genesis.params.chainId, stateRoot),
    nextValidatorsHash: () => validatorSetHash(genesisValidatorSet(genesis)),
  };
}
