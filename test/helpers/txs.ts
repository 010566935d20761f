// Real signed transactions for tests, from the dev accounts.
import { createCustomCommon, Mainnet, type Common } from "@ethereumjs/common";
import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx, type TypedTransaction } from "@ethereumjs/tx";
import { HARDFORK } from "../../src/evm/common.js";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, concatBytes } from "@ethereumjs/util";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "../../src/primitives/hash.js";

export function testCommon(chainId = 31337n): Common {
  return createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork: HARDFORK });
}

export interface TransferOpts {
  nonce: bigint;
  to: Uint8Array;
  value?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  gasLimit?: bigint;
  data?: Uint8Array;
}

export function transfer1559(key: Uint8Array, o: TransferOpts, common = testCommon()): TypedTransaction {
  return createFeeMarket1559Tx(
    {
      nonce: o.nonce,
      to: o.to,
      value: o.value ?? 1n,
      maxFeePerGas: o.maxFeePerGas ?? 10_000_000_000n,
      maxPriorityFeePerGas: o.maxPriorityFeePerGas ?? 1_000_000_000n,
      gasLimit: o.gasLimit ?? 21_000n,
      data: o.data,
      chainId: common.chainId(),
    },
    { common },
  ).sign(key);
}

/** An EIP-1559 contract creation running `data` as init code (100,000 gas, the transfers' fee caps). */
export function creation1559(key: Uint8Array, nonce: bigint, data: Uint8Array, common = testCommon()): TypedTransaction {
  return createFeeMarket1559Tx(
    { nonce, data, gasLimit: 100_000n, maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, chainId: common.chainId() },
    { common },
  ).sign(key);
}

export function transferLegacy(key: Uint8Array, o: TransferOpts & { gasPrice?: bigint }, common = testCommon()): TypedTransaction {
  return createLegacyTx(
    { nonce: o.nonce, to: o.to, value: o.value ?? 1n, gasPrice: o.gasPrice ?? 10_000_000_000n, gasLimit: o.gasLimit ?? 21_000n, data: o.data },
    { common },
  ).sign(key);
}

export function transfer2930(key: Uint8Array, o: TransferOpts & { gasPrice?: bigint }, common = testCommon()): TypedTransaction {
  return createAccessList2930Tx(
    {
      nonce: o.nonce,
      to: o.to,
      value: o.value ?? 1n,
      gasPrice: o.gasPrice ?? 10_000_000_000n,
      gasLimit: o.gasLimit ?? 30_000n,
      accessList: [{ address: `0x${Buffer.from(o.to).toString("hex")}`, storageKeys: [] }],
      chainId: common.chainId(),
    },
    { common },
  ).sign(key);
}

/**
 * Signs an EIP-1559 transaction without any library-side validation, so tests can send what ethers
 * and ethereumjs refuse to build (e.g. a tip above the fee cap) and check the node's own refusal.
 */
export function rawSigned1559(key: Uint8Array, f: { chainId: bigint; nonce: bigint; maxPriorityFeePerGas: bigint; maxFeePerGas: bigint; gasLimit: bigint; to: Uint8Array; value: bigint }): Uint8Array {
  const fields = [f.chainId, f.nonce, f.maxPriorityFeePerGas, f.maxFeePerGas, f.gasLimit].map(bigIntToUnpaddedBytes);
  const payload = [...fields, f.to, bigIntToUnpaddedBytes(f.value), new Uint8Array(0), []];
  const unsigned = concatBytes(Uint8Array.of(2), RLP.encode(payload));
  const sig = secp256k1.sign(keccak256(unsigned), key, { prehash: false, format: "recovered" });
  const recovery = sig[0]!;
  const r = sig.subarray(1, 33);
  const s = sig.subarray(33, 65);
  return concatBytes(Uint8Array.of(2), RLP.encode([...payload, bigIntToUnpaddedBytes(BigInt(recovery)), r, s]));
}
