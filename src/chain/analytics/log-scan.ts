// eth_getLogs' scan: walks a block range, skips blocks whose logs bloom rules out a match, and
// collects the matching logs with their position in the chain.
import { bloomMayMatch, logMatches, type LogCriteria } from "../../primitives/log-filter.js";
import type { Hash32, Log } from "../../primitives/types.js";
import type { ChainReader } from "./chain-reader.js";

export interface LogRange extends LogCriteria {
  fromBlock: bigint;
  /** Past the head the scan stops at the head. */
  toBlock: bigint;
  /**
   * Stop once more than `limit` logs matched: the caller caps results, and limit + 1 logs tell
   * "over the cap" from "exactly the cap" without reading the rest of the range.
   */
  limit?: number;
}

export interface ScannedLog {
  log: Log;
  blockHash: Hash32;
  blockNumber: bigint;
  transactionHash: Hash32;
  transactionIndex: number;
  /** Position among all logs of the block (Ethereum's logIndex is per block). */
  logIndex: number;
  blockTimestamp: bigint;
}

export async function scanLogs(chain: ChainReader, q: LogRange): Promise<ScannedLog[]> {
  const out: ScannedLog[] = [];
  const head = chain.head.header.number;
  const to = q.toBlock > head ? head : q.toBlock;
  for (let n = q.fromBlock; n <= to; n++) {
    const block = await chain.getBlockByNumber(n);
    if (!block || !bloomMayMatch(block.header.logsBloom, q)) continue;
    const receipts = (await chain.getReceipts(block.hash)) ?? [];
    let logIndex = 0;
    for (const [txIndex, r] of receipts.entries()) {
      for (const log of r.logs) {
        if (logMatches(log, q))
          out.push({
            log,
            blockHash: block.hash,
            blockNumber: n,
            transactionHash: block.transactions[txIndex]!.hash(),
            transactionIndex: txIndex,
            logIndex,
            blockTimestamp: block.header.timestamp,
          });
        logIndex++;
        if (q.limit !== undefined && out.length > q.limit) return out;
      }
    }
  }
  return out;
}
