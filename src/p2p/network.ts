// The node's p2p network: one libp2p host (TCP, noise, yamux, identify, ping, gossipsub) with
// verity's gossip topics, the sync/status protocols, peer limits, scoring and bans.
//
// Peers: at most maxPeers (the connection manager refuses inbound connections past it; the gater
// refuses a new peer's connection once maxPeers are connected, covering dials that race past the
// connection manager). Bootnodes are dialed on start and redialed while fewer than maxPeers are
// connected (every redialIntervalMs; one never reached backs off up to 30 s, one that was connected
// is redialed every interval). A peer whose combined score falls below BAN_SCORE (scoring.ts) is
// disconnected and refused (both directions) for banDurationMs; the score is re-checked on every
// gossipsub heartbeat (1 s) and on every penalty.

import { createLibp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import type { ConnectionGater, Libp2p, PeerId } from "@libp2p/interface";
import type { Logger } from "../util/logger.js";
import { encodeEnvelope } from "./envelope.js";
import { verityGossipsub, wireValidation, type GossipHandlers, type ScoredGossipSub } from "./gossip.js";
import { loadOrCreateIdentity } from "./identity.js";
import { Reputation } from "./reputation.js";
import { BAN_SCORE, PENALTY } from "./scoring.js";
import { DEFAULT_SYNC_TIMEOUTS, PeerRequestError, requestBlocks, requestStatus, serveSync, type BlockSource, type SyncTimeouts } from "./sync-protocol.js";
import type { ChainStatus, SyncItem } from "./sync-codec.js";
import { topicKind, topicName, type TopicKind } from "./topics.js";

export interface P2PNetworkOptions {
  /** Holds the identity key (p2p-key). */
  readonly datadir: string;
  /** Interface to listen on; default 127.0.0.1. */
  readonly listenHost?: string;
  /** TCP port; 0 picks a free one (read it back from listenAddresses()). */
  readonly port: number;
  /** Multiaddrs to dial, with or without a /p2p/<peer id> suffix. */
  readonly bootnodes?: readonly string[];
  /** Default 25. */
  readonly maxPeers?: number;
  readonly chainId: bigint;
  readonly logger: Logger;
  /** Validators/consumers per topic; the node subscribes to exactly the topics given here. */
  readonly handlers: GossipHandlers;
  /** Serves the sync and status protocols when given. */
  readonly blockSource?: BlockSource;
  readonly timeouts?: Partial<SyncTimeouts>;
  /** Default 5 s. */
  readonly redialIntervalMs?: number;
  /** Default 10 min. */
  readonly banDurationMs?: number;
  /** Told when a peer connects or disconnects (e.g. to ask a new peer for its status). */
  readonly onPeer?: (peer: string, event: "connected" | "disconnected") => void;
  /**
   * Told when a peer subscribes to one of our topics (the first moment a publish reaches it: on
   * connect, gossipsub does not know the peer's topics yet).
   */
  readonly onSubscribed?: (peer: string, kind: TopicKind) => void;
}

type Services = { pubsub: ScoredGossipSub; identify: unknown; ping: unknown };

const DEFAULT_MAX_PEERS = 25;
const DEFAULT_REDIAL_INTERVAL_MS = 5_000;
const MAX_REDIAL_BACKOFF_MS = 30_000;
/** Redial ticks run every interval: a dial due exactly one interval later must not miss its tick by a millisecond. */
const REDIAL_SLACK_MS = 50;
const DIAL_TIMEOUT_MS = 5_000;
/** Reputation points halve in this long (gossip's own P4 counters use the same 10 min). */
const REPUTATION_HALF_LIFE_MS = 10 * 60_000;
/** A peer that does not answer libp2p's ping for this long is disconnected. */
const PING_TIMEOUT_MIN_MS = 30_000;

export class P2PNetwork {
  private redialTimer: NodeJS.Timeout | undefined;
  private redialing = false;
  private stopped = false;
  private readonly maxPeers: number;
  private readonly redialIntervalMs: number;

  private constructor(
    private readonly node: Libp2p<Services>,
    private readonly o: P2PNetworkOptions,
    private readonly reputation: Reputation,
    private readonly timeouts: SyncTimeouts,
    private readonly bootnodes: readonly Bootnode[],
    private readonly log: Logger,
  ) {
    this.maxPeers = o.maxPeers ?? DEFAULT_MAX_PEERS;
    this.redialIntervalMs = o.redialIntervalMs ?? DEFAULT_REDIAL_INTERVAL_MS;
  }

  static async start(o: P2PNetworkOptions): Promise<P2PNetwork> {
    const log = o.logger;
    const maxPeers = o.maxPeers ?? DEFAULT_MAX_PEERS;
    if (!Number.isInteger(maxPeers) || maxPeers < 1) throw new RangeError(`maxPeers must be a positive integer, got ${maxPeers}`);
    const bootnodes = (o.bootnodes ?? []).map(parseBootnode);
    const privateKey = await loadOrCreateIdentity(o.datadir, log);
    const reputation = new Reputation({ halfLifeMs: REPUTATION_HALF_LIFE_MS, banDurationMs: o.banDurationMs ?? 10 * 60_000 });
    const host = o.listenHost ?? "127.0.0.1";
    // The gater is built before the node it guards; it reads the node through this holder.
    const built: { node?: Libp2p<Services> } = {};
    const isFull = (peer: PeerId) => {
      const peers = built.node?.getPeers() ?? [];
      return peers.length >= maxPeers && !peers.some((p) => p.equals(peer));
    };
    const gater: ConnectionGater = {
      denyDialPeer: (peer) => reputation.isBanned(peer.toString()),
      denyInboundEncryptedConnection: (peer) => reputation.isBanned(peer.toString()) || isFull(peer),
      denyOutboundEncryptedConnection: (peer) => reputation.isBanned(peer.toString()) || isFull(peer),
    };
    const node = await createLibp2p({
      privateKey,
      addresses: { listen: [`/${host.includes(":") ? "ip6" : "ip4"}/${host}/tcp/${o.port}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: gater,
      // libp2p pings every peer each 10 s and aborts the connection when a ping is not answered in
      // an adaptive timeout of at least 5 s. A validator whose event loop is busy for a few seconds
      // (executing a large block on a loaded machine) then lost all its connections at once, and
      // with them the gossip mesh and the votes in flight. 30 s still drops a dead or paused peer.
      connectionMonitor: { pingTimeout: { minTimeout: PING_TIMEOUT_MIN_MS, maxTimeout: 2 * PING_TIMEOUT_MIN_MS } },
      connectionManager: {
        maxConnections: maxPeers,
        dialTimeout: DIAL_TIMEOUT_MS,
        // A localnet puts every node on one address: allow a burst of connections per host.
        inboundConnectionThreshold: Math.max(5, 2 * maxPeers),
      },
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: verityGossipsub(o.chainId, (peer) => -reputation.points(peer)),
      },
    });
    built.node = node;
    const net = new P2PNetwork(node, o, reputation, { ...DEFAULT_SYNC_TIMEOUTS, ...o.timeouts }, bootnodes, log);
    try {
      await net.wire();
    } catch (err) {
      await node.stop();
      throw err;
    }
    log.info("p2p started", { peerId: net.peerId, listen: net.listenAddresses().join(","), maxPeers, bootnodes: bootnodes.length });
    await net.dialBootnodes();
    net.scheduleRedial();
    return net;
  }

  /** This node's peer id (base58). */
  get peerId(): string {
    return this.node.peerId.toString();
  }

  /** Full listen multiaddrs including /p2p/<peer id>: what other nodes use as a bootnode entry. */
  listenAddresses(): string[] {
    return this.node.getMultiaddrs().map((ma) => ma.toString());
  }

  /** Connected peer ids. */
  peers(): string[] {
    return this.node.getPeers().map((p) => p.toString());
  }

  /** Peers known to be subscribed to a topic (those a publish can reach directly). */
  topicPeers(kind: TopicKind): string[] {
    return this.node.services.pubsub.getSubscribers(topicName(this.o.chainId, kind)).map((p) => p.toString());
  }

  /**
   * Gossips a payload on a topic; resolves to the number of peers it was sent to. With `resend`:
   * a re-send of a payload published before, in an envelope whose message id differs (envelope.ts).
   */
  async publish(kind: TopicKind, payload: Uint8Array, resend?: number): Promise<number> {
    const result = await this.node.services.pubsub.publish(topicName(this.o.chainId, kind), encodeEnvelope(kind, payload, resend));
    return result.recipients.length;
  }

  /** Up to `count` (<= 128) blocks from `fromHeight` from a connected peer. Penalizes protocol breaches (not timeouts). */
  async requestBlocks(peer: string, fromHeight: bigint, count: number): Promise<SyncItem[]> {
    const id = this.connectedPeer(peer);
    return this.blameFailures(() => requestBlocks(this.node, this.o.chainId, id, fromHeight, count, this.timeouts.blocksRequestMs));
  }

  /** A connected peer's head. Penalizes protocol breaches (not timeouts). */
  async requestStatus(peer: string): Promise<ChainStatus> {
    const id = this.connectedPeer(peer);
    return this.blameFailures(() => requestStatus(this.node, this.o.chainId, id, this.timeouts.statusRequestMs));
  }

  /**
   * Charges a peer for misbehaviour the caller detected (an invalid block or certificate, say).
   * The default charge bans the peer at once: it is disconnected and refused for the ban duration.
   */
  penalize(peer: string, reason: string, points: number = PENALTY.invalidData): void {
    const total = this.reputation.penalize(peer, points);
    this.log.warn("peer penalized", { peer, reason, points, total: Math.round(total) });
    this.enforceScore(peer, reason);
  }

  isBanned(peer: string): boolean {
    return this.reputation.isBanned(peer);
  }

  /** The score the ban rule uses: gossipsub's (which includes reputation) or reputation alone if lower. */
  score(peer: string): number {
    const points = this.reputation.points(peer);
    return Math.min(this.node.services.pubsub.getScore(peer), points > 0 ? -points : 0);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.redialTimer);
    await this.node.stop();
    this.log.info("p2p stopped");
  }

  private async wire(): Promise<void> {
    const { node, log, maxPeers } = this;
    const tell = (peer: string, event: "connected" | "disconnected") => {
      log.info(`peer ${event}`, { peer, peers: node.getPeers().length });
      try {
        this.o.onPeer?.(peer, event);
      } catch (err) {
        // An exception thrown from an event listener would be fatal to the process.
        log.error("onPeer callback threw", { peer, event, err });
      }
    };
    node.addEventListener("peer:connect", (evt) => tell(evt.detail.toString(), "connected"));
    node.addEventListener("peer:disconnect", (evt) => tell(evt.detail.toString(), "disconnected"));
    node.addEventListener("connection:open", (evt) => {
      // Last line of the peer limit: simultaneous handshakes can each pass the gater's check.
      const conn = evt.detail;
      if (node.getPeers().length > maxPeers && node.getConnections(conn.remotePeer).length === 1) {
        log.debug("closing connection past maxPeers", { peer: conn.remotePeer.toString() });
        conn.close().catch((err: unknown) => conn.abort(err instanceof Error ? err : new Error(String(err))));
      }
    });
    const pubsub = node.services.pubsub;
    pubsub.addEventListener("subscription-change", (evt) => {
      const peer = evt.detail.peerId.toString();
      for (const { topic, subscribe } of evt.detail.subscriptions) {
        const kind = subscribe ? topicKind(this.o.chainId, topic) : undefined;
        if (kind === undefined) continue;
        try {
          this.o.onSubscribed?.(peer, kind);
        } catch (err) {
          log.error("onSubscribed callback threw", { peer, kind, err });
        }
      }
    });
    pubsub.addEventListener("gossipsub:heartbeat", () => {
      for (const p of node.getPeers()) this.enforceScore(p.toString(), "gossip score");
    });
    wireValidation(pubsub, {
      chainId: this.o.chainId,
      handlers: this.o.handlers,
      logger: log,
      onReject: (peer, kind, reason) => {
        // The ban check runs on the next heartbeats (gossipsub caches scores for one heartbeat).
        log.warn("gossip message rejected", { peer, kind, reason });
      },
    });
    if (this.o.blockSource !== undefined) {
      await serveSync(node, {
        chainId: this.o.chainId,
        source: this.o.blockSource,
        logger: log,
        timeouts: this.timeouts,
        onViolation: (peer, reason) => this.penalize(peer, reason, PENALTY.badRequest),
      });
    }
  }

  /** Bans the peer if its score is below the ban line. */
  private enforceScore(peer: string, cause: string): void {
    if (this.stopped || this.reputation.isBanned(peer)) return;
    const score = this.score(peer);
    if (score >= BAN_SCORE) return;
    this.reputation.ban(peer);
    this.log.warn("peer banned", { peer, score: round(score), cause });
    for (const conn of this.node.getConnections()) {
      if (conn.remotePeer.toString() === peer) conn.close().catch((err: unknown) => conn.abort(err instanceof Error ? err : new Error(String(err))));
    }
  }

  private async blameFailures<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      // Only a protocol breach costs reputation. A timeout is not evidence of anything: a peer
      // whose CPU is saturated (a burst, a loaded machine) answers late, and reputation also feeds
      // gossip scores, where two timeouts within the 10-minute half-life used to put a validator
      // below the publish threshold: we stopped sending it our votes, under exactly the load that
      // made it slow. A dead peer is dropped by the connection monitor instead (see createLibp2p).
      if (err instanceof PeerRequestError && err.failure === "protocol") this.penalize(err.peer, err.message, PENALTY.protocolViolation);
      else if (err instanceof PeerRequestError && err.failure === "timeout") this.log.debug("peer request timed out", { peer: err.peer, reason: err.message });
      throw err;
    }
  }

  private connectedPeer(peer: string): PeerId {
    const id = this.node.getPeers().find((p) => p.toString() === peer);
    if (id === undefined) throw new PeerRequestError(peer, "unavailable", `peer ${peer} is not connected`);
    return id;
  }

  /**
   * Dials the bootnodes that are not connected and are due, at most one per free peer slot. Each
   * backs off on its own (interval x 2^failures, at most MAX_REDIAL_BACKOFF_MS) until it is seen
   * connected, so a bootnode that is down, or that refuses us, is not hammered. A bootnode that was
   * connected before is redialed every interval instead: it is most likely a peer behind a partition
   * that will heal, and with the backoff a 30 s split took 12-16 s to reconnect after it healed
   * (test/e2e/split-heal.test.ts), the consensus stalled meanwhile (issue 15). One dial per interval
   * per lost peer is cheap.
   */
  private async dialBootnodes(): Promise<void> {
    const peers = this.node.getPeers();
    if (this.stopped || peers.length >= this.maxPeers) return;
    const connected = new Set(peers.map((p) => p.toString()));
    const now = Date.now();
    // Never dial more bootnodes than there are free peer slots, so our own dials cannot overshoot.
    let slots = this.maxPeers - peers.length;
    const due = this.bootnodes.filter((b) => {
      if (b.peer === this.peerId) return false;
      if (b.peer !== undefined && connected.has(b.peer)) {
        b.failures = 0;
        b.nextAttemptAt = 0;
        b.wasConnected = true;
        return false;
      }
      if ((b.peer !== undefined && this.reputation.isBanned(b.peer)) || now < b.nextAttemptAt || slots === 0) return false;
      slots--;
      b.failures++;
      const backoff = b.wasConnected ? 1 : 2 ** (b.failures - 1);
      // Due by the tick after the interval (a hair early, so that tick does not just miss it).
      b.nextAttemptAt = now + Math.min(this.redialIntervalMs * backoff, Math.max(MAX_REDIAL_BACKOFF_MS, this.redialIntervalMs)) - REDIAL_SLACK_MS;
      return true;
    });
    await Promise.allSettled(
      due.map(async (b) => {
        try {
          const conn = await this.node.dial(b.addr, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) });
          b.peer = conn.remotePeer.toString();
          b.wasConnected = true;
        } catch (err) {
          this.log.debug("bootnode dial failed", { addr: b.addr.toString(), attempts: b.failures, err });
        }
      }),
    );
  }

  private scheduleRedial(): void {
    this.redialTimer = setInterval(() => {
      if (this.redialing || this.stopped) return;
      this.redialing = true;
      this.dialBootnodes()
        .catch((err: unknown) => this.log.error("bootnode redial failed", { err }))
        .finally(() => {
          this.redialing = false;
        });
    }, this.redialIntervalMs);
    this.redialTimer.unref();
  }
}

interface Bootnode {
  readonly addr: Multiaddr;
  /** From the /p2p/ component, or learned on the first successful dial. */
  peer: string | undefined;
  failures: number;
  nextAttemptAt: number;
  /**
   * Dialed successfully or seen connected once. (A peer that is full accepts a dial and drops it: it
   * is then redialed every interval too, a handshake per interval, which is cheap. Counting only
   * connections seen at a redial tick missed every peer lost within the first interval.)
   */
  wasConnected: boolean;
}

function parseBootnode(s: string): Bootnode {
  let addr: Multiaddr;
  try {
    addr = multiaddr(s);
  } catch (err) {
    throw new Error(`invalid bootnode multiaddr ${JSON.stringify(s)}`, { cause: err });
  }
  const peer = addr.getComponents().find((c) => c.name === "p2p")?.value;
  return { addr, peer, failures: 0, nextAttemptAt: 0, wasConnected: false };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
