// eth_feeHistory's numbers over three hand-made blocks, worked out by hand: base fees (and the next
// one by EIP-1559), gas used ratios, and geth's gas-weighted reward percentiles.
import { describe, expect, it } from "vitest";
import { blockRewards, feeHistory } from "../../../src/chain/analytics/fee-history.js";
import { deriveDevAccounts } from "../../../src/chain/dev-accounts.js";
import { transfer1559, transferLegacy } from "../../helpers/txs.js";
import { GWEI, TestChain } from "./fixture.js";

const [alice, bob] = deriveDevAccounts(2);
const key = alice!.privateKey;
const to = bob!.address;

// Block 1 (base fee 0.875 gwei): tips 3 gwei (63000 gas), 1 gwei (21000 gas) and a legacy price of
// 2.875 gwei, a 2 gwei tip (42000 gas). By tip: 1 gwei up to 21000 gas, 2 gwei up to 63000, 3 gwei up
// to 126000.
const chain = new TestChain([
  {},
  {
    baseFee: 875_000_000n,
    txs: [
      { tx: transfer1559(key, { nonce: 0n, to, maxPriorityFeePerGas: 3n * GWEI }), gasUsed: 63_000n },
      { tx: transfer1559(key, { nonce: 1n, to, maxPriorityFeePerGas: GWEI }), gasUsed: 21_000n },
      { tx: transferLegacy(key, { nonce: 2n, to, gasPrice: 2_875_000_000n }), gasUsed: 42_000n },
    ],
  },
  { baseFee: 800_000_000n },
]);
const [genesis, block1, block2] = chain.blocks;

describe("fee history", () => {
  it("gives base fees, the next base fee, gas used ratios and rewards of a range", async () => {
    expect(await feeHistory(chain, block2!, 3, [0, 10, 25, 50, 75, 100])).toEqual({
      oldestBlock: 0n,
      // After block 2 (empty): 0.8 gwei - 0.8 gwei / 8.
      baseFeePerGas: [GWEI, 875_000_000n, 800_000_000n, 700_000_000n],
      gasUsedRatio: [0, 126_000 / 30_000_000, 0],
      reward: [
        [0n, 0n, 0n, 0n, 0n, 0n],
        // Thresholds 0, 12600, 31500, 63000 (reached exactly at the 2 gwei transaction), 94500, 126000.
        [GWEI, GWEI, 2n * GWEI, 2n * GWEI, 3n * GWEI, 3n * GWEI],
        [0n, 0n, 0n, 0n, 0n, 0n],
      ],
    });
  });

  it("stops at genesis, and leaves reward out when no percentiles were asked for", async () => {
    // Only blocks 0 and 1 exist up to block 1; after block 1 (126000 of a 15M target):
    // 0.875 gwei - 0.875 gwei * 14874000 / 15M / 8 = 0.76654375 gwei.
    expect(await feeHistory(chain, block1!, 10, null)).toEqual({
      oldestBlock: 0n,
      baseFeePerGas: [GWEI, 875_000_000n, 766_543_750n],
      gasUsedRatio: [0, 0.0042],
    });
    expect(await feeHistory(chain, genesis!, 1, [50])).toEqual({
      oldestBlock: 0n,
      baseFeePerGas: [GWEI, 875_000_000n],
      gasUsedRatio: [0],
      reward: [[0n]],
    });
    expect(await feeHistory(chain, block2!, 1, [])).toEqual({ oldestBlock: 2n, baseFeePerGas: [800_000_000n, 700_000_000n], gasUsedRatio: [0], reward: [[]] });
  });

  it("rounds a percentile to hundredths of a percent and the gas threshold down", async () => {
    // 16.667 -> 1667 basis points: 126000 * 1667 / 10000 = 21004 gas, past the 1 gwei transaction;
    // 16.66 -> 1666: 20991 gas, within it.
    expect(await blockRewards(chain, block1!, [16.66, 16.667])).toEqual([GWEI, 2n * GWEI]);
  });
});
