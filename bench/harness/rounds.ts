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
interface BlockJson {
  readonly transactions: readonly unknown[];
}

/** The rounds of blocks first..last (inclusive) as `client`'s node recorded them. */
export async function roundsOfBlocks(client: RpcClient, first: bigint, last: bigint): Promise<RoundsRecord> {
  const rounds: number[] = [];
  let txs = 0;
  for (let n = first; n <= last; n++) {
    const tag = `0x${n.toString(16)}`;
    const c = await client.call<BlockConsensusJson>("verity_getBlockConsensus", [tag]);
    const b = await client.call<BlockJson>("eth_getBlockByNumber", [tag, false]);
    rounds.push(c.round);
    txs += b.transactions.length;
  }
  return summarizeRounds(rounds, txs);
}
