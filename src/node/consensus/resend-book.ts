// What this node's validators signed and broadcast for the height being agreed, kept so that it can
// be sent again (issue 15, "the split stall"). Gossip delivers a message once, to the peers
// connected at the time: votes and proposals cast during a partition never reach the other side,
// and gossipsub's content-addressed ids make a plain republish a duplicate. Without a re-send the
// halves of a healed split learn each other's rounds only from new messages, one round too late,
// round after round. CometBFT gossips votes to each peer by what the peer is known to miss; this is
// the simplified form: each validator re-sends its own messages of its latest rounds of the height
// when a round fails on timeout and when a peer joins the consensus topics, each trigger at most
// once per `minIntervalMs`. Receivers admit them like any gossiped message (a duplicate vote is
// counted once and is no equivocation). Pure bookkeeping: the caller passes the time.

export type ResendTrigger = "round-timeout" | "peer-joined";

export interface SignedMessage {
  readonly kind: "proposal" | "vote";
  readonly height: number;
  readonly round: number;
  /** The signer's address (hex): rounds are kept per signer. */
  readonly signer: string;
  /** The encoded message, as first broadcast. */
  readonly bytes: Uint8Array;
}

export interface ResendBookOptions {
  /** How many of each signer's latest rounds are kept (a receiver admits 2 rounds ahead of its own per sender). */
  readonly rounds: number;
  /** The least time between two re-sends of one trigger. */
  readonly minIntervalMs: number;
}

/** Two rounds: the round a validator is in and the one it just failed; 1.5 s: about one propose timeout. */
export const RESEND_DEFAULTS: ResendBookOptions = { rounds: 2, minIntervalMs: 1500 };

export class ResendBook {
  private height = 0;
  private readonly bySigner = new Map<string, SignedMessage[]>();
  private readonly lastSent = new Map<ResendTrigger, number>();
  private readonly retryPending = new Set<ResendTrigger>();

  constructor(private readonly o: ResendBookOptions = RESEND_DEFAULTS) {}

  /** A message one of our validators signed and broadcast. A later height forgets the earlier one. */
  record(m: SignedMessage): void {
    if (m.height < this.height) return;
    if (m.height > this.height) {
      this.height = m.height;
      this.bySigner.clear();
      this.lastSent.clear();
      this.retryPending.clear();
    }
    const kept = this.bySigner.get(m.signer) ?? [];
    kept.push(m);
    const newest = Math.max(...kept.map((k) => k.round));
    this.bySigner.set(
      m.signer,
      kept.filter((k) => k.round > newest - this.o.rounds),
    );
  }

  /**
   * What to send again for `trigger` at `height` now: every kept message of that height, oldest
   * round first (a receiver then opens rounds in order). Within the trigger's interval nothing, and
   * once per interval a `retryInMs`: the caller asks again then, so that a peer that joined just
   * after a re-send still gets one (a re-send reaches only the peers subscribed at the time).
   */
  due(trigger: ResendTrigger, height: number, now: number): { readonly messages: SignedMessage[]; readonly retryInMs?: number } {
    if (height !== this.height || this.bySigner.size === 0) return { messages: [] };
    const last = this.lastSent.get(trigger);
    if (last !== undefined && now - last < this.o.minIntervalMs) {
      if (this.retryPending.has(trigger)) return { messages: [] };
      this.retryPending.add(trigger);
      return { messages: [], retryInMs: last + this.o.minIntervalMs - now };
    }
    this.lastSent.set(trigger, now);
    this.retryPending.delete(trigger);
    const messages = [...this.bySigner.values()].flat().sort((a, b) => a.round - b.round || (a.kind === b.kind ? 0 : a.kind === "proposal" ? -1 : 1));
    return { messages };
  }
}
