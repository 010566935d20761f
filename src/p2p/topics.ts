// Gossip topics and their size limits.
//
// One topic per message kind, namespaced by chain id so that two chains sharing peers never mix
// traffic: /verity/<chainId>/<name>/1. The trailing /1 is the envelope version carried on it.
//
// Size limits (payload bytes, i.e. the envelope minus its 2-byte header), and why:
// - The hard ceiling is gossipsub's own frame limit: @libp2p/gossipsub 17 length-prefixes every RPC
//   with it-length-prefixed's default cap of 4 MiB (it cannot be raised for outbound frames; a
//   larger publish is silently not sent). An RPC also carries the topic, protobuf tags and
//   piggybacked IHAVE control (up to ~110 KiB of 20-byte message ids), so payloads stay <= 3.5 MiB.
// - MAX_BLOCK_BYTES = 3 MiB is therefore the largest block this network can carry. A 30M-gas block
//   of non-zero calldata is ~1.9 MB (16 gas/byte), but all-zero calldata (4 gas/byte) could reach
//   ~7.5 MB: the block producer must cap a block's encoded size at MAX_BLOCK_BYTES.
// - proposal: the block plus the proposal's own fields (height, round, proposer, hash, VRF proof,
//   signature: ~200 bytes), rounded up to 4 KiB of headroom.
// - block (a committed block with its commit certificate): the block plus 512 KiB for the
//   certificate (164 bytes per precommit: ~3,190 signatures, far above any committee).
// - tx: a batch of transactions (an RLP list, see p2p/tx-batch.ts): up to 96 KiB of them, or one
//   transaction of up to the pool's maxTxSize (128 KiB, geth's limit too), plus the list header.
// - vote: 4 KiB; a vote is ~215 bytes, the rest is room for format growth.
// - evidence: one piece of equivocation evidence (two signed votes or two signed proposals, ~0.5 KiB),
//   16 KiB with room for growth.

import { MAX_BLOCK_BYTES } from "../primitives/limits.js";

export type TopicKind = "tx" | "proposal" | "vote" | "block" | "evidence";

export const TOPIC_KINDS: readonly TopicKind[] = ["tx", "proposal", "vote", "block", "evidence"];

/** The envelope's kind byte for each topic (0 is never valid, so a zeroed buffer fails fast). */
export const KIND_CODE: Readonly<Record<TopicKind, number>> = { tx: 1, proposal: 2, vote: 3, block: 4, evidence: 5 };

const KiB = 1024;
const MiB = 1024 * KiB;

/** Largest encoded commit certificate carried next to a block (gossip and sync). */
export const MAX_CERTIFICATE_BYTES = 512 * KiB;

/** Largest payload accepted per topic. */
export const MAX_PAYLOAD_BYTES: Readonly<Record<TopicKind, number>> = {
  tx: 129 * KiB,
  proposal: MAX_BLOCK_BYTES + 4 * KiB,
  vote: 4 * KiB,
  block: MAX_BLOCK_BYTES + MAX_CERTIFICATE_BYTES,
  evidence: 16 * KiB,
};

/** gossipsub's per-RPC frame cap (it-length-prefixed's default); every limit above stays under it. */
export const GOSSIP_RPC_MAX_BYTES = 4 * MiB;

const TOPIC_NAME: Readonly<Record<TopicKind, string>> = {
  tx: "transactions",
  proposal: "proposals",
  vote: "votes",
  block: "blocks",
  evidence: "evidence",
};

/** The gossipsub topic string for a kind on a chain, e.g. /verity/1337/votes/1. */
export function topicName(chainId: bigint, kind: TopicKind): string {
  return `/verity/${chainId.toString()}/${TOPIC_NAME[kind]}/1`;
}

/** The kind a topic string names on this chain, or undefined for any other topic. */
export function topicKind(chainId: bigint, topic: string): TopicKind | undefined {
  return TOPIC_KINDS.find((k) => topicName(chainId, k) === topic);
}
