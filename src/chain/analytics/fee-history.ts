// eth_feeHistory's numbers: per block its base fee, gas used ratio and (when asked) the tips at
// gas-weighted percentiles, plus the base fee of the block after the newest one.
import { nextBaseFee } from "../../primitives/fees.js";
import type { Block } from "../../primitives/types.js";
import type { ChainReader } from "./chain-reader.js";
import { ascending, paidTip } from "./tips.js";

export interface FeeHistoryData {
  oldestBlock: bigint;
  /** One entry per block, then the next block's base fee. */
  baseFeePerGas: bigint[];
  gasUsedRatio: number[];
  /** Per block, the tip at each requested percentile; present when percentiles were asked for. */
  reward?: bigint[][];
}

/** The history of the `blockCount` blocks ending at `newest` (fewer when the chain is shorter). */
export async function feeHistory(chain: ChainReader, newest: Block, blockCount: number, percentiles: number[] | null): Promise<FeeHistoryData> {
  const newestNumber = newest.header.number;
  const count = BigInt(blockCount) > newestNumber + 1n ? Number(newestNumber + 1n) : blockCount;
  const oldest = newestNumber - BigInt(count) + 1n;
  const baseFeePerGas: bigint[] = [];
  const gasUsedRatio: number[] = [];
  const reward: bigint[][] = [];
  for (let n = oldest; n <= newestNumber; n++) {
    const b = await chain.getBlockByNumber(n);
    if (!b) break;
    baseFeePerGas.push(b.header.baseFeePerGas);
    gasUsedRatio.push(Number(b.header.gasUsed) / Number(b.header.gasLimit));
    if (percentiles) reward.push(await blockRewards(chain, b, percentiles));
  }
  baseFeePerGas.push(nextBaseFee(newest.header, chain.genesis.params));
  return { oldestBlock: oldest, baseFeePerGas, gasUsedRatio, ...(percentiles ? { reward } : {}) };
}

/** Tips at the given gas-weighted percentiles of a block (geth's feeHistory definition). */
export async function blockRewards(chain: ChainReader, b: Block, percentiles: number[]): Promise<bigint[]> {
  if (b.transactions.length === 0) return percentiles.map(() => 0n);
  const receipts = (await chain.getReceipts(b.hash)) ?? [];
  const items = b.transactions
    .map((tx, i) => ({ tip: paidTip(tx, b.header.baseFeePerGas), gas: receipts[i]?.gasUsed ?? 0n }))
    .sort((x, y) => ascending(x.tip, y.tip));
  const total = items.reduce((s, x) => s + x.gas, 0n);
  return percentiles.map((p) => {
    // p% of the block's gas, p rounded to hundredths of a percent, the quotient rounded down.
    const threshold = (total * BigInt(Math.round(p * 100))) / 10_000n;
    let sum = 0n;
    for (const it of items) {
      sum += it.gas;
      if (sum >= threshold) return it.tip;
    }
    return items[items.length - 1]!.tip;
  });
}
