// Request/response protocols for catching up: blocks by height range with their commit
// certificates (/verity/<chainId>/sync/blocks/1) and the peer's head (/verity/<chainId>/status/1).
//
// This room moves bytes only: it never decodes or verifies a block or certificate. The sync driver
// that calls requestBlocks verifies and executes them, and penalizes the peer that sent bad ones.
// What this room does guarantee is that a peer cannot hurt us through the protocol itself: every
// length is checked before use, totals are capped, both sides run under deadlines, and a stream
// error only ever ends that one stream. Wire formats and limits: sync-codec.ts.

import type { Libp2p, PeerId, Stream, Connection } from "@libp2p/interface";
import type { Logger } from "../util/logger.js";
import { ProtocolViolation, StreamEndedEarly, StreamReader, StreamTimeout, connectionLost, withDeadline, writeAll } from "./stream-io.js";
import {
  type BlocksRequest,
  type ChainStatus,
  type SyncItem,
  SYNC_MAX_COUNT,
  SYNC_MAX_RESPONSE_BYTES,
  SYNC_REQUEST_BYTES,
  STATUS_RESPONSE_BYTES,
  decodeBlocksRequest,
  decodeStatus,
  encodeBlocksRequest,
  encodeBlocksResponse,
  encodeStatus,
  itemLimitProblem,
  itemWireBytes,
  readBlocksResponse,
} from "./sync-codec.js";

/** What the node serves to syncing peers; implemented by the chain side. */
export interface BlockSource {
  /**
   * Up to `count` consecutive committed blocks starting at `fromHeight`, in height order, each with
   * its commit certificate; fewer (or none) when the chain ends first. Extra items are dropped.
   */
  getBlocks(fromHeight: bigint, count: number): Promise<readonly SyncItem[]> | readonly SyncItem[];
  /** The current head. */
  getStatus(): Promise<ChainStatus> | ChainStatus;
}

export interface SyncTimeouts {
  /** Requester: whole blocks exchange, dial included. */
  readonly blocksRequestMs: number;
  /** Requester: whole status exchange, dial included. */
  readonly statusRequestMs: number;
  /** Responder: time allowed for the request bytes to arrive (and for a 40-byte status answer). */
  readonly serveReadMs: number;
  /** Responder: time allowed to hand the whole response to a slow reader. */
  readonly serveWriteMs: number;
}

export const DEFAULT_SYNC_TIMEOUTS: SyncTimeouts = {
  blocksRequestMs: 15_000,
  statusRequestMs: 5_000,
  serveReadMs: 5_000,
  serveWriteMs: 30_000,
};

/** How long a stream that ended early waits to see whether its connection is going away. */
const CONNECTION_LOSS_GRACE_MS = 1_000;

/** Concurrent inbound streams one connection may hold per protocol (bounds a peer's load on us). */
const MAX_INBOUND_SYNC_STREAMS = 2;
const MAX_INBOUND_STATUS_STREAMS = 4;

export function syncBlocksProtocol(chainId: bigint): string {
  return `/verity/${chainId.toString()}/sync/blocks/1`;
}

export function statusProtocol(chainId: bigint): string {
  return `/verity/${chainId.toString()}/status/1`;
}

/** Why a request to a peer failed: "protocol" is the peer's fault, the others may not be. */
export type PeerRequestFailure = "protocol" | "timeout" | "unavailable";

export class PeerRequestError extends Error {
  override name = "PeerRequestError";
  constructor(
    readonly peer: string,
    readonly failure: PeerRequestFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ServeOptions {
  readonly chainId: bigint;
  readonly source: BlockSource;
  readonly logger: Logger;
  readonly timeouts: SyncTimeouts;
  /** Called when a requesting peer breaks the protocol (malformed request). */
  readonly onViolation: (peer: string, reason: string) => void;
}

/** Registers the responder side of both protocols on the node. */
export async function serveSync(node: Libp2p, o: ServeOptions): Promise<void> {
  await node.handle(syncBlocksProtocol(o.chainId), (stream, connection) => serveBlocks(stream, connection, o), {
    maxInboundStreams: MAX_INBOUND_SYNC_STREAMS,
  });
  await node.handle(statusProtocol(o.chainId), (stream, connection) => serveStatus(stream, connection, o), {
    maxInboundStreams: MAX_INBOUND_STATUS_STREAMS,
  });
}

async function serveBlocks(stream: Stream, connection: Connection, o: ServeOptions): Promise<void> {
  const peer = connection.remotePeer.toString();
  let req: BlocksRequest | undefined;
  try {
    const reader = new StreamReader(stream, SYNC_REQUEST_BYTES);
    req = await withDeadline(stream, o.timeouts.serveReadMs, "sync request read", async () => decodeBlocksRequest(await reader.readExact(SYNC_REQUEST_BYTES)));
    if (req === undefined) throw new ProtocolViolation("malformed blocks request");
    const items = fitResponse(await o.source.getBlocks(req.fromHeight, req.count), req.count, o.logger);
    await withDeadline(stream, o.timeouts.serveWriteMs, "sync response write", async () => {
      await writeAll(stream, encodeBlocksResponse(items));
      await stream.close();
    });
    o.logger.debug("served blocks", { peer, from: req.fromHeight, count: items.length });
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
    if (err instanceof ProtocolViolation) o.onViolation(peer, `sync request: ${err.message}`);
    else o.logger.debug("sync request not served", { peer, from: req?.fromHeight, err });
  }
}

/** Keeps the leading items that fit the per-item limits, the requested count and the response cap. */
function fitResponse(items: readonly SyncItem[], count: number, logger: Logger): SyncItem[] {
  const out: SyncItem[] = [];
  let bytes = 2;
  for (const item of items.slice(0, Math.min(count, SYNC_MAX_COUNT))) {
    const problem = itemLimitProblem(item);
    if (problem !== undefined) {
      // Our own chain holds a block the protocol cannot carry: a local bug, never the peer's.
      logger.error("block source returned an item the sync protocol cannot carry", { problem });
      break;
    }
    if (bytes + itemWireBytes(item) > SYNC_MAX_RESPONSE_BYTES) break;
    bytes += itemWireBytes(item);
    out.push(item);
  }
  return out;
}

async function serveStatus(stream: Stream, connection: Connection, o: ServeOptions): Promise<void> {
  try {
    const status = await o.source.getStatus();
    await withDeadline(stream, o.timeouts.serveReadMs, "status response write", async () => {
      await writeAll(stream, [encodeStatus(status)]);
      await stream.close();
    });
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
    o.logger.debug("status request not served", { peer: connection.remotePeer.toString(), err });
  }
}

/**
 * Asks `peer` for up to `count` blocks from `fromHeight` (count is capped at SYNC_MAX_COUNT; a
 * shorter answer means the peer has no more, or hit the response size cap: ask again from the next
 * height). Throws PeerRequestError naming the failure.
 */
export async function requestBlocks(node: Libp2p, chainId: bigint, peer: PeerId, fromHeight: bigint, count: number, timeoutMs: number): Promise<SyncItem[]> {
  const wanted = Math.min(count, SYNC_MAX_COUNT);
  const request = encodeBlocksRequest({ fromHeight, count: wanted });
  return exchange(node, peer, syncBlocksProtocol(chainId), timeoutMs, "blocks request", async (stream) => {
    const reader = new StreamReader(stream, SYNC_MAX_RESPONSE_BYTES);
    await writeAll(stream, [request]);
    await stream.close();
    return readBlocksResponse(reader, wanted);
  });
}

/** Asks `peer` for its head. Throws PeerRequestError naming the failure. */
export async function requestStatus(node: Libp2p, chainId: bigint, peer: PeerId, timeoutMs: number): Promise<ChainStatus> {
  return exchange(node, peer, statusProtocol(chainId), timeoutMs, "status request", async (stream) => {
    const reader = new StreamReader(stream, STATUS_RESPONSE_BYTES);
    await stream.close();
    const status = decodeStatus(await reader.readExact(STATUS_RESPONSE_BYTES));
    await reader.expectEnd();
    return status;
  });
}

/**
 * Opens a stream and runs one exchange on it under one deadline, classifying any failure. `work`
 * runs synchronously up to its first await, so it can attach its StreamReader in time.
 */
async function exchange<T>(node: Libp2p, peer: PeerId, protocol: string, timeoutMs: number, what: string, work: (stream: Stream) => Promise<T>): Promise<T> {
  const started = Date.now();
  let connection: Connection;
  let stream: Stream;
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    connection = await node.dial(peer, { signal });
    stream = await connection.newStream(protocol, { signal });
  } catch (err) {
    const timedOut = Date.now() - started >= timeoutMs;
    throw new PeerRequestError(peer.toString(), timedOut ? "timeout" : "unavailable", `${what}: cannot open ${protocol}: ${(err as Error).message}`, { cause: err });
  }
  const remaining = Math.max(1, timeoutMs - (Date.now() - started));
  try {
    return await withDeadline(stream, remaining, what, () => work(stream));
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
    let failure: PeerRequestFailure = err instanceof ProtocolViolation ? "protocol" : err instanceof StreamTimeout ? "timeout" : "unavailable";
    // An answer cut short by the connection closing (the peer shutting down, a broken link) is
    // not the peer's violation: an honest validator restarting must not be banned for it.
    if (err instanceof StreamEndedEarly && (await connectionLost(connection, CONNECTION_LOSS_GRACE_MS))) failure = "unavailable";
    throw new PeerRequestError(peer.toString(), failure, `${what}: ${(err as Error).message}`, { cause: err });
  }
}
