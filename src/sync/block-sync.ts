// Block sync: a node that starts fresh or falls behind fetches blocks with their commit
// certificates from peers that are ahead, and commits each one only after its certificate verifies,
// it re-executes and its roots match (a FinalizedBlockSink: the node's consensus driver). A peer that serves a bad block
// or certificate is penalised and another one is asked. Progress is logged as blocks/s, % and ETA.
import { bytesToHex } from "@ethereumjs/util";
import type { P2PNetwork } from "../p2p/index.js";
import { SYNC_MAX_COUNT, type SyncItem } from "../p2p/index.js";
import type { Logger } from "../util/logger.js";

/** What sync reads of the chain: the committed head. */
export interface SyncChainHead {
  readonly head: { readonly hash: Uint8Array; readonly header: { readonly number: bigint } };
}

/** Where synced blocks go (the consensus driver): each is committed once its certificate verifies,
 * it re-executes and its roots match; invalid means the peer that served it is at fault. */
export interface FinalizedBlockSink {
  applyFinalized(
    block: Uint8Array,
    certificate: Uint8Array,
    opts: { startNext?: boolean },
  ): Promise<{ kind: "committed" } | { kind: "known" } | { kind: "gap"; head: bigint } | { kind: "invalid"; reason: string }>;
  /** After a batch was applied without starting each successor height: agree on the one after the head. */
  resumeAtHead(): Promise<void>;
}

/** How often a node asks its peers for their head even when nothing hints that it is behind. */
const POLL_INTERVAL_MS = 5_000;
const PROGRESS_INTERVAL_MS = 2_000;
/** Blocks behind before a node stops waiting for gossip to carry it forward and syncs. */
const LAG_TO_SYNC = 1n;

/** A range requested from a peer (possibly still downloading). */
interface Batch {
  readonly peer: string;
  readonly from: bigint;
  readonly items: Promise<SyncItem[] | null>;
}

export interface SyncStatusView {
  startingBlock: bigint;
  currentBlock: bigint;
  highestBlock: bigint;
}

export class BlockSync {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private active: Promise<void> | null = null;
  private status: SyncStatusView | null = null;

  constructor(
    private readonly net: P2PNetwork,
    private readonly chain: SyncChainHead,
    private readonly driver: FinalizedBlockSink,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.trigger();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.active;
  }

  /** eth_syncing's answer: null when not syncing. */
  syncing(): SyncStatusView | null {
    return this.status;
  }

  /** Something suggests peers are ahead (a later height's message, a gap in announcements). */
  trigger(): void {
    if (!this.running || this.active) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.active = this.syncOnce()
      .catch((e: Error) => this.log.warn("sync round failed", { error: e }))
      // Blocks were applied without starting their successors' heights: agree on the one after the head.
      .then(() => this.driver.resumeAtHead())
      .catch((e: Error) => this.log.error("resuming consensus after sync failed", { error: e }))
      .finally(() => {
        this.active = null;
        this.status = null;
        if (this.running) this.timer = setTimeout(() => this.trigger(), POLL_INTERVAL_MS);
      });
  }

  private async bestPeers(): Promise<Array<{ peer: string; height: bigint }>> {
    const peers = this.net.peers();
    const answers = await Promise.allSettled(peers.map(async (peer) => ({ peer, height: (await this.net.requestStatus(peer)).headHeight })));
    return answers
      .flatMap((a) => (a.status === "fulfilled" ? [a.value] : []))
      .sort((a, b) => (a.height > b.height ? -1 : a.height < b.height ? 1 : 0));
  }

  private async syncOnce(): Promise<void> {
    let peers = await this.bestPeers();
    const start = this.chain.head.header.number;
    const target = peers[0]?.height ?? 0n;
    if (target < start + LAG_TO_SYNC) return;
    this.log.info("syncing", { from: start + 1n, to: target, peers: peers.length });
    const began = performance.now();
    let lastLog = began;
    this.status = { startingBlock: start, currentBlock: start, highestBlock: target };
    // The next range is downloaded while the current one is verified and executed.
    let prefetch: Batch | null = null;
    while (this.running) {
      const head = this.chain.head.header.number;
      if (head >= target) break;
      peers = peers.filter((p) => p.height > head && !this.net.isBanned(p.peer));
      const source = peers[0];
      if (!source) {
        this.log.warn("sync stalled: no peer ahead is reachable", { head, target });
        break;
      }
      const batch: Batch = prefetch !== null && prefetch.peer === source.peer && prefetch.from === head + 1n ? prefetch : this.request(source.peer, head + 1n);
      prefetch = null;
      const items = await batch.items;
      let progressed = items !== null && items.length > 0;
      if (items !== null && progressed) {
        const next = batch.from + BigInt(items.length);
        if (next <= source.height) prefetch = this.request(source.peer, next);
        progressed = await this.applyBatch(source.peer, items);
      }
      if (!progressed) peers = peers.filter((p) => p !== source);
      const now = performance.now();
      const done = this.chain.head.header.number - start;
      this.status = { startingBlock: start, currentBlock: this.chain.head.header.number, highestBlock: target };
      if (now - lastLog >= PROGRESS_INTERVAL_MS) {
        lastLog = now;
        const rate = Number(done) / ((now - began) / 1000);
        const left = Number(target - this.chain.head.header.number);
        this.log.info("sync progress", {
          head: this.chain.head.header.number,
          target,
          // Announced blocks may carry the head past the target fixed at the start.
          percent: Math.min(100, (Number(done) / Number(target - start)) * 100).toFixed(1),
          blocksPerSec: rate.toFixed(1),
          eta: rate > 0 ? `${Math.max(0, Math.ceil(left / rate))}s` : "unknown",
        });
      }
    }
    const seconds = (performance.now() - began) / 1000;
    const synced = this.chain.head.header.number - start;
    this.log.info("sync done", { head: this.chain.head.header.number, blocks: synced, seconds: seconds.toFixed(1), blocksPerSec: (Number(synced) / seconds).toFixed(1) });
  }

  /** Starts downloading a range from `peer`; its promise never rejects (null: the request failed). */
  private request(peer: string, from: bigint): Batch {
    const items = this.net.requestBlocks(peer, from, SYNC_MAX_COUNT).catch((e: unknown) => {
      this.log.debug("block request failed", { peer, from, error: e as Error });
      return null;
    });
    return { peer, from, items };
  }

  /** Applies a downloaded range in order; false when the peer failed us (penalised if it lied). */
  private async applyBatch(peer: string, items: readonly SyncItem[]): Promise<boolean> {
    for (const item of items) {
      const outcome = await this.driver.applyFinalized(item.block, item.certificate, { startNext: false });
      if (outcome.kind === "committed" || outcome.kind === "known") continue;
      if (outcome.kind === "invalid") {
        this.log.warn("peer served an invalid block; penalising it", { peer, reason: outcome.reason, head: bytesToHex(this.chain.head.hash) });
        this.net.penalize(peer, `invalid synced block: ${outcome.reason}`);
      }
      return false;
    }
    return true;
  }
}
