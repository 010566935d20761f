// The single-validator block producer of a dev chain: seals a block every block time (empty ones
// included, so the chain's clock moves), or, with block time 0, as soon as transactions wait. It
// drives the same BlockBuilder paths the BFT engine uses; the multi-validator engine replaces it.
import { bytesToHex } from "@ethereumjs/util";
import type { BlockBuilder } from "../chain/block-builder.js";
import type { Chain } from "../chain/chain.js";
import { nextBaseFee } from "../chain/fees.js";
import { keccak256, ZERO_HASH } from "../chain/hash.js";
import type { Logger } from "../util/logger.js";
import type { BlockProducedHook, CandidateSource } from "./pool-adapter.js";

export interface SealerOptions {
  chain: Chain;
  builder: BlockBuilder;
  candidates: CandidateSource;
  /** Called after every commit (the pool re-validates, subscribers are told). */
  onCommitted: BlockProducedHook;
  proposer: Uint8Array;
  /** Milliseconds between blocks; 0 = automine. */
  blockTimeMs: number;
  logger: Logger;
  now?: () => number;
}

export class DevSealer {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private sealing: Promise<void> | null = null;
  private wakeRequested = false;

  constructor(private readonly o: SealerOptions) {}

  start(): void {
    this.running = true;
    this.schedule(this.o.blockTimeMs === 0 ? null : this.o.blockTimeMs);
  }

  /** Tells an automining sealer that transactions wait. */
  notifyPending(): void {
    if (!this.running || this.o.blockTimeMs !== 0) return;
    if (this.sealing) this.wakeRequested = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sealing;
  }

  private schedule(delayMs: number | null): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (delayMs === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sealing = this.sealOnce().finally(() => {
        this.sealing = null;
        if (this.o.blockTimeMs > 0) this.schedule(this.o.blockTimeMs);
        else if (this.wakeRequested || this.o.candidates.pendingCount() > 0) {
          this.wakeRequested = false;
          this.schedule(0);
        }
      });
    }, delayMs);
  }

  private async sealOnce(): Promise<void> {
    const { chain, builder, logger } = this.o;
    const started = performance.now();
    const head = chain.head.header;
    const baseFee = nextBaseFee(head, chain.genesis.params);
    try {
      const candidates = this.o.candidates.select(baseFee, head.gasLimit);
      const nowMs = (this.o.now ?? Date.now)();
      const built = await builder.propose(
        {
          proposer: this.o.proposer,
          round: 0,
          proposerVrfProof: new Uint8Array(0),
          // A dev chain has one proposer and nothing to sample: the seed just chains by hash.
          seed: keccak256(new Uint8Array([...head.seed, ...chain.head.hash])),
          lastCommitHash: ZERO_HASH,
          now: BigInt(Math.floor(nowMs / 1000)),
        },
        candidates,
      );
      await chain.commit(built.block, built.receipts);
      await this.o.onCommitted(built.block, built.receipts, built.skipped);
      const ms = performance.now() - started;
      const h = built.block.header;
      logger.info("sealed block", {
        number: h.number,
        hash: bytesToHex(built.block.hash).slice(0, 18),
        txs: built.block.transactions.length,
        gasUsed: h.gasUsed,
        baseFee: h.baseFeePerGas,
        ms: ms.toFixed(1),
      });
      for (const s of built.skipped) logger.debug("skipped transaction", { hash: bytesToHex(s.tx.hash()), reason: s.reason });
    } catch (e) {
      logger.error("block production failed", { error: e as Error, parent: chain.head.header.number });
    }
  }
}
