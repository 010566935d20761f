// The execution room's own vocabulary: what a call, a trace and an access-list run take and give.
// rpc/ parses JSON into these and formats them back; evm/ knows nothing of the transport.
import type { Address20, Hash32 } from "../primitives/types.js";

/** The fields of an eth_call / eth_estimateGas request after parsing. */
export interface CallRequest {
  from?: Address20;
  to?: Address20;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  data?: Uint8Array;
  nonce?: bigint;
  accessList?: Array<{ address: Address20; storageKeys: Hash32[] }>;
}

export interface CallResult {
  /** true when execution reverted or halted exceptionally. */
  failed: boolean;
  /** Return data, or revert data when failed by REVERT. */
  returnData: Uint8Array;
  gasUsed: bigint;
  /** Human-readable cause when failed (e.g. "execution reverted", "out of gas"). */
  error?: string;
}

/** What debug_trace* run: geth's opcode ("struct") logger or its callTracer, with their options. */
export type TraceOptions =
  | {
      tracer: "struct";
      enableMemory: boolean;
      disableStack: boolean;
      disableStorage: boolean;
      enableReturnData: boolean;
      /** Most steps recorded; 0 = no limit. */
      limit: number;
      timeoutMs: number;
    }
  | { tracer: "call"; onlyTopCall: boolean; withLog: boolean; timeoutMs: number };

export interface AccessListResult {
  accessList: Array<{ address: Address20; storageKeys: Hash32[] }>;
  /** Gas the transaction uses with that access list. */
  gasUsed: bigint;
  /** Why execution failed with it, when it did (geth still returns the list). */
  error?: string;
}

/** eth_getProof's answer (EIP-1186). */
export interface AccountProof {
  address: Address20;
  balance: bigint;
  nonce: bigint;
  codeHash: Hash32;
  storageHash: Hash32;
  /** Trie nodes from the state root to the account's leaf (or to where its absence shows). */
  accountProof: Uint8Array[];
  /** In the order requested. */
  storageProof: Array<{ key: Hash32; value: bigint; proof: Uint8Array[] }>;
}
