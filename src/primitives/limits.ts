// Protocol limits every room must agree on, declared once.

/** Largest extraData a header may carry (Ethereum's limit). */
export const MAX_EXTRA_DATA = 32;

/**
 * Largest encoded block. Blocks travel as single gossip messages, whose frames are capped at 4 MiB
 * by the gossip library (see p2p/topics.ts for the arithmetic); 3 MiB leaves room for the envelope
 * and the proposal around the block. The block producer caps what it builds at this.
 */
export const MAX_BLOCK_BYTES = 3 * 1024 * 1024;
