// The gossip envelope: version u8 | kind u8 | [resend u32, version 2 only] | payload.
//
// The payload is opaque here (a transaction, proposal, vote or committed block encoded by its own
// room); the envelope only makes the message self-describing and versioned so that a format change
// can be rolled out behind a new version byte, and lets a node drop wrong-kind or oversized data
// before any payload decoder sees it. Its length is the gossip message's length: no length field to
// disagree with. Decoding never throws: garbage yields a reason, which the network turns into a
// gossipsub "reject" (and a score penalty for the peer that sent it).
//
// Version 2 is a re-send: the same payload with a counter in front. Gossip message ids are
// sha256(envelope) (p2p/gossip.ts), so publishing the same payload again in a version 1 envelope is
// a duplicate that gossipsub drops (the publisher's own seen cache first). A validator re-sends its
// consensus messages after a partition heals (node/consensus/resend-book.ts); the counter gives each
// re-send a fresh id. Receivers hand the payload to the same handler as a version 1 payload.

import { KIND_CODE, MAX_PAYLOAD_BYTES, type TopicKind } from "./topics.js";

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_HEADER_BYTES = 2;
/** A re-send's envelope version, and its header: version, kind, the u32 counter. */
export const RESEND_ENVELOPE_VERSION = 2;
export const RESEND_ENVELOPE_HEADER_BYTES = 6;

export type EnvelopeDecodeResult =
  | { readonly ok: true; readonly kind: TopicKind; readonly payload: Uint8Array; readonly resend?: number }
  | { readonly ok: false; readonly reason: string };

export class EnvelopeError extends Error {
  override name = "EnvelopeError";
}

/**
 * Wraps a payload for a topic; throws if the payload exceeds the topic's limit (a local bug).
 * With `resend` (an integer 0..2^32-1): a version 2 envelope carrying it (see the top of this file).
 */
export function encodeEnvelope(kind: TopicKind, payload: Uint8Array, resend?: number): Uint8Array {
  const limit = MAX_PAYLOAD_BYTES[kind];
  if (payload.length > limit) {
    throw new EnvelopeError(`${kind} payload of ${payload.length} bytes exceeds the ${limit}-byte limit`);
  }
  if (resend !== undefined && !(Number.isInteger(resend) && resend >= 0 && resend <= 0xffff_ffff)) {
    throw new EnvelopeError(`resend counter ${resend} is not a u32`);
  }
  const header = resend === undefined ? ENVELOPE_HEADER_BYTES : RESEND_ENVELOPE_HEADER_BYTES;
  const out = new Uint8Array(header + payload.length);
  out[0] = resend === undefined ? ENVELOPE_VERSION : RESEND_ENVELOPE_VERSION;
  out[1] = KIND_CODE[kind];
  if (resend !== undefined) new DataView(out.buffer).setUint32(2, resend);
  out.set(payload, header);
  return out;
}

/**
 * Unwraps an envelope received on the topic of `expected`. The payload is a view into `data`
 * (no copy). Checks, cheapest first: size, header, version, kind matches the topic.
 */
export function decodeEnvelope(expected: TopicKind, data: Uint8Array): EnvelopeDecodeResult {
  const version = data[0];
  const header = version === RESEND_ENVELOPE_VERSION ? RESEND_ENVELOPE_HEADER_BYTES : ENVELOPE_HEADER_BYTES;
  const limit = MAX_PAYLOAD_BYTES[expected] + header;
  if (data.length > limit) return { ok: false, reason: `oversized ${expected} envelope: ${data.length} > ${limit} bytes` };
  if (data.length < header) return { ok: false, reason: `truncated envelope: ${data.length} bytes` };
  if (version !== ENVELOPE_VERSION && version !== RESEND_ENVELOPE_VERSION) return { ok: false, reason: `unknown envelope version ${version}` };
  if (data[1] !== KIND_CODE[expected]) return { ok: false, reason: `envelope kind ${data[1]} on the ${expected} topic` };
  if (data.length === header) return { ok: false, reason: "empty payload" };
  const payload = data.subarray(header);
  if (version === ENVELOPE_VERSION) return { ok: true, kind: expected, payload };
  return { ok: true, kind: expected, payload, resend: new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(2) };
}
