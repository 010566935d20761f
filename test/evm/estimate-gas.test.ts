// eth_estimateGas's search (issue 12, item 7), on the executor itself: geth's gasestimator. The first
// guess is the most gas the message had in use at once (gas used plus the refund) plus the 2300 stipend,
// times 64/63, so a message with a large refund is settled in a few executions rather than a bisection
// from the cap; the answer is within geth's 1.5 %; and a fee cap limits the search to what the sender's
// balance pays for.
import { MapDB, bytesToHex, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import { beforeAll, describe, expect, it } from "vitest";
import { CallExecutor, EstimateGasError } from "../../src/evm/call.js";
import { createChainCommon } from "../../src/evm/common.js";
import type { BlockEnv } from "../../src/evm/executor.js";
import { buildGenesisState } from "../../src/evm/genesis-state.js";
import type { StateDB } from "../../src/evm/state.js";
import type { CallRequest } from "../../src/evm/types.js";

const common = createChainCommon(31337n);
const SENDER = hexToBytes("0x00000000000000000000000000000000000000f1");
/** Holds 30000 gas at 1 gwei and nothing more. */
const POOR = hexToBytes("0x00000000000000000000000000000000000000f2");
/** Clears slots 0..7 (all set to 1): PUSH1 0 PUSH1 i SSTORE, eight times, then STOP. 38400 gas of refunds. */
const CLEARER = hexToBytes("0x00000000000000000000000000000000000000c1");
const CLEARER_CODE = hexToBytes(`0x${Array.from({ length: 8 }, (_, i) => `600060${i.toString(16).padStart(2, "0")}55`).join("")}00`);
const env: BlockEnv = {
  number: 1n,
  timestamp: 1_700_000_000n,
  proposer: new Uint8Array(20),
  gasLimit: 30_000_000n,
  baseFeePerGas: 1n,
  prevRandao: new Uint8Array(32),
};

/** Counts the executions an estimate makes. */
class CountingExecutor extends CallExecutor {
  runs = 0;
  override async vmAt(root: Uint8Array): Promise<VM> {
    const vm = await super.vmAt(root);
    vm.events.on("beforeTx", () => void this.runs++);
    return vm;
  }
}

let calls: CountingExecutor;
let root: Uint8Array;

beforeAll(async () => {
  const db: StateDB = new MapDB<string, string | Uint8Array>();
  const one = Uint8Array.of(1);
  root = await buildGenesisState(
    db,
    common,
    new Map([
      [bytesToHex(SENDER), { balance: 10n ** 21n, nonce: 0n, code: new Uint8Array(), storage: [] }],
      [bytesToHex(POOR), { balance: 30_000n * 10n ** 9n, nonce: 0n, code: new Uint8Array(), storage: [] }],
      [bytesToHex(CLEARER), { balance: 0n, nonce: 0n, code: CLEARER_CODE, storage: Array.from({ length: 8 }, (_, i) => [setLengthLeft(Uint8Array.of(i), 32), one] as [Uint8Array, Uint8Array]) }],
    ]),
  );
  calls = new CountingExecutor(common, db, async () => undefined);
});

const clear: CallRequest = { from: SENDER, to: CLEARER };

describe("eth_estimateGas's search", () => {
  it("finds a refunding message's limit in a few executions, within 1.5 % of the lowest that works", async () => {
    calls.runs = 0;
    const estimate = await calls.estimateGas(root, env, clear);
    // Cap, first guess, then a bisection of the few thousand gas between used and guessed
    // (the bisection from the cap it replaces took 18).
    expect(calls.runs).toBeLessThanOrEqual(7);
    expect((await calls.call(root, env, { ...clear, gas: estimate })).failed).toBe(false);
    expect((await calls.call(root, env, { ...clear, gas: (estimate * 985n) / 1000n })).failed).toBe(true);
    // The refund makes the gas used lower than the limit the message needs.
    const used = (await calls.call(root, env, clear)).gasUsed;
    expect(estimate).toBeGreaterThan(used);
  });

  it("caps the search at what the sender's balance pays for at its fee cap", async () => {
    const poorClear: CallRequest = { ...clear, from: POOR, gasPrice: 10n ** 9n };
    await expect(calls.estimateGas(root, env, poorClear)).rejects.toThrow(EstimateGasError);
    await expect(calls.estimateGas(root, env, poorClear)).rejects.toThrow("gas required exceeds allowance (30000)");
    // What the balance pays for is enough for a transfer.
    expect(await calls.estimateGas(root, env, { from: POOR, to: SENDER, value: 1n, gasPrice: 10n ** 9n })).toBe(21_000n);
    // A value the balance cannot cover, with a fee cap: geth's ErrInsufficientFundsForTransfer.
    await expect(calls.estimateGas(root, env, { from: POOR, to: SENDER, value: 10n ** 18n, gasPrice: 1n })).rejects.toThrow("insufficient funds for transfer");
  });
});
