// The p2p room's public surface: what the node's composition root, consensus driver, tx pool and
// sync driver use. Everything else in src/p2p is internal.
export { P2PNetwork, type P2PNetworkOptions } from "./network.js";
export type { GossipHandlers, MessageHandler, ValidationOutcome, Verdict } from "./gossip.js";
export { PeerRequestError, type BlockSource, type PeerRequestFailure, type SyncTimeouts } from "./sync-protocol.js";
export { SYNC_MAX_COUNT, SYNC_MAX_RESPONSE_BYTES, type ChainStatus, type SyncItem } from "./sync-codec.js";
export { MAX_CERTIFICATE_BYTES, MAX_PAYLOAD_BYTES, TOPIC_KINDS, topicName, type TopicKind } from "./topics.js";
export { BAN_SCORE, PENALTY, SCORE_THRESHOLDS } from "./scoring.js";
export { EnvelopeError } from "./envelope.js";
export { IdentityError, P2P_KEY_FILE } from "./identity.js";
