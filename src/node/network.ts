// Wires the p2p room to the node: gossip handlers that feed transactions to the tx service, proposals
// and votes to the consensus driver, committed blocks to sync and equivocation evidence to the
// evidence service; the gossip of transactions the node's own RPC admitted and of evidence its engines
// found or an operator submitted; the consensus transport; the block source that serves sync requests.
// Verdicts follow one rule: "reject" (which penalises the sender) only for data invalid for every
// node, "ignore" for data merely stale or unwanted here (for transactions: gossipVerdict).
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex } from "@ethereumjs/util";
import type { Chain, CommittedBlock } from "../chain/chain.js";
import { P2PNetwork, type ChainStatus, type SyncItem, type ValidationOutcome } from "../p2p/index.js";
import type { Logger } from "../util/logger.js";
import type { ConsensusDriver } from "./consensus/driver.js";
import type { ConsensusTransport } from "./consensus/ports.js";
import { BlockSync } from "../sync/block-sync.js";
import type { TxService } from "../chain/txpool/service.js";
import { GossipTxIngress } from "./tx-gossip-ingress.js";
import { decodeTxBatch, TxGossipBatcher } from "../p2p/tx-batch.js";
import type { Metrics } from "../metrics/index.js";
import type { EvidenceService } from "../staking/evidence.js";
import { blockHashOfEncoding } from "../primitives/encoding.js";
import { encodeRlp } from "../primitives/rlp.js";
import { BlockAnnouncer } from "./block-announcer.js";

type Topic = "tx" | "proposal" | "vote" | "block" | "evidence" | "credential";
const verdictOf = (o: ValidationOutcome) => (typeof o === "string" ? o : o.verdict);

/**
 * How long a validator that committed a block it did not propose waits for the proposer's
 * announcement before announcing the block itself (block-announcer.ts). Validators commit within
 * milliseconds of each other and gossip crosses a LAN in less; a second leaves room for a loaded
 * proposer and still reaches a peer that missed the agreement well before the next block.
 */
const ANNOUNCE_BACKUP_MS = 1_000;

export interface P2POptions {
  host: string;
  port: number;
  bootnodes: string[];
  maxPeers: number;
}

export function encodeBlockAnnouncement(block: Uint8Array, certificate: Uint8Array): Uint8Array {
  return encodeRlp([block, certificate]);
}

export function decodeBlockAnnouncement(bytes: Uint8Array): SyncItem | null {
  try {
    const item = RLP.decode(bytes) as unknown;
    if (!Array.isArray(item) || item.length !== 2 || !(item[0] instanceof Uint8Array) || !(item[1] instanceof Uint8Array)) return null;
    return { block: item[0], certificate: item[1] };
  } catch {
    return null;
  }
}

export interface NodeNetwork {
  net: P2PNetwork;
  sync: BlockSync;
  transport: ConsensusTransport;
  attach(driver: ConsensusDriver): void;
  stop(): Promise<void>;
}

export async function startNodeNetwork(o: {
  datadir: string;
  chainId: bigint;
  p2p: P2POptions;
  chain: Chain;
  /** Admits gossiped transactions; the transactions its RPC origin admits are gossiped. */
  txs: Pick<TxService, "submit" | "onAdmitted">;
  logger: Logger;
  /** Gossip by topic and verdict, consensus verdicts and peers are counted here. */
  metrics?: Metrics | null;
  /** Equivocation evidence: what peers gossip is checked and kept here; what it keeps from elsewhere is gossiped. */
  evidence?: Pick<EvidenceService, "add" | "onFresh">;
  /** The height being agreed and the time now (seconds), where gossiped evidence is judged. */
  evidenceAt?: () => { height: bigint; timestamp: bigint };
  /** Addresses of this node's validators: a block one of them proposed is announced at once. */
  localValidators?: readonly Uint8Array[];
}): Promise<NodeNetwork> {
  const metrics = o.metrics ?? null;
  let driver: ConsensusDriver | null = null;
  let sync: BlockSync | null = null;
  const log = o.logger;
  const local = new Set((o.localValidators ?? []).map((a) => bytesToHex(a)));

  // Gossiped batches are admitted one at a time, in slices, with a bound on what waits (see
  // tx-gossip-ingress.ts): a node that receives more than it can admit sheds load instead of letting
  // its consensus messages wait behind the backlog.
  const ingress = new GossipTxIngress({
    submit: (raw) => o.txs.submit(raw, "gossip"),
    onShed: (n) => metrics?.txpool.gossipShed.inc(n),
  });
  metrics?.txpool.gossipWaiting.addCollect((g) => g.set(ingress.waiting));
  const onTx = async (payload: Uint8Array): Promise<ValidationOutcome> => {
    const raws = decodeTxBatch(payload);
    if (raws === null) return { verdict: "reject", reason: "malformed transaction batch" };
    return ingress.offer(raws);
  };

  /** A driver's verdict on a consensus payload (proposal, vote, credential) as gossip's outcome. */
  const viaDriver =
    (judge: (d: ConsensusDriver, payload: Uint8Array) => { verdict: "accept" | "reject" | "ignore"; reason?: string }) =>
    (payload: Uint8Array): ValidationOutcome => {
      if (!driver) return { verdict: "ignore", reason: "consensus not started" };
      const v = judge(driver, payload);
      return v.reason ? { verdict: v.verdict, reason: v.reason } : v.verdict;
    };
  const onConsensus = viaDriver((d, p) => d.onNetworkMessage(p));
  const onCredential = viaDriver((d, p) => d.onCredential(p));
  /** A topic's handler, its verdicts counted (and, for proposals and votes, the consensus kind). */
  const counted = <R extends ValidationOutcome | Promise<ValidationOutcome>>(topic: Topic, handler: (payload: Uint8Array) => R) => {
    if (!metrics) return handler;
    const count = (outcome: ValidationOutcome) => {
      const verdict = verdictOf(outcome);
      metrics.p2p.gossipReceived.inc({ topic, verdict });
      if (topic === "proposal" || topic === "vote") metrics.consensus.gossipVerdicts.inc({ kind: topic, verdict });
      return outcome;
    };
    return (payload: Uint8Array): R => {
      const outcome = handler(payload);
      return (outcome instanceof Promise ? outcome.then(count) : count(outcome)) as R;
    };
  };

  // (publish is defined once the network runs; the announcer publishes only for commits after that.)
  const announcer = new BlockAnnouncer({
    isLocalProposer: (proposer) => local.has(bytesToHex(proposer)),
    publish: (bytes) => publish("block", bytes),
    backupDelayMs: ANNOUNCE_BACKUP_MS,
  });
  const onBlock = async (payload: Uint8Array): Promise<ValidationOutcome> => {
    const item = decodeBlockAnnouncement(payload);
    if (!item) return { verdict: "reject", reason: "malformed block announcement" };
    if (!driver) return { verdict: "ignore", reason: "consensus not started" };
    const outcome = await driver.applyFinalized(item.block, item.certificate);
    // Known: this node committed the block too, maybe through consensus with a backup announcement
    // waiting (an imported block is never announced by this node, so "committed" needs no check).
    if (outcome.kind === "known") {
      const hash = blockHashOfEncoding(item.block);
      if (hash) announcer.seen(hash);
    }
    switch (outcome.kind) {
      case "committed":
        return "accept";
      case "known":
        return { verdict: "ignore", reason: "known block" };
      case "gap":
        sync?.trigger();
        return { verdict: "ignore", reason: "ahead of our head: syncing" };
      case "invalid":
        return { verdict: "reject", reason: outcome.reason };
    }
  };

  // Evidence that does not verify is the sender's fault (reject); known, stale or not yet checkable
  // evidence is not (ignore). A piece is relayed once, when it is new here.
  const onEvidence = async (payload: Uint8Array): Promise<ValidationOutcome> => {
    if (!o.evidence || !o.evidenceAt) return { verdict: "ignore", reason: "evidence not handled" };
    const r = await o.evidence.add(payload, o.evidenceAt(), "gossip");
    if (r.ok) return r.fresh ? "accept" : { verdict: "ignore", reason: "known evidence" };
    return { verdict: r.fault ? "reject" : "ignore", reason: r.reason };
  };

  const blockSource = {
    async getBlocks(from: bigint, count: number): Promise<SyncItem[]> {
      const out: SyncItem[] = [];
      const head = o.chain.head.header.number;
      for (let n = from; n < from + BigInt(count) && n <= head; n++) {
        if (n === 0n) continue;
        const hash = await o.chain.getCanonicalHash(n);
        if (!hash) break;
        const [block, certificate] = await Promise.all([o.chain.store.getBlockBytes(hash), o.chain.getCertificate(hash)]);
        if (!block || !certificate) break;
        out.push({ block, certificate });
      }
      return out;
    },
    getStatus(): ChainStatus {
      return { headHeight: o.chain.head.header.number, headHash: o.chain.head.hash };
    },
  };

  const net = await P2PNetwork.start({
    datadir: o.datadir,
    listenHost: o.p2p.host,
    port: o.p2p.port,
    bootnodes: o.p2p.bootnodes,
    maxPeers: o.p2p.maxPeers,
    chainId: o.chainId,
    logger: log,
    handlers: {
      tx: counted("tx", onTx),
      proposal: counted("proposal", onConsensus),
      vote: counted("vote", onConsensus),
      block: counted("block", onBlock),
      credential: counted("credential", onCredential),
      ...(o.evidence ? { evidence: counted("evidence", onEvidence) } : {}),
    },
    blockSource,
    // (P2PNetwork logs connects and disconnects itself.) A new peer may be ahead of us.
    onPeer: (_peer, ev) => {
      if (ev === "connected") sync?.trigger();
    },
    // A peer that joins the vote topic (a new connection, or one back after a partition) may lack
    // what our validators signed for the height being agreed: the driver sends it again.
    onSubscribed: (_peer, kind) => {
      if (kind === "vote") driver?.onPeerJoined();
    },
  });
  log.info("p2p listening", { peerId: net.peerId, addrs: net.listenAddresses().join(",") });

  metrics?.p2p.peers.addCollect((g) => g.set(net.peers().length));
  const publish = (kind: Topic, bytes: Uint8Array) => {
    metrics?.p2p.gossipPublished.inc({ topic: kind });
    net.publish(kind, bytes).catch((e: Error) => log.debug("publish failed", { kind, error: e }));
  };
  // Each re-send's envelope carries the next counter (p2p/envelope.ts), from a random start so that a
  // restarted node does not repeat the ids of its re-sends before the restart.
  let resendCounter = Math.floor(Math.random() * 2 ** 32);
  const resend = (kind: "proposal" | "vote", bytes: Uint8Array) => {
    resendCounter = (resendCounter + 1) >>> 0;
    metrics?.p2p.gossipPublished.inc({ topic: kind });
    net.publish(kind, bytes, resendCounter).catch((e: Error) => log.debug("re-send failed", { kind, error: e }));
  };
  const txBatcher = new TxGossipBatcher((batch) => publish("tx", batch));
  // Every transaction the node's own RPC admitted is gossiped, queued ones too (peers queue them as
  // well); gossiped ones are relayed by the "accept" verdict instead.
  const stopTxGossip = o.txs.onAdmitted((e) => {
    if (e.origin === "rpc") txBatcher.add(e.tx.raw);
  });
  // Blocks this node's consensus committed are announced with their certificate, so that peers that
  // missed the agreement catch up at once: by their proposer, or by others when its announcement does
  // not come (block-announcer.ts); imported blocks were announced by whoever agreed on them.
  const announce = (c: CommittedBlock) => {
    if (c.origin === "consensus" && c.certificateBytes)
      announcer.committed(c.block.hash, c.block.header.proposer, encodeBlockAnnouncement(c.blockBytes, c.certificateBytes));
  };
  o.chain.on("block", announce);
  // Gossiped evidence is relayed by its "accept" verdict; what this node found or was given is published.
  o.evidence?.onFresh((bytes, origin) => {
    if (origin !== "gossip") publish("evidence", bytes);
  });
  return {
    net,
    get sync() {
      if (!sync) throw new Error("network not attached to consensus yet");
      return sync;
    },
    transport: { broadcast: (kind, bytes) => publish(kind, bytes), resend },
    attach(d: ConsensusDriver) {
      driver = d;
      sync = new BlockSync(net, o.chain, d, log.child("sync"));
      sync.start();
    },
    async stop() {
      o.chain.off("block", announce);
      announcer.stop();
      stopTxGossip();
      txBatcher.flush();
      await sync?.stop();
      await net.stop();
    },
  };
}
