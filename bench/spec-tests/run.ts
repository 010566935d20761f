// Runs every fixture under a directory through verity's execution path and tallies the cases by
// format (state tests, blockchain tests): passed, failed (with what differed), skipped (with why),
// cases of other forks, and fixtures of formats not read.
import { isOtherForkNetwork, runBlockchainTest } from "./blockchain-tests.js";
import { SpecContext, type SpecContextOptions } from "./context.js";
import { fixtureFiles, fixtureHash, type BlockchainTestFixture, type FixtureInfo, type StateTestFixture } from "./fixtures.js";
import { emptyTally, failed, record, type Outcome, type Tally } from "./outcome.js";
import { otherForkCases, runStateTest } from "./state-tests.js";

export interface RunReport {
  state: Tally;
  blockchain: Tally;
  /** Fixtures of formats the runner does not read (engine tests, transaction tests, ...), by
   * format: counted and reported, never silently passed over. */
  otherFormats: Map<string, number>;
  files: number;
}

export interface RunOptions extends SpecContextOptions {
  /** Only files whose path, or fixtures whose name, contains this. */
  only?: string;
  /** Called after each file. */
  progress?: (file: string, report: RunReport) => void;
}

function formatOf(name: string, fixture: Record<string, unknown>): string {
  const info = fixture._info as { "fixture-format"?: string } | undefined;
  if (info?.["fixture-format"] !== undefined) return info["fixture-format"];
  if ("transaction" in fixture && "post" in fixture) return "state_test";
  if ("blocks" in fixture && "genesisBlockHeader" in fixture) return "blockchain_test";
  return `unknown (${name})`;
}

export async function runFixtures(root: string, options: RunOptions): Promise<RunReport> {
  const ctx = new SpecContext(options);
  const report: RunReport = { state: emptyTally(), blockchain: emptyTally(), otherFormats: new Map(), files: 0 };
  for await (const file of fixtureFiles(root, options.only)) {
    report.files++;
    for (const [name, fixture] of Object.entries(file.fixtures)) {
      const f = fixture as Record<string, unknown>;
      const format = formatOf(name, f);
      if (format === "state_test") {
        const st = f as unknown as StateTestFixture;
        report.state.otherForks += otherForkCases(st);
        const outcomes = intact(f) ? await guarded(() => runStateTest(ctx, st), 1) : [notPublished(f)];
        outcomes.forEach((outcome, i) => record(report.state, { file: file.path, name: outcomes.length > 1 ? `${name} #${i}` : name, outcome }));
      } else if (format === "blockchain_test") {
        const bt = f as unknown as BlockchainTestFixture;
        if (isOtherForkNetwork(bt.network)) {
          report.blockchain.otherForks++;
          continue;
        }
        const [outcome] = intact(f) ? await guarded(async () => [await runBlockchainTest(ctx, bt)], 1) : [notPublished(f)];
        record(report.blockchain, { file: file.path, name, outcome: outcome! });
      } else {
        report.otherFormats.set(format, (report.otherFormats.get(format) ?? 0) + 1);
      }
    }
    options.progress?.(file.path, report);
  }
  return report;
}

/** A fixture without a published hash is taken as it is; one with a hash must match it. */
function intact(fixture: Record<string, unknown>): boolean {
  const published = (fixture._info as FixtureInfo | undefined)?.hash;
  return published === undefined || fixtureHash(fixture) === published;
}

const notPublished = (fixture: Record<string, unknown>): Outcome =>
  failed(`the fixture's content does not match its _info.hash (${(fixture._info as FixtureInfo).hash}): not the published fixture`);

/** An exception out of the runner or the executor is that case's failure, not the run's end. */
async function guarded(run: () => Promise<Outcome[]>, n: number): Promise<Outcome[]> {
  try {
    return await run();
  } catch (e) {
    return Array.from({ length: n }, () => failed(`threw: ${(e as Error).stack ?? String(e)}`));
  }
}
