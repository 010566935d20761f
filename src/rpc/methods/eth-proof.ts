// State proofs and multi-slot reads: eth_getProof (EIP-1186), eth_getStorageValues, and
// eth_createAccessList (EIP-2930 lists computed by re-execution, as geth).
import type { RpcBackend } from "../backend/port.js";
import type { AccountProof } from "../../evm/types.js";
import { ErrorCode, RpcError } from "../errors.js";
import type { JsonObject } from "../../util/json.js";
import { data, paddedData, quantity } from "../hex.js";
import { ParamError, field, isPlainObject, jsonType, optional, parseAddress, parseBlockRef, parseStorageSlot, required } from "../params.js";
import { parseCallRequest } from "../params-objects.js";
import { checkCallChainId } from "./eth-state.js";
import { defineMethod, type MethodTable } from "./types.js";

/** geth's cap on slots per eth_getStorageValues request (and what we apply to eth_getProof too). */
export const MAX_STORAGE_KEYS = 1024;

function parseStorageKeys(value: unknown): Array<{ raw: string; slot: Uint8Array }> {
  if (!Array.isArray(value)) throw new ParamError(`storage keys must be an array, got ${jsonType(value)}`);
  if (value.length > MAX_STORAGE_KEYS) throw new ParamError(`too many storage keys, at most ${MAX_STORAGE_KEYS}`);
  return value.map((key: unknown, i) => {
    const slot = field(`storage key ${i}`, parseStorageSlot, key);
    const text = String(key).toLowerCase();
    return { raw: text.startsWith("0x") ? text : `0x${text}`, slot };
  });
}

function parseStorageRequests(value: unknown): Array<{ address: Uint8Array; slots: Uint8Array[] }> {
  if (!isPlainObject(value)) throw new ParamError(`requests must be an object of address -> slots, got ${jsonType(value)}`);
  const entries = Object.entries(value);
  const total = entries.reduce((n, [, slots]) => n + (Array.isArray(slots) ? slots.length : 0), 0);
  if (total > MAX_STORAGE_KEYS) throw new ParamError(`too many storage keys, at most ${MAX_STORAGE_KEYS} in total`);
  return entries.map(([address, slots]) => ({
    address: field(`address ${address.slice(0, 42)}`, parseAddress, address),
    slots: parseStorageKeys(slots).map((key) => key.slot),
  }));
}

function formatProof(proof: AccountProof, rawKeys: string[]): JsonObject {
  return {
    address: data(proof.address),
    accountProof: proof.accountProof.map((node) => data(node)),
    balance: quantity(proof.balance),
    codeHash: data(proof.codeHash),
    nonce: quantity(proof.nonce),
    storageHash: data(proof.storageHash),
    // geth echoes each key as the caller wrote it.
    storageProof: proof.storageProof.map((entry, i) => ({ key: rawKeys[i]!, value: quantity(entry.value), proof: entry.proof.map((node) => data(node)) })),
  };
}

function proofs(backend: RpcBackend) {
  if (backend.proofs === undefined) throw new RpcError(ErrorCode.methodNotFound, "state proofs are not available on this node");
  return backend.proofs;
}

const block = optional("block", parseBlockRef, "latest" as const);

export const ethStorageMethods: MethodTable = {
  eth_getStorageValues: defineMethod([required("requests", parseStorageRequests), block], async ([requests, at], { backend }) => {
    const out: JsonObject = {};
    for (const { address, slots } of requests) {
      const values: string[] = [];
      for (const slot of slots) values.push(paddedData(await backend.getStorageAt(address, slot, at), 32));
      out[data(address)] = values;
    }
    return out;
  }),
};

export const ethProofMethods: MethodTable = {
  eth_getProof: defineMethod(
    [required("address", parseAddress), required("storageKeys", parseStorageKeys), block],
    async ([address, keys, at], { backend }) => {
      const proof = await proofs(backend).getProof(address, keys.map((k) => k.slot), at);
      return formatProof(proof, keys.map((k) => k.raw));
    },
  ),
};

export const accessListMethods: MethodTable = {
  eth_createAccessList: defineMethod([required("transaction", parseCallRequest), block], async ([parsed, at], ctx) => {
    checkCallChainId(parsed, ctx);
    if (ctx.backend.tracing === undefined) throw new RpcError(ErrorCode.methodNotFound, "access lists are not available on this node");
    const result = await ctx.backend.tracing.createAccessList(parsed.request, at);
    const out: JsonObject = {
      accessList: result.accessList.map((entry) => ({ address: data(entry.address), storageKeys: entry.storageKeys.map((key) => data(key)) })),
      gasUsed: quantity(result.gasUsed),
    };
    if (result.error !== undefined) out.error = result.error;
    return out;
  }),
};
