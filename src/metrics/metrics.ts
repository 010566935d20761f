// The node's Prometheus metrics: one registry per node, built by createMetrics() and passed down as
// `Metrics | null` to each room that reports (as Lodestar does); no room but this one imports
// prom-client. Values that can be read when Prometheus scrapes (the head, the pool's sizes, the peer
// count, the engine's counters) are gauges or counters with a scrape-time callback (addCollect),
// registered by the part that owns the value; only events (a request served, a block committed, a
// timeout fired) are counted where they happen. Every name is listed in README ("Operating a node").
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Scrape-time callbacks, run in registration order each time the metric is collected. */
type Collect<M> = (metric: M) => void | Promise<void>;
export type CollectedGauge<T extends string = string> = Gauge<T> & { addCollect(fn: Collect<Gauge<T>>): void };
export type CollectedCounter<T extends string = string> = Counter<T> & { addCollect(fn: Collect<Counter<T>>): void };

/** Seconds buckets for block work and finality (a block takes milliseconds to seconds). */
const BLOCK_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds buckets for JSON-RPC calls (microseconds for a head read, seconds for a trace). */
const RPC_SECONDS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

/** A metric (made by `make` with the collect function prom-client calls on scrape) plus addCollect. */
function withCollect<M extends object>(make: (collect: () => Promise<void>) => M): M & { addCollect(fn: Collect<M>): void } {
  const hooks: Collect<M>[] = [];
  const metric: M = make(async () => {
    for (const fn of hooks) await fn(metric);
  });
  return Object.assign(metric, { addCollect: (fn: Collect<M>) => void hooks.push(fn) });
}

const collectedGauge = <T extends string>(registry: Registry, name: string, help: string, labelNames: readonly T[] = []): CollectedGauge<T> =>
  withCollect((collect) => new Gauge<T>({ name, help, labelNames, registers: [registry], collect }));

const collectedCounter = <T extends string>(registry: Registry, name: string, help: string, labelNames: readonly T[] = []): CollectedCounter<T> =>
  withCollect((collect) => new Counter<T>({ name, help, labelNames, registers: [registry], collect }));

export function createMetrics(o: { version?: string } = {}) {
  const registry = new Registry();
  // process_* and nodejs_*: CPU, memory, file descriptors, event loop lag, GC (prom-client's defaults).
  collectDefaultMetrics({ register: registry });
  const counter = <T extends string>(name: string, help: string, labelNames: readonly T[] = []) =>
    new Counter<T>({ name, help, labelNames, registers: [registry] });
  const histogram = <T extends string>(name: string, help: string, buckets: number[], labelNames: readonly T[] = []) =>
    new Histogram<T>({ name, help, buckets, labelNames, registers: [registry] });

  const info = new Gauge<"version">({ name: "verity_node_info", help: "Always 1; the client version as a label.", labelNames: ["version"], registers: [registry] });
  info.set({ version: o.version ?? "unknown" }, 1);

  return {
    registry,
    node: {
      datadirFreeBytes: collectedGauge(registry, "verity_datadir_free_bytes", "Free bytes on the disk holding the data dir (at the last look, every 30 s)."),
      ready: collectedGauge(registry, "verity_node_ready", "1 when /ready answers 200 (synced, peers when networked, participating when a validator), else 0."),
    },
    chain: {
      headHeight: collectedGauge(registry, "verity_chain_head_height", "Number of the committed head block."),
      headTimestamp: collectedGauge(registry, "verity_chain_head_timestamp_seconds", "Timestamp of the committed head block (Unix seconds)."),
      blocksCommitted: counter("verity_chain_blocks_committed_total", "Blocks committed, by origin (consensus: agreed here; import: final by certificate, from sync or an announcement).", ["origin"] as const),
      blockTransactions: histogram("verity_chain_block_transactions", "Transactions per committed block.", [0, 1, 5, 10, 50, 100, 500, 1000, 5000]),
    },
    block: {
      buildSeconds: histogram("verity_block_build_seconds", "Time to select from the pool, execute and seal a proposal.", BLOCK_SECONDS),
      executeSeconds: histogram("verity_block_execute_seconds", "Time to re-execute and check a received block.", BLOCK_SECONDS),
      commitSeconds: histogram("verity_block_commit_seconds", "Time to write a block and run its commit reactions (pool upkeep).", BLOCK_SECONDS),
    },
    consensus: {
      height: collectedGauge(registry, "verity_consensus_height", "Height the local engines are agreeing on."),
      round: collectedGauge(registry, "verity_consensus_round", "Round of that height."),
      validators: collectedGauge(registry, "verity_consensus_local_validators", "Validator keys this node runs, by whether they are in the current validator set.", ["active"] as const),
      roundsPerHeight: histogram("verity_consensus_rounds_per_height", "Rounds a committed height took (1 = decided in its first round).", [1, 2, 3, 4, 5, 8, 13, 21]),
      finalitySeconds: histogram("verity_consensus_finality_seconds", "Time from the start of a height to the commit of its block by this node's consensus.", BLOCK_SECONDS),
      timeouts: counter("verity_consensus_timeouts_total", "Step timeouts that fired while their height was being agreed, by step (summed over local engines).", ["step"] as const),
      messagesReceived: collectedCounter(registry, "verity_consensus_messages_received_total", "Proposals and votes the local engines received (summed over local engines)."),
      messagesAccepted: collectedCounter(registry, "verity_consensus_messages_accepted_total", "Proposals and votes the local engines counted."),
      messagesDropped: collectedCounter(registry, "verity_consensus_messages_dropped_total", "Proposals and votes the local engines dropped, by cause.", ["cause"] as const),
      equivocations: collectedCounter(registry, "verity_consensus_equivocations_total", "Equivocations (two signed messages for one slot) the local engines saw."),
      proposalBuilds: counter(
        "verity_consensus_proposal_builds_total",
        "Proposer draws of local validators by outcome: built; local-better / remote-better (stood back for a better local or announced credential); fallback (built after all: the better proposer sent no block in time).",
        ["outcome"] as const,
      ),
      gossipVerdicts: counter("verity_consensus_gossip_messages_total", "Consensus messages from the network by kind and admission verdict (accept, reject, ignore).", ["kind", "verdict"] as const),
    },
    p2p: {
      peers: collectedGauge(registry, "verity_p2p_peers", "Connected peers."),
      gossipReceived: counter("verity_p2p_gossip_received_total", "Gossip messages received, by topic and verdict.", ["topic", "verdict"] as const),
      gossipPublished: counter("verity_p2p_gossip_published_total", "Gossip messages this node published, by topic.", ["topic"] as const),
    },
    state: {
      nodeReads: collectedCounter(registry, "verity_state_node_reads_total", "World-state trie node reads, by where they were served: unwritten (the block being executed), cache (recent nodes), disk (LevelDB).", ["source"] as const),
    },
    sync: {
      syncing: collectedGauge(registry, "verity_sync_syncing", "1 while block sync is catching up with peers, else 0."),
      highestBlock: collectedGauge(registry, "verity_sync_highest_block", "Highest block peers announced while syncing (the head otherwise)."),
    },
    txpool: {
      pending: collectedGauge(registry, "verity_txpool_pending", "Executable transactions in the pool."),
      queued: collectedGauge(registry, "verity_txpool_queued", "Transactions waiting behind a nonce gap."),
      admitted: counter("verity_txpool_admitted_total", "Transactions admitted, by origin (rpc, gossip) and status (pending, queued).", ["origin", "status"] as const),
      rejected: counter("verity_txpool_rejected_total", "Transactions refused, by origin and reason code (chain/txpool/rejections.ts).", ["origin", "reason"] as const),
      gossipWaiting: collectedGauge(registry, "verity_txpool_gossip_waiting", "Gossiped transactions waiting for admission (node/tx-gossip-ingress.ts)."),
      gossipShed: counter("verity_txpool_gossip_shed_total", "Gossiped transactions not admitted because too many already waited (ignored, not relayed)."),
    },
    rpc: {
      requests: counter("verity_rpc_requests_total", "JSON-RPC requests, by method (unknown for a method not served), transport and outcome (ok, error).", ["method", "transport", "outcome"] as const),
      durationSeconds: histogram("verity_rpc_request_duration_seconds", "JSON-RPC request latency, by method and transport.", RPC_SECONDS, ["method", "transport"] as const),
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
