// The consensus rounds a load cost: for each block committed while the load ran, the round it was
// agreed in (verity_getBlockConsensus). Round 0 is the normal case; a block agreed in round r > 0
// means r rounds were lost (a timeout and a new sortition each). Issue 13's target "no lost rounds
// from load" is read from this.
import type { RpcClient } from "./rpc.js";

export interface RoundsRecord {
  /** Blocks committed in the window (first..last, inclusive). */
  readonly blocks: number;
  /** Blocks agreed in a round after 0. */
  readonly blocksAfterRound0: number;
  /** Rounds lost in all (the sum of the blocks' rounds). */
  readonly roundsLost: number;
  /** Highest round any block of the window needed. */
  readonly maxRound: number;
  /** Transactions in those blocks. */
  readonly txs: number;
}

/** Sums what each block's round says (pure: the caller fetched the rounds). */
export function summarizeRounds(rounds: readonly number[], txs: number): RoundsRecord {
  let lost = 0;
  let after0 = 0;
  let max = 0;
  for (const r of rounds) {
    if (!Number.isInteger(r) || r < 0) throw new Error(`not a round: ${r}`);
    lost += r;
    if (r > 0) after0++;
    if (r > max) max = r;
  }
  return { blocks: rounds.length, blocksAfterRound0: after0, roundsLost: lost, maxRound: max, txs };
}

interface BlockConsensusJson {
  readonly round: number;
}

/** Blocks asked about per batch: two calls each, well under the node's batch limit. */
const BLOCKS_PER_BATCH = 50;

/** The rounds of blocks first..last (inclusive) as `client`'s node recorded them, in batched calls. */
export async function roundsOfBlocks(client: RpcClient, first: bigint, last: bigint): Promise<RoundsRecord> {
  const rounds: number[] = [];
  let txs = 0;
  for (let from = first; from <= last; from += BigInt(BLOCKS_PER_BATCH)) {
    const tags: string[] = [];
    for (let n = from; n <= last && n < from + BigInt(BLOCKS_PER_BATCH); n++) tags.push(`0x${n.toString(16)}`);
    const answers = await client.batch<BlockConsensusJson | string>(
      tags.flatMap((tag) => [
        { method: "verity_getBlockConsensus", params: [tag] },
        { method: "eth_getBlockTransactionCountByNumber", params: [tag] },
      ]),
    );
    for (let i = 0; i < tags.length; i++) {
      rounds.push((answers[2 * i] as BlockConsensusJson).round);
      txs += Number(BigInt(answers[2 * i + 1] as string));
    }
  }
  return summarizeRounds(rounds, txs);
}
