// Peer scoring: gossipsub's score parameters for our topics, and the ban rule built on them.
//
// A peer's gossipsub score is the sum of (per topic, weight 1):
//   P1 time in mesh       +0.01 per second, at most +3 per topic
//   P2 first deliveries   +0.5 per message seen first from it, decaying 10%/s, at most +10 per topic
//   P4 invalid messages   -10 x (rejected messages)^2, half-life 10 minutes
// with the positive part capped at +10 overall (topicScoreCap), plus
//   P5 app-specific       -(reputation points): sync protocol violations and penalize() (not timeouts)
//   P7 behaviour          -2 x (broken IWANT promises / early re-grafts above 6)^2, half-life 6.6 s
// P3 (mesh delivery rate) is off: consensus traffic is bursty and an honest quiet peer must not
// sink. P6 (IP colocation) is off: bans follow the total score, and P6 would ban honest peers that
// share an address (a NAT, or a localnet on loopback); validators are not Sybil-bounded by IP.
//
// Thresholds: gossip -10, publish -20, graylist -40. The ban rule (network.ts) is "score below
// graylist": the peer is disconnected and refused for the ban duration. So, within ten minutes:
// 3 rejected messages on one topic ban any peer (-90 + at most +10); 2 leave it at -40..-30,
// below the publish threshold but still connected; rejects spread over topics add linearly
// (-10 each), so 5 such ban it. One penalize() (100 points) or one sync protocol violation bans
// at once; 5 sync timeouts (10 points each) do too.

import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from "@libp2p/gossipsub/score";
import { TOPIC_KINDS, topicName } from "./topics.js";

export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -20,
  graylistThreshold: -40,
  // Peer exchange is off; no peer's advertised peers are trusted.
  acceptPXThreshold: 1_000,
  opportunisticGraftThreshold: 1,
};

/** Below this combined score a peer is disconnected and refused for the ban duration. */
export const BAN_SCORE = SCORE_THRESHOLDS.graylistThreshold;

/** Reputation points (subtracted from the score) for each kind of misbehaviour. */
export const PENALTY = {
  /** Provably bad data: an invalid block or certificate (the default for penalize()). */
  invalidData: 100,
  /** A malformed, oversized or truncated sync/status frame. */
  protocolViolation: 100,
  /** A malformed request sent to our sync responder. */
  badRequest: 20,
} as const;

const SECOND = 1000;
/** Per-decay-interval (1 s) factor that halves a counter in `halfLifeSeconds`. */
const halfLife = (halfLifeSeconds: number) => Math.pow(0.5, 1 / halfLifeSeconds);

const TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: SECOND,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5 * SECOND,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: halfLife(600),
};

/** gossipsub score parameters for this chain's topics; `appScore` gives P5 (<= 0 here). */
export function peerScoreParams(chainId: bigint, appScore: (peer: string) => number): Partial<PeerScoreParams> {
  const topics: Record<string, TopicScoreParams> = {};
  for (const kind of TOPIC_KINDS) topics[topicName(chainId, kind)] = { ...TOPIC_SCORE };
  return {
    topics,
    topicScoreCap: 10,
    appSpecificScore: appScore,
    appSpecificWeight: 1,
    IPColocationFactorWeight: 0,
    behaviourPenaltyWeight: -2,
    behaviourPenaltyThreshold: 6,
    behaviourPenaltyDecay: 0.9,
    decayInterval: SECOND,
    decayToZero: 0.01,
    retainScore: 3600 * SECOND,
  };
}
