// The gossip envelope: version u8 | kind u8 | payload.
//
// The payload is opaque here (a transaction, proposal, vote or committed block encoded by its own
// room); the envelope only makes the message self-describing and versioned so that a format change
// can be rolled out behind a new version byte, and lets a node drop wrong-kind or oversized data
// before any payload decoder sees it. Its length is the gossip message's length: no length field to
// disagree with. Decoding never throws: garbage yields a reason, which the network turns into a
// gossipsub "reject" (and a score penalty for the peer that sent it).

import { KIND_CODE, MAX_PAYLOAD_BYTES, type TopicKind } from "./topics.js";

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_HEADER_BYTES = 2;

export type EnvelopeDecodeResult =
  | { readonly ok: true; readonly kind: TopicKind; readonly payload: Uint8Array }
  | { readonly ok: false; readonly reason: string };

export class EnvelopeError extends Error {
  override name = "EnvelopeError";
}

/** Wraps a payload for a topic; throws if the payload exceeds the topic's limit (a local bug). */
export function encodeEnvelope(kind: TopicKind, payload: Uint8Array): Uint8Array {
  const limit = MAX_PAYLOAD_BYTES[kind];
  if (payload.length > limit) {
    throw new EnvelopeError(`${kind} payload of ${payload.length} bytes exceeds the ${limit}-byte limit`);
  }
  const out = new Uint8Array(ENVELOPE_HEADER_BYTES + payload.length);
  out[0] = ENVELOPE_VERSION;
  out[1] = KIND_CODE[kind];
  out.set(payload, ENVELOPE_HEADER_BYTES);
  return out;
}

/**
 * Unwraps an envelope received on the topic of `expected`. The payload is a view into `data`
 * (no copy). Checks, cheapest first: size, header, version, kind matches the topic.
 */
export function decodeEnvelope(expected: TopicKind, data: Uint8Array): EnvelopeDecodeResult {
  const limit = MAX_PAYLOAD_BYTES[expected] + ENVELOPE_HEADER_BYTES;
  if (data.length > limit) return { ok: false, reason: `oversized ${expected} envelope: ${data.length} > ${limit} bytes` };
  if (data.length < ENVELOPE_HEADER_BYTES) return { ok: false, reason: `truncated envelope: ${data.length} bytes` };
  if (data[0] !== ENVELOPE_VERSION) return { ok: false, reason: `unknown envelope version ${data[0]}` };
  if (data[1] !== KIND_CODE[expected]) return { ok: false, reason: `envelope kind ${data[1]} on the ${expected} topic` };
  if (data.length === ENVELOPE_HEADER_BYTES) return { ok: false, reason: "empty payload" };
  return { ok: true, kind: expected, payload: data.subarray(ENVELOPE_HEADER_BYTES) };
}
