// What the node reports on scrape (metrics/metrics.ts): the values its parts already hold are read
// when Prometheus asks (head, consensus status and the engines' counters, pool sizes, sync progress,
// readiness), and committed blocks are counted from the chain's "block" event. Events inside the
// rooms (requests, admissions, block work, timeouts, gossip) are counted where they happen.
import type { Chain, CommittedBlock } from "../chain/chain.js";
import type { TxPool } from "../chain/txpool/pool.js";
import type { HealthSource, Metrics } from "../metrics/index.js";
import type { SyncStatusView } from "../sync/block-sync.js";
import type { ConsensusDriver } from "./consensus/driver.js";

/** The engines' drop counters (consensus/engine-types.ts EngineCounters) and their cause labels. */
const DROP_CAUSES: Record<string, string> = {
  duplicate: "duplicate",
  stale: "stale",
  farFuture: "far_future",
  bufferOverflow: "buffer_overflow",
  unknownValidator: "unknown_validator",
  badSignature: "bad_signature",
  badProof: "bad_proof",
  notSelected: "not_selected",
  invalidBlocks: "invalid_block",
  badCertificates: "bad_certificate",
};

export function reportNodeMetrics(
  metrics: Metrics,
  o: {
    chain: Chain;
    pool: Pick<TxPool, "stats">;
    driver: Pick<ConsensusDriver, "status" | "counters">;
    syncing: () => SyncStatusView | null;
    health: HealthSource;
    /** The state database's read counts by source (storage/state-db.ts StateReadCounts). */
    stateReads: () => Readonly<Record<"unwritten" | "cache" | "disk", number>>;
    /** Free bytes on the data dir's disk at the last look; null when not watched. */
    diskFree: () => number | null;
  },
): () => void {
  const { chain } = o;
  metrics.chain.headHeight.addCollect((g) => g.set(Number(chain.head.header.number)));
  metrics.chain.headTimestamp.addCollect((g) => g.set(Number(chain.head.header.timestamp)));
  metrics.txpool.pending.addCollect((g) => g.set(o.pool.stats().pending));
  metrics.txpool.queued.addCollect((g) => g.set(o.pool.stats().queued));
  metrics.sync.syncing.addCollect((g) => g.set(o.syncing() === null ? 0 : 1));
  metrics.sync.highestBlock.addCollect((g) => g.set(Number(o.syncing()?.highestBlock ?? chain.head.header.number)));
  metrics.consensus.height.addCollect((g) => g.set(o.driver.status?.height ?? Number(chain.head.header.number) + 1));
  metrics.consensus.round.addCollect((g) => g.set(o.driver.status?.round ?? 0));
  // The engines keep cumulative counts; a counter has no set(), so each scrape resets and re-adds them.
  const c = metrics.consensus;
  c.messagesReceived.addCollect((m) => {
    m.reset();
    m.inc(o.driver.counters().received ?? 0);
  });
  c.messagesAccepted.addCollect((m) => {
    m.reset();
    m.inc(o.driver.counters().accepted ?? 0);
  });
  c.equivocations.addCollect((m) => {
    m.reset();
    m.inc(o.driver.counters().equivocations ?? 0);
  });
  c.messagesDropped.addCollect((m) => {
    const counts = o.driver.counters();
    m.reset();
    for (const [key, cause] of Object.entries(DROP_CAUSES)) m.inc({ cause }, counts[key] ?? 0);
  });
  metrics.node.datadirFreeBytes.addCollect((g) => {
    const free = o.diskFree();
    if (free !== null) g.set(free);
  });
  metrics.state.nodeReads.addCollect((m) => {
    const reads = o.stateReads();
    m.reset();
    for (const source of ["unwritten", "cache", "disk"] as const) m.inc({ source }, reads[source]);
  });
  // The readiness check is cheap (the next height's set is cached): each gauge runs its own.
  metrics.node.ready.addCollect(async (g) => g.set((await o.health.ready()).status === "ready" ? 1 : 0));
  metrics.consensus.validators.addCollect(async (g) => {
    const { held, active } = (await o.health.ready()).validators;
    g.set({ active: "true" }, active);
    g.set({ active: "false" }, held - active);
  });

  const onBlock = (b: CommittedBlock) => {
    metrics.chain.blocksCommitted.inc({ origin: b.origin });
    metrics.chain.blockTransactions.observe(b.block.transactions.length);
    metrics.consensus.roundsPerHeight.observe(b.block.header.round + 1);
  };
  chain.on("block", onBlock);
  return () => chain.off("block", onBlock);
}
