// eth_call and eth_estimateGas: a message executed on a past state (never committed), the way geth's
// DoCall/DoEstimateGas do it: intrinsic gas charged, nonce and balance checks skipped, no base fee
// when the caller gave no fee fields, and a binary search for the lowest gas that succeeds.
import type { Common } from "@ethereumjs/common";
import { createBlock } from "@ethereumjs/block";
import { createTx, type TypedTransaction, type TypedTxData } from "@ethereumjs/tx";
import { Address } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import type { CallRequest, CallResult } from "./types.js";
import type { BlockEnv, BlockHashLookup } from "./executor.js";
import { blockchainAdapter } from "./executor.js";
import { createStateManager, type StateDB } from "./state.js";

/** EIP-7825 (Osaka): no transaction may carry more gas than 2^24. */
export const MAX_TX_GAS = 1n << 24n;
const ZERO_ADDRESS = new Address(new Uint8Array(20));

export class EstimateGasError extends Error {
  constructor(
    message: string,
    readonly result?: CallResult,
  ) {
    super(message);
    this.name = "EstimateGasError";
  }
}

function hasFeeFields(r: CallRequest): boolean {
  return r.gasPrice !== undefined || r.maxFeePerGas !== undefined || r.maxPriorityFeePerGas !== undefined;
}

export class CallExecutor {
  constructor(
    private readonly common: Common,
    private readonly db: StateDB,
    private readonly blockHashes: BlockHashLookup,
    /** Upper bound of gas for calls and estimates (geth's --rpc.gascap), at most MAX_TX_GAS. */
    readonly gasCap: bigint = MAX_TX_GAS,
  ) {}

  /** The canonical hash of block `n` (BLOCKHASH's lookup); the tracers replay a block's system calls with it. */
  blockHash(n: bigint) {
    return this.blockHashes(n);
  }

  // vmAt, message, block and capped are also used by the tracers (trace.ts).
  async vmAt(root: Uint8Array): Promise<VM> {
    const stateManager = createStateManager(this.db, root, this.common);
    return createVM({ common: this.common, stateManager, blockchain: blockchainAdapter(this.blockHashes) });
  }

  message(req: CallRequest, gas: bigint): TypedTransaction {
    const base = { to: req.to, value: req.value ?? 0n, data: req.data ?? new Uint8Array(0), gasLimit: gas, nonce: req.nonce ?? 0n };
    const accessList = req.accessList?.map((e): [Uint8Array, Uint8Array[]] => [e.address, e.storageKeys]);
    let data: TypedTxData;
    if (req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined) {
      const maxFee = req.maxFeePerGas ?? req.maxPriorityFeePerGas ?? 0n;
      data = { ...base, type: 2, maxFeePerGas: maxFee, maxPriorityFeePerGas: req.maxPriorityFeePerGas ?? maxFee, accessList };
    } else data = { ...base, type: accessList ? 1 : 0, gasPrice: req.gasPrice ?? 0n, ...(accessList ? { accessList } : {}) };
    const tx = createTx(data as TypedTxData, { common: this.common, freeze: false });
    const from = new Address(req.from ?? ZERO_ADDRESS.bytes);
    // An unsigned message: the sender is whoever the caller says (what geth's eth_call does too).
    (tx as { getSenderAddress: () => Address }).getSenderAddress = () => from;
    return tx;
  }

  block(env: BlockEnv, req: CallRequest) {
    return createBlock(
      {
        header: {
          number: env.number,
          timestamp: env.timestamp,
          coinbase: new Address(env.proposer),
          gasLimit: env.gasLimit > this.gasCap ? env.gasLimit : this.gasCap,
          baseFeePerGas: hasFeeFields(req) ? env.baseFeePerGas : 0n,
          mixHash: env.prevRandao,
          excessBlobGas: 0n,
          blobGasUsed: 0n,
        },
      },
      { common: this.common, skipConsensusFormatValidation: true },
    );
  }

  private async run(vm: VM, env: BlockEnv, req: CallRequest, gas: bigint): Promise<CallResult> {
    const tx = this.message(req, gas);
    await vm.evm.journal.checkpoint();
    try {
      const r = await runTx(vm, { tx, block: this.block(env, req), skipNonce: true, skipBalance: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true });
      const err = r.execResult.exceptionError;
      return {
        failed: err !== undefined,
        returnData: r.execResult.returnValue,
        gasUsed: r.totalGasSpent,
        ...(err ? { error: err.error === "revert" ? "execution reverted" : err.error } : {}),
      };
    } catch (e) {
      // Invalid messages (e.g. intrinsic gas above the limit) fail like an out-of-gas call.
      return { failed: true, returnData: new Uint8Array(0), gasUsed: gas, error: (e as Error).message };
    } finally {
      await vm.evm.journal.revert();
    }
  }

  capped(gas: bigint | undefined): bigint {
    if (gas === undefined || gas > this.gasCap) return this.gasCap;
    return gas;
  }

  async call(root: Uint8Array, env: BlockEnv, req: CallRequest): Promise<CallResult> {
    return this.run(await this.vmAt(root), env, req, this.capped(req.gas));
  }

  /** The lowest gas limit with which `req` succeeds. Throws EstimateGasError when it fails at the cap. */
  async estimateGas(root: Uint8Array, env: BlockEnv, req: CallRequest): Promise<bigint> {
    const vm = await this.vmAt(root);
    let hi = this.capped(req.gas);
    const first = await this.run(vm, env, req, hi);
    if (first.failed) {
      if (first.error === "execution reverted") throw new EstimateGasError("execution reverted", first);
      throw new EstimateGasError(first.error === "out of gas" ? `gas required exceeds allowance (${hi})` : (first.error ?? "execution failed"), first);
    }
    // Most messages (plain transfers always) succeed with exactly the gas they used: then that is the
    // answer, as geth gives 21000 for a transfer.
    if (first.gasUsed < hi && !(await this.run(vm, env, req, first.gasUsed)).failed) return first.gasUsed;
    // Execution used `gasUsed`, but refunds and the 63/64 rule can make the needed limit higher.
    let lo = first.gasUsed - 1n;
    const optimistic = ((first.gasUsed + 2300n) * 64n) / 63n;
    if (optimistic < hi) {
      const r = await this.run(vm, env, req, optimistic);
      if (!r.failed) hi = optimistic;
      else lo = optimistic;
    }
    // Stop within 1.5 % like geth: the answer is then at most 1.5 % above the true minimum.
    while (hi - lo > 1n && (hi - lo) * 1000n > hi * 15n) {
      const mid = (hi + lo) / 2n;
      const r = await this.run(vm, env, req, mid);
      if (r.failed) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

