// npm run spec-tests -- DIR [--build] [--fresh] [--only STR]
// Runs the execution spec tests (EEST fixtures: state_tests/, blockchain_tests/) under DIR through
// verity's execution path and prints passed / failed / skipped per format, every skip reason with
// its count and the first failures. Exits 1 when a case failed.
import { parseArgs } from "node:util";
import type { Tally } from "./outcome.js";
import { runFixtures } from "./run.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    build: { type: "boolean", default: false },
    fresh: { type: "boolean", default: false },
    only: { type: "string" },
    "max-failures": { type: "string", default: "20" },
  },
});
const dir = positionals[0];
if (dir === undefined) {
  console.error("usage: npm run spec-tests -- DIR [--build] [--fresh] [--only STR] [--max-failures N]");
  process.exit(2);
}

const started = performance.now();
let lastPrint = 0;
const report = await runFixtures(dir, {
  build: values.build,
  fresh: values.fresh,
  ...(values.only !== undefined ? { only: values.only } : {}),
  progress: (file, r) => {
    if (performance.now() - lastPrint < 5000) return;
    lastPrint = performance.now();
    console.error(`… ${r.files} files, at ${file}`);
  },
});

function print(title: string, t: Tally): void {
  console.log(`${title}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.otherForks} cases of other forks not run)`);
  for (const [reason, n] of [...t.skipReasons].sort((a, b) => b[1] - a[1])) console.log(`  skipped ${n}: ${reason}`);
  for (const f of t.failures.slice(0, Number(values["max-failures"]))) {
    console.log(`  FAILED ${f.file} :: ${f.name}`);
    if (f.outcome.status === "failed") console.log(`    ${f.outcome.detail.split("\n").slice(0, 6).join("\n    ")}`);
  }
}

console.log(`${report.files} fixture files under ${dir}${values.build ? " (execute and build paths)" : ""}${values.fresh ? " (fresh state per case)" : ""}`);
print("state tests", report.state);
print("blockchain tests", report.blockchain);
for (const [format, n] of report.otherFormats) console.log(`not read: ${n} fixtures of format ${format}`);
console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(report.state.failed + report.blockchain.failed > 0 ? 1 : 0);
