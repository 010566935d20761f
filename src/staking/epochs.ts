// Epoch arithmetic. Heights 1..L are epoch 0, L+1..2L epoch 1, and so on (genesis, height 0, belongs
// to no epoch). The set snapshotted at the end of epoch e (its last block, height (e + 1) * L)
// governs epoch e + 2: the lookahead keeps the proposer that fixes the next seed from also moving
// stake into the draw it seeds (Ethereum's seed lookahead, Algorand's balance lookback).
export function epochOf(height: bigint, epochLength: bigint): bigint {
  if (height < 1n) throw new RangeError(`height ${height} has no epoch`);
  return (height - 1n) / epochLength;
}

/** Whether `height` is the last block of its epoch (where endEpoch runs). */
export function isEpochEnd(height: bigint, epochLength: bigint): boolean {
  return height >= 1n && height % epochLength === 0n;
}

/** The first height of `epoch`. */
export function firstHeightOf(epoch: bigint, epochLength: bigint): bigint {
  return epoch * epochLength + 1n;
}

/** The height whose committed state records epoch `epoch`'s set: the end of epoch - 2 (genesis for 0 and 1). */
export function snapshotHeightOf(epoch: bigint, epochLength: bigint): bigint {
  return epoch < 2n ? 0n : (epoch - 1n) * epochLength;
}
