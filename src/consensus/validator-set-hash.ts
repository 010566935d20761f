// The hash a header commits to for the validator set of the next height (CometBFT's
// NextValidatorsHash): with it, a client that trusts header h knows which set must certify h + 1
// before it has executed anything, across epoch changes too. Order-independent (members sorted by
// address), and covering everything a certificate is checked with: address, stake, both keys.
import { compareBytes } from "./bytes.js";
import { sha512_256 } from "./hashes.js";
import type { ValidatorSet } from "./types.js";

const DOMAIN = new TextEncoder().encode("verity/validator-set/v1");
const MEMBER_BYTES = 20 + 32 + 32 + 32;

/** Sets are immutable and one object serves a whole epoch: each is hashed once, for every proposal
 * built and every block validated under it. */
const hashes = new WeakMap<ValidatorSet, Uint8Array>();

export function validatorSetHash(set: ValidatorSet): Uint8Array {
  let known = hashes.get(set);
  if (known === undefined) {
    known = computeHash(set);
    hashes.set(set, known);
  }
  return known;
}

function computeHash(set: ValidatorSet): Uint8Array {
  const members = [...set.validators].sort((a, b) => compareBytes(a.address, b.address));
  // Stakes are whole units far below 2^256; 32 bytes keeps the encoding fixed-width whatever they are.
  const out = new Uint8Array(DOMAIN.length + 4 + members.length * MEMBER_BYTES);
  out.set(DOMAIN, 0);
  new DataView(out.buffer).setUint32(DOMAIN.length, members.length);
  let at = DOMAIN.length + 4;
  for (const v of members) {
    out.set(v.address, at);
    let stake = v.stake;
    for (let i = 31; i >= 0; i--, stake >>= 8n) out[at + 20 + i] = Number(stake & 0xffn);
    out.set(v.signingKey, at + 52);
    out.set(v.vrfKey, at + 84);
    at += MEMBER_BYTES;
  }
  return sha512_256(out);
}
