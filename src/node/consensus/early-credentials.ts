// Proposer credentials of the next height that arrive before this node has started it, kept until
// it does. A credential is checked against its height's seed, which is known only once the height
// before it is committed here; until then it cannot be verified, and it used to be dropped.
//
// Why keep them: validators start a height when each has committed the one before, and under load
// those starts are 100-200 ms apart. The first to start announces its credential to validators
// still finishing the last block; each of them dropped it, saw no better credential in its own
// wait, and built a block that lost (4-validator localnet, 5,000 transfers: 2-3 blocks built at
// half of the loaded heights). Kept and replayed when the height starts, the earlier credential
// makes them stand back.
//
// Bounds: unverified bytes from anyone, so one height (the next), rounds below EARLY_ROUNDS, only
// proposers in that height's validator set, and at most COPIES_PER_SLOT distinct payloads per
// (proposer, round): a forger can waste a slot's copies, never grow the buffer past
// validators x EARLY_ROUNDS x COPIES_PER_SLOT.
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { ProposerCredential } from "../../consensus/proposer-credential.js";

/** Rounds whose early credentials are kept: the first rounds of a height are the ones that race. */
export const EARLY_ROUNDS = 2;
/** Distinct payloads kept per (proposer, round). */
export const COPIES_PER_SLOT = 2;

export class EarlyCredentials {
  private height = -1;
  private readonly slots = new Map<string, Uint8Array[]>();

  /**
   * Keeps the raw credential `bytes` (decoded as `c`) for its height, which the caller has checked
   * is the next one and names a validator of that height's set. True when kept.
   */
  keep(c: ProposerCredential, bytes: Uint8Array): boolean {
    if (c.round >= EARLY_ROUNDS) return false;
    if (c.height !== this.height) {
      if (c.height < this.height) return false;
      this.slots.clear();
      this.height = c.height;
    }
    const key = `${bytesToHex(c.proposer)}/${c.round}`;
    const copies = this.slots.get(key) ?? [];
    if (copies.length >= COPIES_PER_SLOT || copies.some((b) => equalsBytes(b, bytes))) return false;
    copies.push(bytes);
    this.slots.set(key, copies);
    return true;
  }

  /** The credentials kept for `height` (emptied: each is replayed once); others are dropped. */
  takeFor(height: number): Uint8Array[] {
    const out = height === this.height ? [...this.slots.values()].flat() : [];
    this.slots.clear();
    return out;
  }

  /** Payloads held now. */
  get size(): number {
    let n = 0;
    for (const copies of this.slots.values()) n += copies.length;
    return n;
  }
}
