// A plain value transfer executed without the EVM: the same state changes and receipt that
// @ethereumjs/vm's runTx produces for it at this chain's hardfork (Osaka), for a small part of the
// cost.
//
// Why: a plain transfer runs no code, yet runTx spends ~115 µs of CPU on one (machines here) in
// journal checkpoints, warm-address sets, EIP dispatch and a message frame; in a 4-validator localnet
// every process executes every transaction, ~5 times per transaction on the machine. What a
// transfer does is small and fixed (EIP-1559 gas purchase and refund, the nonce, the value, the
// coinbase's tip, EIP-161's removal of touched empty accounts), so it is done here directly.
//
// Only what is certainly a plain transfer takes this path: a legacy, EIP-2930 (empty access list) or
// EIP-1559 transaction with a recipient, no data, to an account that has no code and is no
// precompile, from a sender without code, that passes every check runTx makes (gas limit, fee cap,
// balance, nonce). Anything else, a failing transaction included (runTx words its errors), returns
// undefined and goes to runTx. No state is written before every check has passed, so a transfer
// either applies whole or not at all.
import { Hardfork, type Common } from "@ethereumjs/common";
import { Capability, TransactionType, type TypedTransaction } from "@ethereumjs/tx";
import { Account, KECCAK256_NULL, bytesToUnprefixedHex, equalsBytes, type Address } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import type { BatchFlushStateManager } from "./state.js";

/** Intrinsic gas of a transaction without data, access list or creation (and its EIP-7623 floor). */
export const TRANSFER_GAS = 21_000n;

/** The block fields a transfer reads. */
export interface TransferBlock {
  readonly coinbase: Address;
  readonly baseFeePerGas: bigint;
  readonly gasLimit: bigint;
}

/** EIP-2681: an account nonce stays below 2^64 - 1. */
const MAX_NONCE = 2n ** 64n - 1n;

/** EIP-7825's cap on a transaction's gas limit where it is active. */
function maxTxGas(tx: TypedTransaction): bigint {
  return tx.common.isActivatedEIP(7825) ? tx.common.param("maxTransactionGasLimit") : 2n ** 64n;
}

function isEmpty(a: Account): boolean {
  return a.nonce === 0n && a.balance === 0n && equalsBytes(a.codeHash, KECCAK256_NULL);
}

/**
 * Whether this path computes transfers exactly under `common`'s rules: EIP-1559 fees and EIP-161's
 * cleanup, up to Osaka, and none of the later EIPs that change a transfer's accounting (block
 * access lists, state gas, burn logs, binary trees, 2D block gas).
 */
export function plainTransfersApply(common: Common): boolean {
  return common.gteHardfork(Hardfork.Prague) && !common.gteHardfork(Hardfork.Amsterdam) && !LATER_TRANSFER_EIPS.some((eip) => common.isActivatedEIP(eip));
}
const LATER_TRANSFER_EIPS = [7708, 7778, 7864, 7928, 8037, 8246];

/** Whether the transaction's shape is a plain transfer (recipient and accounts not yet looked at). */
export function isTransferShaped(tx: TypedTransaction): boolean {
  if (tx.to === undefined || tx.data.length !== 0) return false;
  switch (tx.type) {
    case TransactionType.Legacy:
      return true;
    case TransactionType.AccessListEIP2930:
    case TransactionType.FeeMarketEIP1559:
      // An access list costs intrinsic gas per entry.
      return "accessList" in tx && tx.accessList.length === 0;
    default:
      return false; // blob and set-code transactions
  }
}

/**
 * Applies `tx` as a plain transfer and returns the gas it used (a successful transfer's receipt has
 * no logs), or undefined, with nothing written, when the transaction is not certainly one or would
 * fail: then runTx must run it.
 */
export async function applyPlainTransfer(vm: VM, sm: BatchFlushStateManager, tx: TypedTransaction, block: TransferBlock): Promise<bigint | undefined> {
  if (!isTransferShaped(tx)) return undefined;
  const to = tx.to!;
  if (vm.evm.precompiles.has(bytesToUnprefixedHex(to.bytes))) return undefined;
  const { baseFeePerGas, coinbase } = block;
  if (tx.gasLimit < TRANSFER_GAS || tx.gasLimit > block.gasLimit || tx.gasLimit > maxTxGas(tx)) return undefined;
  if (tx.nonce >= MAX_NONCE) return undefined;
  const feeMarket = tx.supports(Capability.EIP1559FeeMarket);
  const maxFee = feeMarket ? (tx as { maxFeePerGas: bigint }).maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice;
  if (maxFee < baseFeePerGas) return undefined;
  const tip = feeMarket ? tx.getEffectivePriorityFee(baseFeePerGas) : (tx as { gasPrice: bigint }).gasPrice - baseFeePerGas;
  const gasPrice = tip + baseFeePerGas;

  const caller = tx.getSenderAddress();
  const sender = (await sm.getAccount(caller)) ?? new Account();
  if (!equalsBytes(sender.codeHash, KECCAK256_NULL)) return undefined; // code or an EIP-7702 delegation
  if (sender.nonce !== tx.nonce) return undefined;
  const value = tx.value;
  const upFront = tx.gasLimit * gasPrice + value;
  const maxCost = feeMarket ? tx.gasLimit * maxFee + value : upFront;
  if (sender.balance < upFront || sender.balance < maxCost) return undefined;
  const toSelf = equalsBytes(to.bytes, caller.bytes);
  const recipient = toSelf ? undefined : await sm.getAccount(to);
  if (recipient !== undefined && !equalsBytes(recipient.codeHash, KECCAK256_NULL)) return undefined;

  // Every check passed: from here on only writes, in runTx's order of effect.
  const fee = TRANSFER_GAS * gasPrice;
  sender.nonce += 1n;
  // A transfer to oneself: the value goes out and comes back.
  sender.balance -= toSelf ? fee : fee + value;
  await sm.putAccount(caller, sender);
  if (!toSelf) {
    const r = recipient ?? new Account();
    r.balance += value;
    // EIP-161: a touched account left empty is removed (a zero-value transfer creates nothing).
    if (isEmpty(r)) await sm.deleteAccount(to);
    else await sm.putAccount(to, r);
  }
  const miner = (await sm.getAccount(coinbase)) ?? new Account();
  miner.balance += TRANSFER_GAS * tip;
  if (isEmpty(miner)) await sm.deleteAccount(coinbase);
  else await sm.putAccount(coinbase, miner);
  return TRANSFER_GAS;
}
