// The composition root: builds storage -> chain -> evm -> tx pool -> block production -> rpc from
// one options object, and closes them in reverse order. The CLI only turns flags into NodeOptions.
import { bytesToHex } from "@ethereumjs/util";
import type { Genesis } from "../primitives/types.js";
import { secp256k1Backend } from "../evm/crypto.js";
import { CallExecutor } from "../evm/call.js";
import { openBlockPipeline } from "./block-pipeline.js";
import type { Chain, CommittedBlock } from "../chain/chain.js";
import type { TxPool } from "../chain/txpool/pool.js";
import { txPoolConfigOf, type TxPoolLimits } from "../chain/txpool/limits.js";
import { startRpcServer } from "../rpc/server.js";
import type { Logger } from "../util/logger.js";
import { NodeRpcBackend } from "../rpc/backend/node-backend.js";
import { ConsensusDriver } from "./consensus/driver.js";
import { checkSigningRecordsHaveKeys } from "./consensus/validator-engines.js";
import { startNodeNetwork, type NodeNetwork, type P2POptions } from "./network.js";
import type { ValidatorKeys } from "../chain/validator-keys.js";
import { createEd25519EcvrfCrypto } from "../consensus/ed25519-ecvrf-crypto.js";
import type { TimeoutConfig } from "../consensus/timeouts.js";
import { committeeFailureProbabilities, formatCommitteeRisk } from "../consensus/committee-risk.js";
import { EvidenceRules, EvidenceService } from "../staking/evidence.js";
import { VestingReader } from "../staking/vesting.js";
import { StakeLedgerReader } from "../staking/ledger-reader.js";
import { SystemViews } from "../evm/system-call.js";
import { NodeStakingRpc } from "./staking-rpc.js";
import { createMetrics, startMetricsServer, type Metrics } from "../metrics/index.js";
import { nodeHealth } from "./health.js";
import { reportNodeMetrics } from "./node-metrics.js";
import { DISK_FULL_ACTION, watchDisk, type DiskWatch } from "./disk-watch.js";
import { NodeConsensusRpc } from "./consensus-rpc.js";

export const CLIENT_VERSION = `verity/v0.1.0/${process.platform}-${process.arch}/node${process.versions.node}`;

export interface NodeOptions {
  datadir: string;
  /** Worker threads recovering the senders of transactions being admitted (default: evm/sender-recovery.ts). */
  senderRecoveryThreads?: number;
  genesis: Genesis;
  /** apis: --http.api namespaces (undefined: all). */
  /** statusPage: serve the status page at /status (the CLI's --status, on by default on loopback). */
  http: { host: string; port: number; corsDomains: string[]; vhosts: string[]; apis?: string[]; statusPage?: boolean };
  /** --ws: a WebSocket listener of its own (the HTTP port upgrades WebSockets regardless). */
  ws?: { host: string; port: number; apis?: string[] };
  /** --rpc.gascap (gas for eth_call/estimateGas, at most 2^24) and --rpc.txfeecap (wei; 0 = none). */
  /** RPC caps: --rpc.gascap, --rpc.txfeecap, the listeners' connection cap (RpcServerOptions.maxConnections) and the filter cap (RpcLimits.maxFilters). */
  rpc?: { gasCap?: bigint; txFeeCap?: bigint; maxConnections?: number; maxFilters?: number };
  /** Milliseconds between blocks; 0 = seal as soon as transactions wait. */
  blockTimeMs: number;
  /** Addresses whose keys this node holds for eth_accounts (dev mode). */
  devAccounts: Uint8Array[];
  /** Keys of the validators this node runs (the dev chain runs all of its validators in-process). */
  validators: ValidatorKeys[];
  /**
   * The keys were read from the data directory's key files (`verity start`): a signing record held for
   * a key not among them means its file went missing, and the start is refused. Without it (a data
   * directory served on purpose without its validators, as tests and a frozen replica do) it is not.
   */
  keysFromDataDir?: boolean;
  /** Consensus step timeouts; the engine's defaults suit a LAN. */
  consensusTimeouts?: TimeoutConfig;
  /** libp2p networking (off for a single-process chain such as the dev quick start). */
  p2p?: P2POptions;
  /** --metrics: Prometheus text at /metrics, and /health, /ready, on a listener of its own
   * (--metrics.addr, --metrics.port; port 0 picks a free one, see VerityNode.metricsUrl). */
  metrics?: { host: string; port: number };
  /** --datadir.minfreedisk: stop below this many free bytes on the data dir's disk (0: never), warn
   * below warnBelowBytes (default 4 times that); off when absent. */
  disk?: { minFreeBytes: number; warnBelowBytes?: number; intervalMs?: number };
  /** Called when the node must stop on its own (the disk is full); the owner stops it. */
  onFatal?: (reason: string) => void;
  /** --txpool.* limits (unset ones at their defaults, txpool/limits.ts). */
  txpool?: Partial<TxPoolLimits>;
  logger: Logger;
}

/** Tells the operator what the genesis committee size buys: the chance that a sampled committee
 * breaks safety or liveness if a fifth or a quarter of the stake were byzantine. */
function logCommitteeRisk(genesis: Genesis, log: Logger): void {
  const W = genesis.validators.reduce((s, v) => s + v.stake, 0n);
  for (const byzantineFraction of [0.2, 0.25]) {
    const input = { W, tau: genesis.params.committeeSize, byzantineFraction };
    log.info(formatCommitteeRisk(input, committeeFailureProbabilities(input)));
  }
}

export class VerityNode {
  private constructor(
    readonly chain: Chain,
    readonly pool: TxPool,
    readonly rpcUrl: string,
    readonly wsUrl: string | null,
    /** http://host:port of the metrics listener (null without --metrics). */
    readonly metricsUrl: string | null,
    /** The node's metrics registry (null without --metrics). */
    readonly metrics: Metrics | null,
    private readonly closers: Array<() => Promise<void>>,
  ) {}

  static async start(o: NodeOptions): Promise<VerityNode> {
    const log = o.logger;
    const closers: Array<() => Promise<void>> = [];
    const closeAll = async () => {
      for (const c of closers.splice(0).reverse()) await c().catch((e: Error) => log.error("shutdown step failed", { error: e }));
    };
    try {
      // One registry per node, passed to each room that reports (null: metrics off, nothing counted).
      const metrics = o.metrics ? createMetrics({ version: CLIENT_VERSION }) : null;
      const { common, store, chain, state, pool, txs, producer, sets, close } = await openBlockPipeline({
        datadir: o.datadir,
        genesis: o.genesis,
        logger: log,
        metrics,
        txpool: txPoolConfigOf(o.txpool ?? {}),
        ...(o.senderRecoveryThreads !== undefined ? { recoveryThreads: o.senderRecoveryThreads } : {}),
      });
      closers.push(close);
      // A write that fails on a full disk (a block, a signing record) stops the node: nothing written
      // after it would reach the disk, and everything committed before it is whole (disk-full.ts).
      // During the start the failed write itself fails the start.
      let running = false;
      store.onDiskFull((e) => {
        log.error("disk full: stopping the node cleanly", { datadir: o.datadir, error: e.message, action: DISK_FULL_ACTION });
        if (running) o.onFatal?.(e.message);
      });
      if (o.keysFromDataDir) checkSigningRecordsHaveKeys(await store.signingRecordNames(), o.validators, o.datadir);
      let disk: DiskWatch | null = null;
      if (o.disk) {
        let started = false;
        let fullAtStart: string | null = null;
        disk = await watchDisk({
          datadir: o.datadir,
          stopBelowBytes: o.disk.minFreeBytes,
          warnBelowBytes: o.disk.warnBelowBytes ?? 4 * o.disk.minFreeBytes,
          ...(o.disk.intervalMs !== undefined ? { intervalMs: o.disk.intervalMs } : {}),
          logger: log,
          onFull: (reason) => (started ? o.onFatal?.(reason) : (fullAtStart = reason)),
        });
        // The first look ran inside watchDisk: a full disk refuses the start; later ones stop the node.
        started = true;
        const watch = disk;
        closers.push(async () => watch.stop());
        if (fullAtStart !== null) throw new Error(`not starting: ${fullAtStart as string}`);
      }
      log.info("chain opened", {
        datadir: o.datadir,
        chainId: o.genesis.params.chainId,
        head: chain.head.header.number,
        hash: bytesToHex(chain.head.hash),
        senderRecovery: secp256k1Backend,
      });
      const blockHashes = (n: bigint) => chain.getCanonicalHash(n);
      const params = { chainId: o.genesis.params.chainId, committeeTau: o.genesis.params.committeeSize, proposerTau: o.genesis.params.proposerTau };
      const crypto = createEd25519EcvrfCrypto();
      const evidence = new EvidenceService(
        new EvidenceRules(
          { setFor: (h) => sets.setFor(h), timestampOf: async (h) => (await chain.getBlockByNumber(h))?.header.timestamp },
          o.genesis.staking,
          o.genesis.params.chainId,
          crypto,
        ),
        (reason) => log.debug("evidence not kept", { reason }),
      );
      chain.on("block", (c: CommittedBlock) => evidence.onCommitted(c.block.evidence));
      let network: NodeNetwork | null = null;
      if (o.p2p) {
        network = await startNodeNetwork({
          datadir: o.datadir,
          chainId: o.genesis.params.chainId,
          p2p: o.p2p,
          chain,
          txs,
          logger: log.child("p2p"),
          metrics,
          evidence,
          evidenceAt: () => ({ height: chain.head.header.number + 1n, timestamp: BigInt(Math.floor(Date.now() / 1000)) }),
          localValidators: o.validators.map((v) => v.address),
        });
        const net = network;
        closers.push(() => net.stop());
      }
      logCommitteeRisk(o.genesis, log.child("consensus"));
      const driver = new ConsensusDriver({
        common,
        chain,
        store,
        producer,
        candidates: txs,
        sets,
        evidence,
        crypto,
        params,
        validators: o.validators,
        blockTimeMs: o.blockTimeMs,
        ...(o.consensusTimeouts ? { timeouts: o.consensusTimeouts } : {}),
        ...(network
          ? {
              transport: network.transport,
              onBehind: () => network?.sync.trigger(),
            }
          : {}),
        logger: log.child("consensus"),
        metrics,
      });
      // Sync exists once the network is attached to consensus (below); until then nothing syncs.
      const syncStatus = () => {
        try {
          return network?.sync.syncing() ?? null;
        } catch {
          return null;
        }
      };
      const health = nodeHealth({
        chain,
        peers: () => (network ? network.net.peers().length : null),
        syncing: syncStatus,
        validators: o.validators.map((v) => v.address),
        setFor: (h) => sets.setFor(h),
      });
      // Subscriptions to the tx service live as long as the node (the service goes with it).
      txs.onExecutable(() => driver.notifyPending());
      const views = new SystemViews(store.stateDb, common);
      const backend: NodeRpcBackend = new NodeRpcBackend({
        chain,
        state,
        calls: new CallExecutor(common, store.stateDb, blockHashes, ...(o.rpc?.gasCap !== undefined ? [o.rpc.gasCap] : [])),
        pool: txs,
        txs,
        txpool: pool,
        ...(o.validators[0] ? { producer: { coinbase: o.validators[0].address, mining: () => true } } : {}),
        logger: log.child("rpc"),
        clientVersion: CLIENT_VERSION,
        devAccounts: o.devAccounts,
        peerCount: () => network?.net.peers().length ?? 0,
        syncing: () => network?.sync.syncing() ?? null,
        // 1 gwei, or --txpool.pricelimit if higher: a suggested tip the pool refuses helps no wallet.
        minSuggestedTip: pool.config.minTip > 1_000_000_000n ? pool.config.minTip : 1_000_000_000n,
        staking: new NodeStakingRpc(chain, new StakeLedgerReader(views), new VestingReader(views), evidence, log.child("staking")),
        consensus: new NodeConsensusRpc(chain, driver.heightTimeouts),
      });
      // Transactions that become executable, from RPC, gossip or pool upkeep, reach pending-transaction
      // filters and subscriptions.
      txs.onExecutable((e) => backend.events.pendingAdmitted(e.txs));
      const rpc = await startRpcServer({
        backend,
        host: o.http.host,
        port: o.http.port,
        corsDomains: o.http.corsDomains,
        vhosts: o.http.vhosts,
        ...(o.http.apis ? { apis: o.http.apis } : {}),
        ...(o.ws ? { ws: o.ws } : {}),
        limits: { ...(o.rpc?.txFeeCap !== undefined ? { txFeeCap: o.rpc.txFeeCap } : {}), ...(o.rpc?.maxFilters !== undefined ? { maxFilters: o.rpc.maxFilters } : {}) },
        ...(o.rpc?.maxConnections !== undefined ? { maxConnections: o.rpc.maxConnections } : {}),
        logger: log.child("rpc"),
        metrics,
        health,
        ...(o.http.statusPage ? { statusPage: true } : {}),
      });
      closers.push(() => rpc.close());
      let metricsUrl: string | null = null;
      if (metrics && o.metrics) {
        const watch = disk;
        const stopReporting = reportNodeMetrics(metrics, { chain, pool, driver, syncing: syncStatus, health, stateReads: () => store.stateDb.readCounts(), diskFree: () => watch?.freeBytes() ?? null });
        closers.push(async () => stopReporting());
        const server = await startMetricsServer({
          metrics,
          health,
          host: o.metrics.host,
          port: o.metrics.port,
          onError: (e) => log.error("metrics request failed", { error: e }),
        });
        closers.push(() => server.close());
        metricsUrl = server.url;
        log.info("metrics listening", { url: `${server.url}/metrics` });
      }
      await driver.start();
      closers.push(() => driver.stop());
      network?.attach(driver);
      log.info("JSON-RPC listening", { url: rpc.url });
      running = true;
      return new VerityNode(chain, pool, rpc.url, rpc.wsUrl, metricsUrl, metrics, closers);
    } catch (e) {
      await closeAll();
      throw e;
    }
  }

  /** Stops block production, then the RPC server, then closes the database. */
  async stop(): Promise<void> {
    for (const c of this.closers.splice(0).reverse()) await c();
  }
}
