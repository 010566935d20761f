// One height as this node works on it: what the committed head says about it (seed, parent
// certificate), the context messages and blocks of the height are verified against, the blocks of
// the height executed here (built or validated, by hash), and when the local engines started it.
// The driver opens one per height it moves to; an import of a block proven final opens one for
// that block's height when consensus is not on it (during a sync batch).
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import type { ConsensusParams, ValidatorSet } from "../../consensus/types.js";
import { makeHeightContext, type HeightContext } from "../../consensus/verify.js";
import { nextHeightInfo, type HeightInfo } from "../../consensus/seed-chain.js";
import type { ChainHead } from "./ports.js";
import type { ProducedBlock } from "../../chain/block-producer.js";

/** A validation's result: the executed block, or why it is not acceptable (stale: the head moved
 * past its height, so it needs no verdict). */
export type Validation = { ok: true; block: ProducedBlock } | { ok: false; reason: string; stale?: true };

export class HeightSession {
  readonly ctx: HeightContext;
  /** Executions of this height's blocks, by cache key (see block-jobs.ts). */
  readonly executed = new Map<string, Promise<Validation>>();
  /** When the local engines started this height (0: not started). */
  startedAt = 0;

  constructor(
    readonly info: HeightInfo,
    crypto: ConsensusCrypto,
    params: ConsensusParams,
    readonly validatorSet: ValidatorSet,
    /** The set of the height before (it certified the parent; another one when this height opens an epoch). */
    readonly parentValidatorSet: ValidatorSet = validatorSet,
  ) {
    this.ctx = makeHeightContext(crypto, params, validatorSet, info.seed, info.height);
  }

  get height(): number {
    return this.info.height;
  }
}

/**
 * What the head says about the height after it. Several commits can race (our own decision, a block
 * announcement, sync): a read that finds the head moved while it read the head's certificate reads
 * again. Heights only grow, so the retries are few; they are bounded anyway (undefined then).
 */
export async function readNextHeight(chain: ChainHead): Promise<HeightInfo | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const head = chain.head;
    const read = nextHeightInfo(head, await chain.getCertificate(head.hash));
    if (chain.head.header.number === head.header.number) return read;
  }
  return undefined;
}
