// Real signed transactions for the tx pool tests, on a custom chain (id 1337) at Osaka. Signing
// goes through libsecp256k1 (the `secp256k1` package) via Common's customCrypto: @noble's pure-JS
// signer costs ~0.6 ms a transaction, too slow for the throughput test's thousands.
import { createRequire } from "node:module";
import type { Common, CustomCrypto } from "@ethereumjs/common";
import { Hardfork, Mainnet, createCustomCommon } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import type { PrefixedHexString } from "@ethereumjs/util";
import { TxPool } from "../../src/chain/txpool/pool.js";
import type { AddResult, TxPoolConfig } from "../../src/chain/txpool/pool.js";
import type { AccountState } from "../../src/primitives/types.js";

const require = createRequire(import.meta.url);
const native = require("secp256k1") as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
};

/** @noble's "recovered" signature layout: recovery byte, then r and s. */
const ecsign = ((msg: Uint8Array, key: Uint8Array): Uint8Array => {
  const { signature, recid } = native.ecdsaSign(msg, key);
  const out = new Uint8Array(65);
  out[0] = recid;
  out.set(signature, 1);
  return out;
}) as NonNullable<CustomCrypto["ecsign"]>;

export const CHAIN_ID = 1337n;
export const GWEI = 10n ** 9n;
export const BLOCK_GAS_LIMIT = 30_000_000n;
/** Base fee the tests run at unless they say otherwise. */
export const BASE_FEE = 1n * GWEI;
export const RICH: AccountState = { nonce: 0n, balance: 10n ** 24n };
export const TO = `0x${"11".repeat(20)}` as PrefixedHexString;

export function chainCommon(chainId = CHAIN_ID, hardfork: string = Hardfork.Osaka): Common {
  return createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork, customCrypto: { ecsign } });
}
export const common = chainCommon();

export function keyOf(k: number): Uint8Array {
  const key = new Uint8Array(32);
  key[31] = (k % 250) + 1;
  key[30] = Math.floor(k / 250) + 1;
  return key;
}

export interface TxFields {
  nonce?: bigint | number;
  tip?: bigint;
  maxFee?: bigint;
  gasPrice?: bigint;
  gas?: bigint;
  value?: bigint;
  data?: Uint8Array;
  /** null: contract creation. */
  to?: PrefixedHexString | null;
  chainId?: bigint;
  common?: Common;
  freeze?: boolean;
  allowUnlimitedInitCodeSize?: boolean;
}

function base(f: TxFields) {
  return {
    nonce: BigInt(f.nonce ?? 0),
    gasLimit: f.gas ?? 21000n,
    to: f.to === null ? undefined : (f.to ?? TO),
    value: f.value ?? 0n,
    data: f.data ?? new Uint8Array(0),
  };
}
function opts(f: TxFields) {
  return {
    common: f.common ?? common,
    freeze: f.freeze ?? true,
    allowUnlimitedInitCodeSize: f.allowUnlimitedInitCodeSize ?? false,
  };
}

export function eip1559(k: number, f: TxFields = {}): TypedTransaction {
  const tip = f.tip ?? 1n * GWEI;
  const data = { ...base(f), chainId: f.chainId ?? CHAIN_ID, maxPriorityFeePerGas: tip, maxFeePerGas: f.maxFee ?? 100n * GWEI };
  return createFeeMarket1559Tx(data, opts(f)).sign(keyOf(k));
}

export function legacy(k: number, f: TxFields = {}): TypedTransaction {
  return createLegacyTx({ ...base(f), gasPrice: f.gasPrice ?? 2n * GWEI }, opts(f)).sign(keyOf(k));
}

export function eip2930(k: number, f: TxFields = {}): TypedTransaction {
  const accessList = [{ address: TO, storageKeys: [`0x${"00".repeat(31)}01` as PrefixedHexString] }];
  const fields = { ...base(f), gasLimit: f.gas ?? 30_000n };
  const data = { ...fields, chainId: f.chainId ?? CHAIN_ID, gasPrice: f.gasPrice ?? 2n * GWEI, accessList };
  return createAccessList2930Tx(data, opts(f)).sign(keyOf(k));
}

const senders = new Map<number, Uint8Array>();
/** The address of key k, recovered from a transaction it signed (once per key). */
export function senderOf(k: number): Uint8Array {
  let s = senders.get(k);
  if (s === undefined) {
    s = eip1559(k).getSenderAddress().bytes;
    senders.set(k, s);
  }
  return s;
}

export function newPool(config: Partial<TxPoolConfig> = {}): TxPool {
  return new TxPool({ chainId: CHAIN_ID, blockGasLimit: BLOCK_GAS_LIMIT, ...config }, BASE_FEE);
}

/** Adds tx, signed by key k, with the sender's state (default: nonce 0, plenty of ether). */
export function addTx(pool: TxPool, k: number, tx: TypedTransaction, account = RICH, baseFee = BASE_FEE): AddResult {
  return pool.add(tx, senderOf(k), account, baseFee);
}

/** The rejection message of an add that must fail. */
export function rejection(result: AddResult): string {
  if (result.ok) throw new Error(`expected a rejection, the tx was admitted as ${result.status}`);
  return result.error.message;
}

export function accepted(result: AddResult): Extract<AddResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected admission, got: ${result.error.message}`);
  return result;
}
