// web3_ namespace: client identity and the keccak helper.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { data } from "../hex.js";
import { parseData, required } from "../params.js";
import { defineMethod, type MethodTable } from "./types.js";

export const web3Methods: MethodTable = {
  web3_clientVersion: defineMethod([], (_args, { backend }) => backend.clientVersion),
  web3_sha3: defineMethod([required("data", parseData)], ([input]) => data(keccak_256(input))),
};
