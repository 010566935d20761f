// Hex keys of a received message's signer and value (voted or proposed), computed once per message object.
//
// Every vote is looked up by its voter and tallied by its value several times on its way in
// (round admission, duplicate check, vote set), and in a simulator one decoded message object is
// delivered to every validator in the process: building the same 40- and 64-character strings
// again each time was a leading cost of the simulator (with the garbage it left). Messages are
// immutable once made (signed or decoded; nothing writes into their byte fields), so a key cached
// against the object stays the key of its bytes. WeakMaps: a key lives as long as its message.

import { toHex } from "./bytes.js";
import type { ConsensusMessage, Proposal, Vote } from "./messages.js";

/**
 * Keys by message object, with the last message asked about in front of the WeakMap: a delivery asks
 * for the same message's keys several times in a row (admission, duplicate check, tally), and a
 * simulator hands one message to its validators one after another. An identity check is cheaper
 * than an ephemeron-table lookup.
 */
class KeyByObject<T extends object> {
  private readonly keys = new WeakMap<T, string>();
  private last: T | null = null;
  private lastKey = "";

  constructor(private readonly compute: (m: T) => string) {}

  get(m: T): string {
    if (m === this.last) return this.lastKey;
    let key = this.keys.get(m);
    if (key === undefined) {
      key = this.compute(m);
      this.keys.set(m, key);
    }
    this.last = m;
    this.lastKey = key;
    return key;
  }
}

const signers = new KeyByObject<ConsensusMessage>((m) => toHex(m.kind === "proposal" ? m.proposer : m.voter));
const voteValues = new KeyByObject<Vote>((v) => (v.valueHash === null ? "nil" : toHex(v.valueHash)));
const proposalValues = new KeyByObject<Proposal>((p) => toHex(p.valueHash));

/** The proposer's (proposal) or voter's (vote) address in hex. */
export function signerHex(m: ConsensusMessage): string {
  return signers.get(m);
}

/** A proposal's value hash in hex (the key of its block bytes and validation status). */
export function proposalValueKey(p: Proposal): string {
  return proposalValues.get(p);
}

/** The tally key of a vote's value: the hash in hex, or "nil". */
export function voteValueKey(v: Vote): string {
  return voteValues.get(v);
}
