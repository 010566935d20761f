// Issue 12, "beyond the reference": a slice of the Ethereum execution spec tests (EEST state and
// blockchain tests, vendored in test/fixtures/spec-tests/, see SOURCE.md there) runs through
// verity's own execution path (bench/spec-tests/: the chain's Common, the genesis writer, the node's
// transaction decoder and one long-lived BlockExecutor, validator and proposer paths, with the
// system contracts' calls around each block) and matches the published post-state roots, logs
// hashes, receipts roots, gas used and expected rejections. The counts are exact: a case that
// starts failing, or stops running (skipped, or not found), changes them.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFiles, fixtureHash, type BlockchainTestFixture, type StateTestFixture } from "../../bench/spec-tests/fixtures.js";
import { SKIP } from "../../bench/spec-tests/outcome.js";
import { runFixtures, type RunReport } from "../../bench/spec-tests/run.js";

const SLICE = fileURLToPath(new URL("../fixtures/spec-tests", import.meta.url));
const ONE_FIXTURE = "fusaka-devnet-5/state_tests/osaka/eip7939_count_leading_zeros/count_leading_zeros/clz_gas_cost.json";
const ONE_CHAIN = "tests-v5.4.0/blockchain_tests/osaka/eip7939_count_leading_zeros/test_clz_mainnet.json";

const failures = (r: RunReport) => [...r.state.failures, ...r.blockchain.failures].map((f) => `${f.file} :: ${f.name}: ${f.outcome.status === "failed" ? f.outcome.detail : ""}`);

describe("execution spec tests (EEST state and blockchain tests) on verity's block executor", () => {
  const temp: string[] = [];
  afterAll(async () => {
    for (const d of temp) await rm(d, { recursive: true, force: true });
  });

  it("every vendored fixture is the published one: its content hashes to its _info.hash", async () => {
    let fixtures = 0;
    for await (const file of fixtureFiles(SLICE)) {
      for (const [name, f] of Object.entries(file.fixtures)) {
        const fixture = f as (StateTestFixture | BlockchainTestFixture) & Record<string, unknown>;
        expect(fixtureHash(fixture), `${file.path} :: ${name}`).toBe(fixture._info?.hash);
        fixtures++;
      }
    }
    expect(fixtures).toBe(94);
  });

  it("the slice passes on the validator and proposer paths; the skips are the documented ones", async () => {
    const report = await runFixtures(SLICE, { build: true, fresh: false });
    expect(failures(report)).toEqual([]);
    expect(report.files).toBe(24);
    expect(report.state.passed).toBe(66);
    expect(report.state.skipped).toBe(9);
    expect(Object.fromEntries(report.state.skipReasons)).toEqual({ [SKIP.blobTx]: 6, [SKIP.setCodeTx]: 3 });
    // Prague expectations of the fusaka-devnet-5 files (fork-transition and pre-Osaka cases).
    expect(report.state.otherForks).toBe(15);
    // Two single-block chains (CLZ), a block of 7 transactions filling 7 * 2^24 of its gas and one
    // whose eighth transaction exceeds the block's gas, which must be rejected.
    expect(report.blockchain.passed).toBe(4);
    expect(report.blockchain.skipped + report.blockchain.failed + report.blockchain.otherForks).toBe(0);
    expect(report.otherFormats.size).toBe(0);
  });

  it("a case whose expectation differs from what verity computes fails, naming what differs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "verity-spec-"));
    temp.push(dir);
    const fixtures = JSON.parse(await readFile(join(SLICE, ONE_FIXTURE), "utf8")) as Record<string, StateTestFixture & Record<string, unknown>>;
    const [name, original] = Object.entries(fixtures)[0]!;
    const variant = (change: (f: StateTestFixture) => void): Record<string, unknown> => {
      const f = structuredClone(original);
      change(f);
      // Re-hashed, so that the runner's integrity check lets the changed case through to execution.
      f._info = { ...f._info, hash: fixtureHash(f) };
      return { [name]: f };
    };
    const post = (f: StateTestFixture) => f.post["Osaka"]![0]!;
    const flip = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;
    await writeFile(join(dir, "root.json"), JSON.stringify(variant((f) => (post(f).hash = flip(post(f).hash) as `0x${string}`))));
    await writeFile(join(dir, "logs.json"), JSON.stringify(variant((f) => (post(f).logs = flip(post(f).logs) as `0x${string}`))));
    await writeFile(join(dir, "reject.json"), JSON.stringify(variant((f) => (post(f).expectException = "TransactionException.INTRINSIC_GAS_TOO_LOW"))));
    // A copy whose content was altered without re-hashing is not the published fixture.
    const altered = structuredClone(original);
    post(altered).hash = flip(post(altered).hash) as `0x${string}`;
    await writeFile(join(dir, "altered.json"), JSON.stringify({ [name]: altered }));

    // A chain whose expected final state differs (one storage value), re-hashed as above.
    const chains = JSON.parse(await readFile(join(SLICE, ONE_CHAIN), "utf8")) as Record<string, BlockchainTestFixture & Record<string, unknown>>;
    const [chainName, chain] = Object.entries(chains)[0]!;
    const changed = structuredClone(chain);
    const account = Object.values(changed.postState!).find((a) => a.storage["0x00"] === "0x08")!;
    account.storage["0x00"] = "0x09";
    changed._info = { ...changed._info, hash: fixtureHash(changed) };
    await writeFile(join(dir, "chain.json"), JSON.stringify({ [chainName]: changed }));

    const report = await runFixtures(dir, { build: false, fresh: true });
    expect(report.state.passed + report.blockchain.passed).toBe(0);
    expect(report.blockchain.failures.map((f) => (f.outcome.status === "failed" ? f.outcome.detail : ""))).toEqual([expect.stringMatching(/^final state root 0x[0-9a-f]{64}, expected 0x/)]);
    const details = Object.fromEntries(report.state.failures.map((f) => [f.file, f.outcome.status === "failed" ? f.outcome.detail : ""]));
    expect(details["root.json"]).toMatch(/^post-state root 0x[0-9a-f]{64}, expected 0x/);
    expect(details["logs.json"]).toMatch(/^logs hash 0x[0-9a-f]{64}, expected 0x/);
    expect(details["reject.json"]).toBe("accepted a transaction the spec rejects (TransactionException.INTRINSIC_GAS_TOO_LOW)");
    expect(details["altered.json"]).toMatch(/does not match its _info.hash/);
  });

  it("a blockchain test that verity's blocks cannot run is skipped with its reason, not passed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "verity-spec-"));
    temp.push(dir);
    const chains = JSON.parse(await readFile(join(SLICE, ONE_CHAIN), "utf8")) as Record<string, BlockchainTestFixture & Record<string, unknown>>;
    const [name, chain] = Object.entries(chains)[0]!;
    /** The chain with its block's RLP changed by `edit` (header fields by position) and re-hashed. */
    const variant = (edit: (block: Uint8Array[][]) => void, expectException?: string) => {
      const f = structuredClone(chain);
      const block = RLP.decode(hexToBytes(f.blocks[0]!.rlp)) as Uint8Array[][];
      edit(block);
      f.blocks[0] = { rlp: bytesToHex(RLP.encode(block)), ...(expectException ? { expectException } : {}) };
      f._info = { ...f._info, hash: fixtureHash(f) };
      return JSON.stringify({ [name]: f });
    };
    const BEACON_ROOT = 19;
    const GAS_LIMIT = 9;
    await writeFile(join(dir, "beacon.json"), variant((b) => (b[0]![BEACON_ROOT] = new Uint8Array(32).fill(1))));
    await writeFile(join(dir, "withdrawals.json"), variant((b) => (b[3] = [[Uint8Array.of(1), Uint8Array.of(2), new Uint8Array(20), Uint8Array.of(3)]] as unknown as Uint8Array[])));
    // A gas limit off by one is invalid by Ethereum's header rules only: the execution is the same.
    await writeFile(join(dir, "header-rule.json"), variant((b) => (b[0]![GAS_LIMIT] = hexToBytes("0x07270e01")), "BlockException.INVALID_GASLIMIT"));

    const report = await runFixtures(dir, { build: false, fresh: false });
    expect(failures(report)).toEqual([]);
    expect(report.blockchain.passed).toBe(0);
    expect(Object.fromEntries(report.blockchain.skipReasons)).toEqual({ [SKIP.beaconRoot]: 1, [SKIP.withdrawals]: 1, [SKIP.headerRule]: 1 });
  });
});
