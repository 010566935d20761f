// Wire formats of the block-sync and status protocols (all integers big-endian).
//
// blocks request : fromHeight u64 | count u16                        (exactly 10 bytes)
// blocks response: itemCount u16 | itemCount x (blockLen u32 | block | certLen u32 | certificate)
//                  then the responder closes the stream; nothing may follow the last item.
// status request : empty (the requester only closes its write end)
// status response: headHeight u64 | headHash[32]                     (exactly 40 bytes)
//
// Limits (checked by the reader before it allocates anything a length field names):
// - count <= SYNC_MAX_COUNT (128) blocks per request; a responder clamps larger requests, and a
//   requester rejects a response holding more items than it asked for.
// - block <= MAX_BLOCK_BYTES (3 MiB: nothing larger can be gossiped as a proposal, so nothing larger
//   can have been committed), certificate <= MAX_CERTIFICATE_BYTES (512 KiB), block non-empty.
// - a whole response <= SYNC_MAX_RESPONSE_BYTES (16 MiB): responders stop adding items before it
//   (the requester asks again from the next height), requesters abort a stream that exceeds it.

import { MAX_BLOCK_BYTES } from "../primitives/limits.js";
import { MAX_CERTIFICATE_BYTES } from "./topics.js";
import { ProtocolViolation, type StreamReader } from "./stream-io.js";

export const SYNC_MAX_COUNT = 128;
export const SYNC_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const SYNC_REQUEST_BYTES = 10;
export const STATUS_RESPONSE_BYTES = 40;
export const HEAD_HASH_BYTES = 32;
const U64_MAX = (1n << 64n) - 1n;

/** One block of a sync response: opaque encoded block and commit certificate bytes. */
export interface SyncItem {
  readonly block: Uint8Array;
  readonly certificate: Uint8Array;
}

export interface BlocksRequest {
  readonly fromHeight: bigint;
  readonly count: number;
}

export interface ChainStatus {
  readonly headHeight: bigint;
  readonly headHash: Uint8Array;
}

export function encodeBlocksRequest(req: BlocksRequest): Uint8Array {
  if (req.fromHeight < 0n || req.fromHeight > U64_MAX) throw new RangeError(`fromHeight ${req.fromHeight} is not a u64`);
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > 0xffff) throw new RangeError(`count ${req.count} is not a u16 >= 1`);
  const out = new Uint8Array(SYNC_REQUEST_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, req.fromHeight);
  view.setUint16(8, req.count);
  return out;
}

/** Decodes a request; the count is clamped to SYNC_MAX_COUNT. Never throws. */
export function decodeBlocksRequest(bytes: Uint8Array): BlocksRequest | undefined {
  if (bytes.length !== SYNC_REQUEST_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const count = view.getUint16(8);
  if (count === 0) return undefined;
  return { fromHeight: view.getBigUint64(0), count: Math.min(count, SYNC_MAX_COUNT) };
}

/** Bytes one item takes on the wire. */
export function itemWireBytes(item: SyncItem): number {
  return 8 + item.block.length + item.certificate.length;
}

/** Why an item may not be sent, or undefined when it fits the limits. */
export function itemLimitProblem(item: SyncItem): string | undefined {
  if (item.block.length === 0) return "empty block";
  if (item.block.length > MAX_BLOCK_BYTES) return `block of ${item.block.length} bytes exceeds ${MAX_BLOCK_BYTES}`;
  if (item.certificate.length > MAX_CERTIFICATE_BYTES) return `certificate of ${item.certificate.length} bytes exceeds ${MAX_CERTIFICATE_BYTES}`;
  return undefined;
}

/**
 * The response frames for `items`, already trimmed by the caller to fit the limits: a u16 count,
 * then per item a u32-length-prefixed block and certificate. Returned as parts to avoid one big copy.
 */
export function encodeBlocksResponse(items: readonly SyncItem[]): Uint8Array[] {
  if (items.length > SYNC_MAX_COUNT) throw new RangeError(`${items.length} items exceed the ${SYNC_MAX_COUNT} cap`);
  const parts: Uint8Array[] = [u16(items.length)];
  for (const item of items) parts.push(u32(item.block.length), item.block, u32(item.certificate.length), item.certificate);
  return parts;
}

/**
 * Reads a whole response from `reader` (whose total cap must be SYNC_MAX_RESPONSE_BYTES), checking
 * every length before reading it. Throws ProtocolViolation on anything malformed.
 */
export async function readBlocksResponse(reader: StreamReader, requested: number): Promise<SyncItem[]> {
  const count = readU16(await reader.readExact(2));
  if (count > requested) throw new ProtocolViolation(`response holds ${count} items, ${requested} were requested`);
  const items: SyncItem[] = [];
  for (let i = 0; i < count; i++) {
    const blockLen = readU32(await reader.readExact(4));
    if (blockLen === 0 || blockLen > MAX_BLOCK_BYTES) throw new ProtocolViolation(`item ${i}: block length ${blockLen} outside 1..${MAX_BLOCK_BYTES}`);
    const block = await reader.readExact(blockLen);
    const certLen = readU32(await reader.readExact(4));
    if (certLen > MAX_CERTIFICATE_BYTES) throw new ProtocolViolation(`item ${i}: certificate length ${certLen} exceeds ${MAX_CERTIFICATE_BYTES}`);
    const certificate = await reader.readExact(certLen);
    items.push({ block, certificate });
  }
  await reader.expectEnd();
  return items;
}

export function encodeStatus(status: ChainStatus): Uint8Array {
  if (status.headHeight < 0n || status.headHeight > U64_MAX) throw new RangeError(`headHeight ${status.headHeight} is not a u64`);
  if (status.headHash.length !== HEAD_HASH_BYTES) throw new RangeError(`headHash must be ${HEAD_HASH_BYTES} bytes`);
  const out = new Uint8Array(STATUS_RESPONSE_BYTES);
  new DataView(out.buffer).setBigUint64(0, status.headHeight);
  out.set(status.headHash, 8);
  return out;
}

/** Decodes a status response (exactly 40 bytes, as read by the caller). */
export function decodeStatus(bytes: Uint8Array): ChainStatus {
  if (bytes.length !== STATUS_RESPONSE_BYTES) throw new ProtocolViolation(`status of ${bytes.length} bytes, expected ${STATUS_RESPONSE_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { headHeight: view.getBigUint64(0), headHash: bytes.slice(8) };
}

function u16(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function readU16(b: Uint8Array): number {
  return (b[0]! << 8) | b[1]!;
}

function readU32(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
}
