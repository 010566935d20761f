// Real signed transactions for tests, from the dev accounts.
import { createCustomCommon, Mainnet, type Common } from "@ethereumjs/common";
import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx, type TypedTransaction } from "@ethereumjs/tx";
import { HARDFORK } from "../../src/evm/common.js";

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
