// Logs of a freshly committed block, and the address/topic matching that log filters and "logs"
// subscriptions apply to them (the same rules as eth_getLogs: any listed address, and per topic
// position either anything (null) or any of the listed topics).
import { equalsBytes } from "@ethereumjs/util";
import type { Address20, Hash32, Log } from "../primitives/types.js";
import type { CommittedBlockEvent, LogWithContext } from "./backend/port.js";

export interface LogCriteria {
  addresses: Address20[];
  topics: Array<Hash32[] | null>;
}

export function logMatches(log: Log, criteria: LogCriteria): boolean {
  if (criteria.addresses.length > 0 && !criteria.addresses.some((a) => equalsBytes(a, log.address))) return false;
  for (let i = 0; i < criteria.topics.length; i++) {
    const alternatives = criteria.topics[i];
    if (alternatives === null || alternatives === undefined) continue;
    const topic = log.topics[i];
    if (topic === undefined || !alternatives.some((t) => equalsBytes(t, topic))) return false;
  }
  return true;
}

/** Every log of a committed block with its position (logIndex counts across the whole block). */
export function logsOfBlock({ block, receipts }: CommittedBlockEvent): LogWithContext[] {
  const out: LogWithContext[] = [];
  let logIndex = 0;
  for (let txIndex = 0; txIndex < receipts.length; txIndex++) {
    const tx = block.transactions[txIndex];
    if (tx === undefined) break;
    const transactionHash = tx.hash();
    for (const log of receipts[txIndex]!.logs) {
      out.push({
        log,
        blockHash: block.hash,
        blockNumber: block.header.number,
        blockTimestamp: block.header.timestamp,
        transactionHash,
        transactionIndex: txIndex,
        logIndex: logIndex++,
      });
    }
  }
  return out;
}
