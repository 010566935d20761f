// gossipsub setup for verity: message ids, limits, scoring, and the validation path from a
// received gossip message to the node's handler and back to gossipsub's accept/reject/ignore.
//
// Validation is asynchronous (asyncValidation): gossipsub forwards nothing until the verdict is
// reported. accept re-gossips to the mesh; reject drops the message and charges the peer that sent
// it (score P4, see scoring.ts); ignore drops it without blame. An envelope that does not decode
// (garbage, wrong kind, oversized) is rejected before any handler sees it.

import { gossipsub, TopicValidatorResult, type GossipSub, type GossipSubComponents, type GossipsubMessage } from "@libp2p/gossipsub";
import type { Logger } from "../util/logger.js";
import { decodeEnvelope } from "./envelope.js";
import { ResendRelayLimiter } from "./resend-relay.js";
import { peerScoreParams, SCORE_THRESHOLDS } from "./scoring.js";
import { GOSSIP_RPC_MAX_BYTES, TOPIC_KINDS, topicKind, topicName, type TopicKind } from "./topics.js";

export type Verdict = "accept" | "reject" | "ignore";

/** A verdict, optionally with the reason logged for a reject or ignore. */
export type ValidationOutcome = Verdict | { readonly verdict: Verdict; readonly reason: string };

/**
 * Validates (and, on accept, consumes) one gossip message's payload. `from` is the peer that
 * forwarded it to us. Return "reject" only for data that is invalid for every node (bad encoding,
 * bad signature, wrong chain): that penalizes the sender. Data that is merely unwanted here (a tx
 * whose nonce is already used, a vote for an old height, a full pool) is "ignore". A handler that
 * throws counts as "ignore" (our bug is not the peer's fault). Keep handlers quick: the message
 * stays in gossipsub's cache for only a few heartbeats while it waits for the verdict.
 */
export type MessageHandler = (payload: Uint8Array, from: string) => ValidationOutcome | Promise<ValidationOutcome>;

export type GossipHandlers = Partial<Record<TopicKind, MessageHandler>>;

/** The GossipSub class methods we use beyond the exported interface (present on the instance). */
export interface ScoredGossipSub extends GossipSub {
  getScore(peer: string): number;
  reportMessageValidationResult(msgId: string, propagationSource: string, acceptance: TopicValidatorResult): void;
}

/** The gossipsub service for this chain; `appScore` is the app-specific score (reputation). */
export function verityGossipsub(chainId: bigint, appScore: (peer: string) => number): (components: GossipSubComponents) => ScoredGossipSub {
  const factory = gossipsub({
    // Consensus messages and transactions carry their own signatures; libp2p message signing would
    // only add bytes and expose the origin. Message ids are then sha256(data): content-addressed,
    // so the same message replayed by anyone within the seen-cache window is dropped as duplicate.
    globalSignaturePolicy: "StrictNoSign",
    asyncValidation: true,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    fallbackToFloodsub: false,
    emitSelf: false,
    allowedTopics: TOPIC_KINDS.map((k) => topicName(chainId, k)),
    maxInboundDataLength: GOSSIP_RPC_MAX_BYTES,
    scoreParams: peerScoreParams(chainId, appScore),
    scoreThresholds: SCORE_THRESHOLDS,
  });
  return (components) => {
    const service = factory(components) as Partial<ScoredGossipSub> & GossipSub;
    if (typeof service.getScore !== "function" || typeof service.reportMessageValidationResult !== "function") {
      throw new Error("@libp2p/gossipsub no longer exposes getScore/reportMessageValidationResult; p2p/gossip.ts needs updating");
    }
    return service as ScoredGossipSub;
  };
}

export interface ValidationWiring {
  readonly chainId: bigint;
  readonly handlers: GossipHandlers;
  readonly logger: Logger;
  /** Told about every rejected message (after gossipsub has been told). */
  readonly onReject: (peer: string, kind: TopicKind, reason: string) => void;
}

/** Subscribes to the topics that have handlers and routes their messages through validation. */
export function wireValidation(pubsub: ScoredGossipSub, w: ValidationWiring): void {
  const resends = new ResendRelayLimiter();
  pubsub.addEventListener("gossipsub:message", (evt) => {
    // validate() catches the handler's errors itself; this guards against anything else escaping
    // as an unhandled rejection (which would end the process).
    validate(pubsub, w, resends, evt.detail).catch((err: unknown) => w.logger.error("gossip validation failed", { err }));
  });
  for (const kind of TOPIC_KINDS) if (w.handlers[kind] !== undefined) pubsub.subscribe(topicName(w.chainId, kind));
}

async function validate(pubsub: ScoredGossipSub, w: ValidationWiring, resends: ResendRelayLimiter, m: GossipsubMessage): Promise<void> {
  const peer = m.propagationSource.toString();
  const kind = topicKind(w.chainId, m.msg.topic);
  const handler = kind === undefined ? undefined : w.handlers[kind];
  let verdict: Verdict;
  let reason = "";
  if (kind === undefined || handler === undefined) {
    verdict = "ignore"; // not a topic we handle (allowedTopics makes this unreachable)
  } else {
    const env = decodeEnvelope(kind, m.msg.data);
    if (!env.ok) {
      verdict = "reject";
      reason = env.reason;
    } else if (env.resend !== undefined && !resends.admit(env.payload, Date.now())) {
      verdict = "ignore"; // see resend-relay.ts: at most one re-send of a payload per interval
      reason = "a re-send of this payload was relayed less than a re-send interval ago";
    } else {
      try {
        const out = await handler(env.payload, peer);
        verdict = typeof out === "string" ? out : out.verdict;
        reason = typeof out === "string" ? "" : out.reason;
      } catch (err) {
        verdict = "ignore";
        w.logger.error("gossip handler threw; message ignored", { kind, peer, err });
      }
    }
  }
  pubsub.reportMessageValidationResult(m.msgId, peer, RESULT[verdict]);
  if (verdict === "reject" && kind !== undefined) w.onReject(peer, kind, reason || "rejected by validator");
  else if (verdict === "ignore" && reason !== "") w.logger.debug("gossip message ignored", { kind, peer, reason });
}

const RESULT: Readonly<Record<Verdict, TopicValidatorResult>> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
};
