// Logs of a freshly committed block with their positions, for log filters and "logs" subscriptions,
// which match them with eth_getLogs' rules (primitives/log-filter.ts).
import type { CommittedBlockEvent, LogWithContext } from "./backend/port.js";

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
