// The pool as block production sees it (the BlockProducer's and consensus driver's CandidateSource):
// what to put in the next block, whether anything waits, and the pooled copy of a proposed
// transaction (decoded, sender recovered) so validating a proposal need not decode it again.
import type { TypedTransaction } from "@ethereumjs/tx";
import type { CandidateSource } from "../block-producer.js";
import type { TxCandidates } from "../../evm/executor.js";
import type { TxPool } from "./pool.js";

export class PoolCandidates implements CandidateSource {
  constructor(private readonly pool: TxPool) {}

  select(baseFee: bigint, gasLimit: bigint): TxCandidates {
    return this.pool.selectForBlock({ baseFee, gasLimit });
  }

  pendingCount(): number {
    return this.pool.stats().pending;
  }

  known(hash: Uint8Array): TypedTransaction | undefined {
    return this.pool.get(hash)?.tx;
  }
}
