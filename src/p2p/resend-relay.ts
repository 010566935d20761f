// How often this node relays re-sends of one payload (gossip envelope version 2, envelope.ts).
//
// A re-send's counter gives the same signed vote or proposal a fresh gossip message id, which is
// what lets it cross a healed partition (gossipsub drops a republished message as a duplicate). It
// also lets anyone re-wrap a genuine message under any number of counters: without a limit every
// node would validate and relay each of them, so one peer could make the whole network carry the
// same vote again and again. Honest validators re-send a payload at most once per trigger interval
// (node/consensus/resend-book.ts, 1.5 s), so a node relays (hands to its handler) a re-send of a
// payload at most once per that interval and ignores the others unseen, without blame: a re-send
// racing another is not misbehaviour. Pure bookkeeping: the caller passes the time.
import { createHash } from "node:crypto";

/** The least time between two relayed re-sends of one payload: the honest re-send interval. */
export const RESEND_RELAY_INTERVAL_MS = 1_500;

/** Payloads remembered (a 44-character key each): far more than one height's consensus messages. */
const REMEMBERED = 16_384;

export class ResendRelayLimiter {
  private readonly lastRelayed = new Map<string, number>();

  constructor(
    private readonly intervalMs = RESEND_RELAY_INTERVAL_MS,
    private readonly remembered = REMEMBERED,
  ) {}

  /** Whether a re-send of `payload` arriving at `now` is relayed; if so it is counted as relayed. */
  admit(payload: Uint8Array, now: number): boolean {
    const key = createHash("sha256").update(payload).digest("base64");
    const last = this.lastRelayed.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastRelayed.delete(key); // re-inserted last: the map stays in relay order, oldest first
    this.lastRelayed.set(key, now);
    if (this.lastRelayed.size > this.remembered) this.lastRelayed.delete(this.lastRelayed.keys().next().value as string);
    return true;
  }
}
