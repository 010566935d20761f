// eth_call and eth_estimateGas: a message executed on a past state (never committed), the way geth's
// DoCall/DoEstimateGas do it: intrinsic gas charged, the nonce unchecked, the sender's funds checked
// as geth's state transition does (gas × fee cap + value; the fee cap is 0 when the call names no
// price), no base fee when the caller gave no fee fields, and geth's gasestimator search for the
// lowest gas that succeeds.
import type { Common } from "@ethereumjs/common";
import { createBlock } from "@ethereumjs/block";
import { createTx, type TypedTransaction, type TypedTxData } from "@ethereumjs/tx";
import { Address, toChecksumAddress } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import type { CallRequest, CallResult } from "./types.js";
import type { BlockEnv, BlockHashLookup } from "./executor.js";
import { blockchainAdapter } from "./executor.js";
import { createStateManager, type StateDB } from "./state.js";

/** EIP-7825 (Osaka): no transaction may carry more gas than 2^24. */
export const MAX_TX_GAS = 1n << 24n;
const ZERO_ADDRESS = new Address(new Uint8Array(20));
/** A plain transfer's gas, and the stipend a value-carrying CALL adds (geth's params.TxGas, CallStipend). */
const TX_GAS = 21_000n;
const CALL_STIPEND = 2_300n;

/** One execution of a message: its result, or why the EVM would not run it. */
type Execution = { result: CallResult; refund: bigint } | { invalid: string; cause: "funds" | "intrinsic gas" | "other" };

export class EstimateGasError extends Error {
  constructor(
    message: string,
    readonly result?: CallResult,
  ) {
    super(message);
    this.name = "EstimateGasError";
  }
}

/**
 * A call request @ethereumjs/tx cannot build a message from: a field within what the RPC parser
 * takes (u64, u256) but outside what a transaction may hold (a nonce of 2^64 - 1, gas x price above
 * 2^256 - 1). The caller's mistake, so the client reads it (-32000), not an internal error.
 */
export class InvalidMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidMessageError";
  }
}

/** Longest reason from @ethereumjs carried into an error message (its own carry a dump of the tx and block). */
const MAX_REASON_CHARS = 300;

/** An @ethereumjs error's reason without the "(tx type=… / vm hf=…)" context it appends, clipped. */
export function ethjsReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cut = message.search(/ \((tx type=|vm hf=)/);
  const reason = cut === -1 ? message : message.slice(0, cut);
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
}

/** The price per gas the sender must be able to pay for: geth's fee cap (0 when the call names none). */
function feeCap(r: CallRequest): bigint {
  return r.maxFeePerGas ?? r.gasPrice ?? 0n;
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
    let tx: TypedTransaction;
    try {
      tx = createTx(data as TypedTxData, { common: this.common, freeze: false });
    } catch (e) {
      throw new InvalidMessageError(`invalid message: ${ethjsReason(e)}`);
    }
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

  /**
   * geth's buyGas check, which eth_call keeps though it skips the nonce: the sender must hold gas limit
   * × fee cap (the gas price, or maxFeePerGas; 0 when the call names none) plus the value. Returns
   * geth's error for a sender who cannot pay (`core.ErrInsufficientFunds` with its details), or null.
   */
  private async shortfall(vm: VM, req: CallRequest, gas: bigint): Promise<string | null> {
    const from = new Address(req.from ?? ZERO_ADDRESS.bytes);
    const want = gas * feeCap(req) + (req.value ?? 0n);
    if (want === 0n) return null;
    const have = (await vm.stateManager.getAccount(from))?.balance ?? 0n;
    if (have >= want) return null;
    return `insufficient funds for gas * price + value: address ${toChecksumAddress(from.toString())} have ${have} want ${want}`;
  }

  /**
   * One execution at `gas`, reverted afterwards. A message the EVM refuses before running it
   * (the sender cannot pay, intrinsic gas above the limit, a fee cap below the base fee) is `invalid`
   * with the reason; a cause of "intrinsic gas" tells the estimator that more gas could make it valid.
   */
  private async execute(vm: VM, env: BlockEnv, req: CallRequest, gas: bigint): Promise<Execution> {
    const short = await this.shortfall(vm, req, gas);
    if (short !== null) return { invalid: short, cause: "funds" };
    let tx: TypedTransaction;
    try {
      tx = this.message(req, gas);
    } catch (e) {
      if (e instanceof InvalidMessageError) return { invalid: e.message, cause: "other" };
      throw e;
    }
    await vm.evm.journal.checkpoint();
    try {
      const r = await runTx(vm, { tx, block: this.block(env, req), skipNonce: true, skipBalance: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true });
      const err = r.execResult.exceptionError;
      const refund = r.gasRefund < r.totalGasSpent / 4n ? r.gasRefund : r.totalGasSpent / 4n;
      return {
        result: {
          failed: err !== undefined,
          returnData: r.execResult.returnValue,
          gasUsed: r.totalGasSpent,
          ...(err ? { error: err.error === "revert" ? "execution reverted" : err.error } : {}),
        },
        // The refund runTx applied (at most a fifth of the gas used before it): with it, the most
        // gas the execution had in use at once, which is what geth's first guess starts from.
        refund,
      };
    } catch (e) {
      const message = (e as Error).message;
      return { invalid: message, cause: message.includes("INTRINSIC_GAS_TOO_LOW") ? "intrinsic gas" : "other" };
    } finally {
      await vm.evm.journal.revert();
    }
  }

  private async run(vm: VM, env: BlockEnv, req: CallRequest, gas: bigint): Promise<CallResult> {
    const r = await this.execute(vm, env, req, gas);
    if ("result" in r) return r.result;
    // geth's DoCall wording for a message that could not be applied.
    const error = r.cause === "funds" ? `err: ${r.invalid} (supplied gas ${gas})` : r.invalid;
    return { failed: true, returnData: new Uint8Array(0), gasUsed: gas, error };
  }

  capped(gas: bigint | undefined): bigint {
    if (gas === undefined || gas > this.gasCap) return this.gasCap;
    return gas;
  }

  async call(root: Uint8Array, env: BlockEnv, req: CallRequest): Promise<CallResult> {
    return this.run(await this.vmAt(root), env, req, this.capped(req.gas));
  }

  /**
   * The lowest gas limit with which `req` succeeds, found as geth's gasestimator finds it: the gas
   * used with the whole allowance bounds it from below (a message that checks `gasleft()` may succeed
   * lower, but geth does not go looking for it, and neither do we); the first guess is the most gas
   * in use at once, plus the 2300 stipend, times 64/63 (what the 63/64 rule holds back at one level
   * of calls); then bisection, skewed low, until the bounds are within 1.5 % of each other.
   * Throws EstimateGasError when the message fails with the whole allowance or cannot be applied.
   */
  async estimateGas(root: Uint8Array, env: BlockEnv, req: CallRequest): Promise<bigint> {
    const vm = await this.vmAt(root);
    let hi = this.capped(req.gas !== undefined && req.gas < TX_GAS ? undefined : req.gas);
    // With a fee cap, the sender's balance caps the gas too (geth's "capped by limited funds").
    const price = feeCap(req);
    if (price > 0n) {
      const from = new Address(req.from ?? ZERO_ADDRESS.bytes);
      const balance = (await vm.stateManager.getAccount(from))?.balance ?? 0n;
      const value = req.value ?? 0n;
      if (value >= balance) throw new EstimateGasError("insufficient funds for transfer");
      const allowance = (balance - value) / price;
      if (allowance < hi) hi = allowance;
    }
    // Whether the message fails at `gas`; a message the EVM would not run ends the estimate, unless
    // only its intrinsic gas was short (more gas can fix that).
    const fails = async (gas: bigint): Promise<boolean> => {
      const r = await this.execute(vm, env, req, gas);
      if ("result" in r) return r.result.failed;
      if (r.cause === "intrinsic gas") return true;
      throw new EstimateGasError(`failed with ${gas} gas: ${r.invalid}`);
    };
    // A plain transfer to an account without code: 21000 if that works (tried, not assumed: an access
    // list, for one, costs more).
    if ((req.data === undefined || req.data.length === 0) && req.to !== undefined) {
      const code = await vm.stateManager.getCode(new Address(req.to));
      const transfer = code.length === 0 ? await this.execute(vm, env, req, TX_GAS) : undefined;
      if (transfer !== undefined && "result" in transfer && !transfer.result.failed) return TX_GAS;
    }
    const first = await this.execute(vm, env, req, hi);
    if (!("result" in first)) {
      if (first.cause === "intrinsic gas") throw new EstimateGasError(`gas required exceeds allowance (${hi})`);
      throw new EstimateGasError(`failed with ${hi} gas: ${first.invalid}`);
    }
    if (first.result.failed) {
      const error = first.result.error;
      if (error === "execution reverted") throw new EstimateGasError("execution reverted", first.result);
      throw new EstimateGasError(error === undefined || error === "out of gas" ? `gas required exceeds allowance (${hi})` : error, first.result);
    }
    let lo = first.result.gasUsed - 1n;
    const optimistic = ((first.result.gasUsed + first.refund + CALL_STIPEND) * 64n) / 63n;
    if (optimistic < hi) {
      if (await fails(optimistic)) lo = optimistic;
      else hi = optimistic;
    }
    while (lo + 1n < hi) {
      // geth's error ratio: (hi - lo) / hi < 0.015 is close enough (wallets add 20-25 % anyway).
      if ((hi - lo) * 1000n < hi * 15n) break;
      let mid = lo + (hi - lo) / 2n;
      // Most messages need little more than they used: bisect towards the low end.
      if (mid > lo * 2n) mid = lo * 2n;
      if (await fails(mid)) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

