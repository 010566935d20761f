// The execution pace and the proposal bound it gives: the arithmetic (pace from samples, quicker
// to follow a slowdown, bounds), and on real parts (the node's block pipeline on a temp LevelDB, real
// signed transfers) that a producer told to fit a block into a time builds a smaller block when the
// node has been measured slow, a loaded machine's budget when it has not been measured, and that it
// measures itself.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { ExecutionPace, MIN_BUDGET_GAS, UNMEASURED_NS_PER_GAS } from "../../src/chain/execution-pace.js";
import { openBlockPipeline, type BlockPipeline } from "../../src/node/block-pipeline.js";
import { ZERO_HASH } from "../../src/primitives/hash.js";
import { silentLogger } from "../../src/util/logger.js";
import { transfer1559 } from "../helpers/txs.js";

describe("ExecutionPace", () => {
  it("assumes a loaded machine's pace before any block was measured, not the whole gas limit", () => {
    const pace = new ExecutionPace();
    expect(pace.nanosPerGas).toBeNull();
    // 400 ms at 50 ns per gas: 8 M gas (380 transfers), where a full block is 30 M.
    expect(pace.budget(400, 30_000_000n)).toBe(BigInt((400 * 1e6) / UNMEASURED_NS_PER_GAS));
    expect(pace.budget(400, 30_000_000n)).toBe(8_000_000n);
    // A fallback's 100 ms: 2 M gas, 95 transfers.
    expect(pace.budget(100, 30_000_000n)).toBe(2_000_000n);
    // The first measured block replaces the assumption.
    pace.record(10_000_000n, 100);
    expect(pace.budget(400, 30_000_000n)).toBe(30_000_000n);
  });

  it("turns nanoseconds per gas into a budget, within [MIN_BUDGET_GAS, gas limit]", () => {
    const pace = new ExecutionPace();
    pace.record(10_000_000n, 100); // 10 ns per gas
    expect(pace.nanosPerGas).toBeCloseTo(10, 9);
    expect(pace.budget(50, 30_000_000n)).toBe(5_000_000n);
    expect(pace.budget(1_000, 30_000_000n)).toBe(30_000_000n);
    expect(pace.budget(1, 30_000_000n)).toBe(MIN_BUDGET_GAS);
    expect(pace.budget(1, 500_000n)).toBe(500_000n); // never above the limit, even the floor
  });

  it("follows a slowdown faster than a speed-up, and ignores small blocks", () => {
    const slow = new ExecutionPace();
    slow.record(10_000_000n, 100); // 10 ns/gas
    slow.record(10_000_000n, 300); // 30 ns/gas: weight 0.5 -> 20
    expect(slow.nanosPerGas).toBeCloseTo(20, 9);
    const fast = new ExecutionPace();
    fast.record(10_000_000n, 300); // 30
    fast.record(10_000_000n, 100); // 10: weight 0.2 -> 26
    expect(fast.nanosPerGas).toBeCloseTo(26, 9);
    fast.record(21_000n, 10_000); // one transfer taking 10 s: below the sample threshold
    fast.record(5_000_000n, 0); // no duration: ignored
    expect(fast.nanosPerGas).toBeCloseTo(26, 9);
  });
});

describe("BlockProducer with an execution bound", () => {
  const genesis = devGenesis();
  const [alice, bob] = deriveDevAccounts(2);
  let dir: string;
  let p: BlockPipeline;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-pace-"));
    p = await openBlockPipeline({ datadir: dir, genesis, logger: silentLogger });
    for (let i = 0; i < 120; i++) {
      const r = await p.txs.submit(transfer1559(alice!.privateKey, { nonce: BigInt(i), to: bob!.address }).serialize(), "rpc");
      expect(r.ok).toBe(true);
    }
  });
  afterEach(async () => {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fields = { proposer: bob!.address, round: 0, proposerVrfProof: new Uint8Array(0), seed: ZERO_HASH, lastCommit: new Uint8Array(0), lastCommitHash: ZERO_HASH, nextValidatorsHash: ZERO_HASH, now: 1_700_000_000n };

  it("bounds the block at the assumed pace when nothing was measured, and measures the block it built", async () => {
    // 50 ms at the unmeasured 50 ns per gas: 1 M gas, 47 of the 120 pooled transfers.
    const first = await p.producer.produce(fields, { maxExecutionMs: 50 });
    expect(first.block.transactions.length).toBe(Number(1_000_000n / 21_000n));
    expect(p.producer.pace.nanosPerGas).toBeNull(); // 47 transfers = 0.99 M gas: below the sample threshold
    // 400 ms buys 8 M gas: the whole pool.
    const built = await p.producer.produce(fields, { maxExecutionMs: 400 });
    expect(built.block.transactions.length).toBe(120);
    expect(p.producer.pace.nanosPerGas).not.toBeNull(); // 120 transfers = 2.52 M gas: sampled
  });

  it("builds a block of about the measured budget when the node was measured slow", async () => {
    // As if the last block had run at 1 µs per gas: 400 ms buys the 1 M gas floor, 47 transfers.
    p.producer.pace.record(10_000_000n, 10_000);
    const built = await p.producer.produce(fields, { maxExecutionMs: 400 });
    expect(built.block.header.gasUsed).toBeLessThanOrEqual(MIN_BUDGET_GAS);
    expect(built.block.transactions.length).toBe(Number(MIN_BUDGET_GAS / 21_000n));
    // Without the bound the same pool fills the block.
    const unbounded = await p.producer.produce(fields);
    expect(unbounded.block.transactions.length).toBe(120);
  });
});
