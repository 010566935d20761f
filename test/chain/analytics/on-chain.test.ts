// The analytics on a real Chain (LevelDB in a temp dir, a block built and executed by @ethereumjs):
// Chain is a ChainReader as it is, and its blocks give the numbers worked out by hand.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { feeHistory } from "../../../src/chain/analytics/fee-history.js";
import { suggestGasPrice, suggestTip } from "../../../src/chain/analytics/gas-price-oracle.js";
import { scanLogs } from "../../../src/chain/analytics/log-scan.js";
import { BlockBuilder } from "../../../src/chain/block-builder.js";
import { Chain } from "../../../src/chain/chain.js";
import { deriveDevAccounts } from "../../../src/chain/dev-accounts.js";
import { devGenesis } from "../../../src/chain/dev-genesis.js";
import { createChainCommon } from "../../../src/evm/common.js";
import { BlockExecutor } from "../../../src/evm/executor.js";
import { genesisBootstrap } from "../../../src/node/genesis.js";
import { ZERO_HASH } from "../../../src/primitives/hash.js";
import { ChainStore } from "../../../src/storage/chain-store.js";
import { transfer1559 } from "../../helpers/txs.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const GWEI = 1_000_000_000n;

describe("chain analytics on a real chain", () => {
  it("reads fee history, the tip and gas price suggestions and logs from Chain", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-analytics-"));
    dirs.push(dir);
    const genesis = devGenesis();
    const common = createChainCommon(genesis.params.chainId);
    const store = await ChainStore.open(dir);
    const chain = await Chain.open(store, common, genesis, genesisBootstrap(store.stateDb, common, genesis));
    const executor = await BlockExecutor.create(common, store.stateDb, chain.head.header.stateRoot, (n) => chain.getCanonicalHash(n));
    const [alice, bob] = deriveDevAccounts(2);
    // Tips of 1, 2 and 3 gwei, each well under its 10 gwei fee cap.
    const txs = [1n, 2n, 3n].map((tip, i) => transfer1559(alice!.privateKey, { nonce: BigInt(i), to: bob!.address, maxPriorityFeePerGas: tip * GWEI }));
    let next = 0;
    const built = await new BlockBuilder(chain, executor).propose(
      { proposer: genesis.validators[0]!.address, round: 0, proposerVrfProof: new Uint8Array(0), seed: ZERO_HASH, lastCommit: new Uint8Array(0), lastCommitHash: ZERO_HASH, nextValidatorsHash: ZERO_HASH, now: 1_700_000_000n },
      { next: () => txs[next++], rejectLast: () => {} },
    );
    await chain.commit(built.block, built.receipts);

    // Block 1's base fee follows the empty genesis: 1 gwei - 1 gwei / 8. After block 1 (63000 of a
    // 15M target): 0.875 gwei - 0.875 gwei * 14937000 / 15M / 8 = 0.766084375 gwei.
    expect(await feeHistory(chain, chain.head, 2, [0, 50, 100])).toEqual({
      oldestBlock: 0n,
      baseFeePerGas: [GWEI, 875_000_000n, 766_084_375n],
      gasUsedRatio: [0, 63_000 / 30_000_000],
      // Block 1's 50th percentile: 31500 of 63000 gas is reached at the second transaction.
      reward: [
        [0n, 0n, 0n],
        [GWEI, 2n * GWEI, 3n * GWEI],
      ],
    });
    // Tips 1, 2, 3 gwei: index floor(3 * 60 / 100) = 1.
    expect(await suggestTip(chain, GWEI)).toBe(2n * GWEI);
    expect(await suggestGasPrice(chain, GWEI)).toBe(766_084_375n + 2n * GWEI);
    // Plain transfers log nothing.
    expect(await scanLogs(chain, { fromBlock: 0n, toBlock: 1n, addresses: [], topics: [] })).toEqual([]);
    await store.close();
  });
});
