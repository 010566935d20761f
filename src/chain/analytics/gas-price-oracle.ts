// eth_maxPriorityFeePerGas and eth_gasPrice: a percentile of the tips paid in recent blocks, never
// below the node's floor. Simpler than geth's oracle (which samples only each block's three cheapest
// tips, skips the proposer's own transactions and caches per head): every tip of the window counts,
// nothing is cached.
import { nextBaseFee } from "../../primitives/fees.js";
import type { ChainReader } from "./chain-reader.js";
import { ascending, paidTip } from "./tips.js";

/** How many blocks the gas price oracle looks back over, and the percentile of tips it suggests. */
export const ORACLE_BLOCKS = 20;
export const ORACLE_PERCENTILE = 60;

/** The tip suggestion: a percentile of recent blocks' effective tips, never below `minTip`. */
export async function suggestTip(chain: ChainReader, minTip: bigint): Promise<bigint> {
  const tips: bigint[] = [];
  const head = chain.head.header.number;
  // The window ends before genesis, which holds no transactions.
  for (let n = head; n > 0n && n > head - BigInt(ORACLE_BLOCKS); n--) {
    const b = await chain.getBlockByNumber(n);
    if (!b) break;
    for (const tx of b.transactions) tips.push(paidTip(tx, b.header.baseFeePerGas));
  }
  if (tips.length === 0) return minTip;
  tips.sort(ascending);
  const tip = tips[Math.min(tips.length - 1, Math.floor((tips.length * ORACLE_PERCENTILE) / 100))]!;
  return tip > minTip ? tip : minTip;
}

/** The gas price suggestion: the next block's base fee plus the suggested tip. */
export async function suggestGasPrice(chain: ChainReader, minTip: bigint): Promise<bigint> {
  const head = chain.head.header;
  return nextBaseFee(head, chain.genesis.params) + (await suggestTip(chain, minTip));
}
