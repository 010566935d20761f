// A chain with its executor and block builder on LevelDB in a temp dir, without consensus or RPC:
// for tests that propose and validate blocks directly. Candidates from a list, and the proposal
// fields of a block whose consensus is not under test.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { BlockBuilder } from "../../src/chain/block-builder.js";
import { Chain } from "../../src/chain/chain.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { createChainCommon } from "../../src/evm/common.js";
import { BlockExecutor, type TxCandidates } from "../../src/evm/executor.js";
import type { StateCacheLimits } from "../../src/evm/state.js";
import { genesisBootstrap } from "../../src/node/genesis.js";
import { ZERO_HASH } from "../../src/primitives/hash.js";
import { ChainStore } from "../../src/storage/chain-store.js";

/** Opens the dev chain in a new temp dir (pushed to `dirs` for the caller to remove). */
export async function openExecNode(dirs: string[], o: { common?: (chainId: bigint) => Common; cacheLimits?: StateCacheLimits; plainTransfers?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "verity-exec-"));
  dirs.push(dir);
  const genesis = devGenesis();
  const common = (o.common ?? createChainCommon)(genesis.params.chainId);
  const store = await ChainStore.open(dir);
  const chain = await Chain.open(store, common, genesis, genesisBootstrap(store.stateDb, common, genesis));
  const executor = await BlockExecutor.create(common, store.stateDb, chain.head.header.stateRoot, (n) => chain.getCanonicalHash(n), undefined, o.cacheLimits, { plainTransfers: o.plainTransfers ?? true });
  return { genesis, common, store, chain, executor, builder: new BlockBuilder(chain, executor) };
}

export function fromList(txs: TypedTransaction[]): TxCandidates & { rejected: string[] } {
  let i = 0;
  const rejected: string[] = [];
  return { next: () => txs[i++], rejectLast: (r) => void rejected.push(r), rejected };
}

export const proposalFields = (proposer: Uint8Array, now: bigint) => ({
  proposer,
  round: 0,
  proposerVrfProof: new Uint8Array(0),
  seed: ZERO_HASH,
  lastCommit: new Uint8Array(0),
  lastCommitHash: ZERO_HASH,
  nextValidatorsHash: ZERO_HASH,
  now,
});
