// Choosing the next epoch's set from the ledger's candidates (pure, deterministic: every node picks
// the same set from the same state): drop candidates whose proof of possession does not verify
// (genesis validators, listed in the genesis file, need none), drop later holders of a key already
// taken, then the top maxValidators by stake, ties broken by address.
import { bytesToHex } from "@ethereumjs/util";
import type { Candidate } from "./stake-hub.js";

function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.stakeWei !== b.stakeWei) return a.stakeWei > b.stakeWei ? -1 : 1;
  const x = bytesToHex(a.address);
  const y = bytesToHex(b.address);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function chooseNextSet(candidates: readonly Candidate[], maxValidators: number, hasValidProof: (c: Candidate) => boolean): Candidate[] {
  const sorted = [...candidates].sort(compareCandidates);
  const keys = new Set<string>();
  const out: Candidate[] = [];
  for (const c of sorted) {
    if (out.length >= maxValidators) break;
    if (c.stakeWei <= 0n || !hasValidProof(c)) continue;
    const signing = bytesToHex(c.signingKey);
    const vrf = bytesToHex(c.vrfKey);
    if (keys.has(signing) || keys.has(vrf)) continue;
    keys.add(signing);
    keys.add(vrf);
    out.push(c);
  }
  return out;
}
