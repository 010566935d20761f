// Messages for heights that have not started yet, kept (bounded) until StartHeight replays them.
// They cannot be verified before their height's validator set and seed are known, so the bound is
// on count: a global cap, and a per-sender cap so one sender cannot crowd out everyone else.

import { toHex } from "./bytes.js";
import type { ConsensusMessage } from "./messages.js";

function senderOf(m: ConsensusMessage): Uint8Array {
  return m.kind === "proposal" ? m.proposer : m.voter;
}

export class FutureMessageBuffer {
  private messages: ConsensusMessage[] = [];
  private readonly perSender = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly perSenderCapacity: number,
  ) {}

  /** Returns false (message dropped) when a cap is reached. */
  add(m: ConsensusMessage): boolean {
    const sender = toHex(senderOf(m));
    const count = this.perSender.get(sender) ?? 0;
    if (this.messages.length >= this.capacity || count >= this.perSenderCapacity) return false;
    this.messages.push(m);
    this.perSender.set(sender, count + 1);
    return true;
  }

  /** Removes and returns the messages of `height` in arrival order; drops those of lower heights. */
  takeHeight(height: number): ConsensusMessage[] {
    const taken: ConsensusMessage[] = [];
    const kept: ConsensusMessage[] = [];
    for (const m of this.messages) {
      if (m.height === height) taken.push(m);
      else if (m.height > height) kept.push(m);
    }
    this.messages = kept;
    this.perSender.clear();
    for (const m of kept) {
      const sender = toHex(senderOf(m));
      this.perSender.set(sender, (this.perSender.get(sender) ?? 0) + 1);
    }
    return taken;
  }

  get size(): number {
    return this.messages.length;
  }
}
