// An interrupted benchmark stops what it started and starts nothing after: a scenario still running
// used to spawn its next localnet while the SIGINT handler was stopping the last one, and that
// localnet outlived the run (seen with `npm run bench -- localnet` interrupted between sizes).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { liveServices, spawnService, stopEverything } from "../../bench/harness/processes.js";

const dir = mkdtempSync(join(tmpdir(), "verity-bench-processes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleeper = (name: string) =>
  spawnService({ name, command: process.execPath, args: ["-e", "setTimeout(() => {}, 60_000)"], cwd: dir, logFile: join(dir, `${name}.log`) });

it("stopEverything stops the live services and refuses any started after it", async () => {
  const first = sleeper("first");
  const exited = new Promise<number | null>((r) => first.child.once("exit", (code, sig) => r(sig === null ? code : -1)));
  expect(liveServices()).toContain(first);
  await stopEverything("SIGINT received");
  await expect(exited).resolves.toBe(-1); // ended by our SIGTERM, not on its own
  expect(liveServices()).toHaveLength(0);
  expect(() => sleeper("second")).toThrow("second not started: SIGINT received");
  expect(liveServices()).toHaveLength(0);
});
