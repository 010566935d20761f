// net_ namespace: network id and peer information.
import { quantity } from "../hex.js";
import { defineMethod, type MethodTable } from "./types.js";

export const netMethods: MethodTable = {
  /** The network id is the chain id, in decimal (as geth and anvil answer for post-EIP-155 chains). */
  net_version: defineMethod([], (_args, { backend }) => backend.chainId.toString(10)),
  net_listening: defineMethod([], () => true),
  net_peerCount: defineMethod([], (_args, { backend }) => quantity(backend.peerCount())),
};
