// The supply invariant, checked from a stopped node's data dir: at every height, the sum of every
// account's balance in the state trie equals the genesis allocation + the genesis stake + the genesis
// vesting allocations + the block
// rewards minted so far - the base fees burned so far - what the staking ledger burned (forfeited
// rewards, slashes; its totalBurned, read at that height).
import { createAccountFromRLP } from "@ethereumjs/util";
import { createChainCommon } from "../../src/evm/common.js";
import { createStateTrie } from "../../src/evm/state.js";
import { decodeBlock } from "../../src/primitives/encoding.js";
import { genesisSupply } from "../../src/primitives/staking.js";
import type { Genesis } from "../../src/primitives/types.js";
import { mintedThrough } from "../../src/staking/rewards.js";
import { ChainStore } from "../../src/storage/chain-store.js";

export interface SupplyRow {
  height: bigint;
  balances: bigint;
  expected: bigint;
}

/** One row per height 0..head; `ledgerBurnedAt(h)` is the ledger's totalBurned after height h. */
export async function supplyByHeight(datadir: string, genesis: Genesis, ledgerBurnedAt: (height: bigint) => Promise<bigint>): Promise<SupplyRow[]> {
  const store = await ChainStore.open(datadir);
  try {
    const common = createChainCommon(genesis.params.chainId);
    const created = genesisSupply(genesis);
    const rows: SupplyRow[] = [];
    let burnedFees = 0n;
    for (let n = 0n; ; n++) {
      const hash = await store.getCanonicalHash(n);
      const bytes = hash ? await store.getBlockBytes(hash) : undefined;
      if (!bytes) break;
      const block = decodeBlock(bytes, common);
      burnedFees += block.header.baseFeePerGas * block.header.gasUsed;
      let balances = 0n;
      await createStateTrie(store.stateDb, block.header.stateRoot, common).walkAllValueNodes(async (leaf) => {
        balances += createAccountFromRLP(leaf.value() as Uint8Array).balance;
      });
      const expected = created + mintedThrough(n, genesis.staking) - burnedFees - (n === 0n ? 0n : await ledgerBurnedAt(n));
      rows.push({ height: n, balances, expected });
    }
    return rows;
  } finally {
    await store.close();
  }
}
