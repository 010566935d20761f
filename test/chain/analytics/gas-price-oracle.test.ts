// The tip and gas price suggestions over hand-made blocks: the 60th percentile (index
// floor(n * 60 / 100)) of every tip paid in the last 20 blocks after genesis, never below the floor.
import { describe, expect, it } from "vitest";
import { ORACLE_BLOCKS, ORACLE_PERCENTILE, suggestGasPrice, suggestTip } from "../../../src/chain/analytics/gas-price-oracle.js";
import { deriveDevAccounts } from "../../../src/chain/dev-accounts.js";
import { transfer1559, transferLegacy } from "../../helpers/txs.js";
import { GWEI, TestChain } from "./fixture.js";

const [alice, bob] = deriveDevAccounts(2);
const key = alice!.privateKey;
const to = bob!.address;
let nonce = 0n;
const eip1559 = (tip: bigint, maxFee = 100n * GWEI) => ({ tx: transfer1559(key, { nonce: nonce++, to, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee }) });
const legacy = (gasPrice: bigint) => ({ tx: transferLegacy(key, { nonce: nonce++, to, gasPrice }) });

describe("gas price oracle", () => {
  it("keeps its window and percentile", () => {
    expect([ORACLE_BLOCKS, ORACLE_PERCENTILE]).toEqual([20, 60]);
  });

  it("suggests the 60th percentile of the effective tips, capped tips and legacy prices included", async () => {
    const chain = new TestChain([
      {},
      { baseFee: GWEI, txs: [eip1559(3n * GWEI), eip1559(GWEI), eip1559(2n * GWEI), legacy(1_500_000_000n)] },
      // Tip 5 gwei, but the fee cap leaves only 6 - 2 = 4 gwei above the base fee.
      { baseFee: 2n * GWEI, txs: [eip1559(5n * GWEI, 6n * GWEI)] },
    ]);
    // Tips 0.5, 1, 2, 3, 4 gwei: index floor(5 * 60 / 100) = 3.
    expect(await suggestTip(chain, GWEI)).toBe(3n * GWEI);
    // Next base fee after block 2 (21000 of a 15M target): 2 gwei - 2 gwei * 14979000 / 15M / 8 = 1.75035 gwei.
    expect(await suggestGasPrice(chain, GWEI)).toBe(1_750_350_000n + 3n * GWEI);
  });

  it("never suggests less than the floor, which is also the answer without transactions", async () => {
    const cheap = new TestChain([{}, { baseFee: GWEI, txs: [eip1559(1n), eip1559(2n)] }]);
    expect(await suggestTip(cheap, 7n)).toBe(7n);
    expect(await suggestTip(new TestChain([{}]), 7n)).toBe(7n);
    const empty = new TestChain([{}, { baseFee: 800_000_000n }]);
    expect(await suggestTip(empty, 7n)).toBe(7n);
    // 0.8 gwei - 0.8 gwei / 8 (an empty block) + the floor.
    expect(await suggestGasPrice(empty, 7n)).toBe(700_000_007n);
  });

  it("looks at the last 20 blocks and never at genesis", async () => {
    // Block n pays a tip of n gwei; head 25: the window is blocks 6..25, index floor(20 * 0.6) = 12.
    const chain = new TestChain([{}, ...Array.from({ length: 25 }, (_, i) => ({ baseFee: GWEI, txs: [eip1559(BigInt(i + 1) * GWEI)] }))]);
    expect(await suggestTip(chain, 1n)).toBe(18n * GWEI);
    // A genesis transaction (none in a real chain) would make the suggestion 100 gwei.
    const withGenesisTx = new TestChain([{ txs: [eip1559(100n * GWEI)] }, { baseFee: GWEI, txs: [eip1559(2n * GWEI)] }]);
    expect(await suggestTip(withGenesisTx, 1n)).toBe(2n * GWEI);
  });
});
