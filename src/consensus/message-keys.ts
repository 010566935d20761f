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

const signers = new WeakMap<ConsensusMessage, string>();
const values = new WeakMap<Vote, string>();
// The last message asked about, in front of each WeakMap: a delivery asks for the same message's keys
// several times in a row (admission, duplicate check, tally), and a simulator hands one message to
// its validators one after another. An identity check is cheaper than an ephemeron-table lookup.
let lastSigner: ConsensusMessage | null = null;
let lastSignerKey = "";
let lastValue: Vote | null = null;
let lastValueKey = "";

/** The proposer's (proposal) or voter's (vote) address in hex. */
export function signerHex(m: ConsensusMessage): string {
  if (m === lastSigner) return lastSignerKey;
  let key = signers.get(m);
  if (key === undefined) {
    key = toHex(m.kind === "proposal" ? m.proposer : m.voter);
    signers.set(m, key);
  }
  lastSigner = m;
  lastSignerKey = key;
  return key;
}

const proposalValues = new WeakMap<Proposal, string>();
let lastProposal: Proposal | null = null;
let lastProposalKey = "";

/** A proposal's value hash in hex (the key of its block bytes and validation status). */
export function proposalValueKey(p: Proposal): string {
  if (p === lastProposal) return lastProposalKey;
  let key = proposalValues.get(p);
  if (key === undefined) {
    key = toHex(p.valueHash);
    proposalValues.set(p, key);
  }
  lastProposal = p;
  lastProposalKey = key;
  return key;
}

/** The tally key of a vote's value: the hash in hex, or "nil". */
export function voteValueKey(v: Vote): string {
  if (v === lastValue) return lastValueKey;
  let key = values.get(v);
  if (key === undefined) {
    key = v.valueHash === null ? "nil" : toHex(v.valueHash);
    values.set(v, key);
  }
  lastValue = v;
  lastValueKey = key;
  return key;
}
