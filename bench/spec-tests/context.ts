// Where spec-test cases execute: verity's own execution path, as the node assembles it
// (node/block-pipeline.ts): the chain's Common (evm/common.ts), the genesis writer
// (evm/genesis-state.ts) and one long-lived BlockExecutor (evm/executor.ts) with its caching state
// manager, moved from one case's pre-state root to the next as the node moves it between blocks.
// With `fresh`, each case gets a new database and executor instead (isolates a case that fails
// only after others ran: a cache or checkpoint left behind). The database is in memory (MapDB), not
// the node's LevelDB: everything above it (state manager, tries, batched flush) is the node's.
import type { Common } from "@ethereumjs/common";
import { MapDB } from "@ethereumjs/util";
import { createChainCommon } from "../../src/evm/common.js";
import { BlockExecutor, type BlockHashLookup } from "../../src/evm/executor.js";
import { buildGenesisState } from "../../src/evm/genesis-state.js";
import type { StateDB } from "../../src/evm/state.js";
import type { GenesisAccount, Hash32 } from "../../src/primitives/types.js";

export interface SpecContextOptions {
  /** A new database and executor per case. */
  fresh: boolean;
  /** Also run each state test through the proposer path (BlockExecutor.build). */
  build: boolean;
}

export interface ChainSetup {
  common: Common;
  db: StateDB;
  executor: BlockExecutor;
}

/** The block hashes BLOCKHASH and the EIP-2935 system call see: the case's own, set per case. */
class HashTable {
  private hashes: BlockHashLookup = async () => undefined;
  set(lookup: BlockHashLookup): void {
    this.hashes = lookup;
  }
  readonly lookup: BlockHashLookup = (n) => this.hashes(n);
}

export class SpecContext {
  private readonly chains = new Map<bigint, ChainSetup>();
  private readonly hashes = new HashTable();

  constructor(readonly options: SpecContextOptions) {}

  /** The chain setup for `chainId`, with `lookup` answering block hashes until the next call. */
  async chain(chainId: bigint, lookup: BlockHashLookup): Promise<ChainSetup> {
    this.hashes.set(lookup);
    let setup = this.options.fresh ? undefined : this.chains.get(chainId);
    if (setup === undefined) {
      const common = createChainCommon(chainId);
      const db: StateDB = new MapDB<string, string | Uint8Array>();
      const executor = await BlockExecutor.create(common, db, (await buildGenesisState(db, common, new Map())) as Hash32, this.hashes.lookup);
      setup = { common, db, executor };
      if (!this.options.fresh) this.chains.set(chainId, setup);
    }
    return setup;
  }

  /** Writes `alloc` as a genesis state on the chain's database; returns its root. */
  async genesis(setup: ChainSetup, alloc: ReadonlyMap<string, GenesisAccount>): Promise<Hash32> {
    return (await buildGenesisState(setup.db, setup.common, alloc)) as Hash32;
  }
}
