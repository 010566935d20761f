// The @ethereumjs Common for a verity chain: Mainnet's rules at the newest hardfork @ethereumjs
// fully supports (Osaka), our chain id, native crypto for sender recovery, and KZG for the
// point-evaluation precompile (kzg.ts).
import { Common, Hardfork, Mainnet, createCustomCommon } from "@ethereumjs/common";
import { ecdsaRecover, ecrecover } from "./crypto.js";
import { kzg } from "./kzg.js";
// Installs the interpreter's jump-analysis memo for every EVM this node creates (see that file).
import "./jump-analysis-cache.js";
import { keccak256 } from "../primitives/hash.js";

export const HARDFORK = Hardfork.Osaka;

export function createChainCommon(chainId: bigint): Common {
  return createCustomCommon({ chainId: Number(chainId), name: `verity-${chainId}` }, Mainnet, {
    hardfork: HARDFORK,
    customCrypto: { ecrecover, ecdsaRecover, keccak256, kzg },
  });
}
