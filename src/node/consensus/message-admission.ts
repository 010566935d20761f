// Gossip admission of consensus messages: what the network layer should do with a received proposal
// or vote (accept and relay, reject and penalise the sender, ignore), and handing admitted ones to
// the local engines. Messages of the current height are verified here (the engines then reuse the
// memoized verdict) so that gossip relays only valid ones and penalises senders of forged ones;
// near-future heights are handed to the engines' bounded buffer unrelayed. A future message's VRF
// proof cannot be checked before its height's seed is known, but its signature can: without that
// check anyone could fill the buffer's per-validator quota with messages in a real validator's name
// and crowd out that validator's genuine early votes.
import { decodeMessage } from "../../consensus/codec.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import type { MemoizingMessageVerifier } from "../../consensus/memo-verifier.js";
import { proposalSignBytes, voteSignBytes, type ConsensusMessage } from "../../consensus/messages.js";
import type { ConsensusParams, ValidatorSet } from "../../consensus/types.js";
import type { HeightSession } from "./height-session.js";
import type { MessageVerdict } from "./ports.js";

/** What admission needs of the driver. */
export interface AdmissionHost {
  running(): boolean;
  /** The height being agreed (undefined before start). */
  session(): HeightSession | undefined;
  /** Whether the local engines have started the session's height. */
  started(): boolean;
  /** A peer already works on the current height: start it now (idle or waiting out the block time). */
  joinCurrentHeight(): void;
  /** Hand a message to every local engine. */
  deliver(m: ConsensusMessage): void;
  /** Peers are evidently ahead (messages for later heights): time to sync. */
  onBehind?: ((theirHeight: number) => void) | undefined;
}

export class MessageAdmission {
  /** When the first validly signed message of the next height arrived: peers started it by then. */
  private nextHeightSeen: { height: number; at: number } | null = null;

  constructor(
    private readonly host: AdmissionHost,
    private readonly o: { validatorSetOf: (height: number) => ValidatorSet | undefined; verifier: MemoizingMessageVerifier; params: ConsensusParams; crypto: ConsensusCrypto; now: () => number },
  ) {}

  /** When peers started `height`, if a validly signed message of it arrived before we did. */
  seenStart(height: number): number | undefined {
    return this.nextHeightSeen?.height === height ? this.nextHeightSeen.at : undefined;
  }

  admit(bytes: Uint8Array): MessageVerdict {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) return { verdict: "reject", reason: `undecodable: ${decoded.error}` };
    const m = decoded.value;
    const s = this.host.session();
    if (!this.host.running() || s === undefined) return { verdict: "ignore", reason: "old height" };
    if (m.height < s.height) {
      // A precommit of the parent that its certificate lacks: kept for our next proposal's lastCommit.
      if (m.kind === "vote" && m.height === s.height - 1 && s.addLatePrecommit(m, this.o.verifier)) return { verdict: "accept" };
      return { verdict: "ignore", reason: "old height" };
    }
    if (m.height > s.height) {
      // A height whose set is not loaded yet (beyond the next epoch's snapshot) has nothing to check
      // a signature against: not the peer's fault, and not worth buffering.
      const set = this.o.validatorSetOf(m.height);
      if (!set) return { verdict: "ignore", reason: "future height, validator set not known yet" };
      const forged = this.forgedSignature(m, set);
      if (forged) return { verdict: "reject", reason: forged };
      if (m.height === s.height + 1 && this.nextHeightSeen?.height !== m.height) this.nextHeightSeen = { height: m.height, at: this.o.now() };
      if (m.height > s.height + 1) this.host.onBehind?.(m.height);
      this.host.deliver(m);
      return { verdict: "ignore", reason: "future height" };
    }
    const v = m.kind === "proposal" ? this.o.verifier.verifyProposal(s.ctx, m) : this.o.verifier.verifyVote(s.ctx, m);
    if (!v.ok) return { verdict: "reject", reason: v.reason };
    if (!this.host.started()) this.host.joinCurrentHeight();
    this.host.deliver(m);
    return { verdict: "accept" };
  }

  /** Why a message is not signed by the validator it names (null when it is). */
  private forgedSignature(m: ConsensusMessage, set: ValidatorSet): string | null {
    const signer = m.kind === "proposal" ? m.proposer : m.voter;
    const validator = set.get(signer);
    if (!validator) return "unknown-validator";
    const signed = m.kind === "proposal" ? proposalSignBytes(this.o.params.chainId, m) : voteSignBytes(this.o.params.chainId, m);
    return this.o.crypto.verifySignature(validator.signingKey, signed, m.signature) ? null : "bad-signature";
  }
}
