// `npm run soak -- --validators N --minutes M --rate R --seed S [--out DIR]`: a fault-injection soak
// of a multi-process localnet under load (see README "Soak" and run.ts). Exits 1 when an invariant
// was violated, 2 when the run itself failed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_FAULT_KINDS, FAULT_KINDS, WIPE_SYNC_BLOCKS_PER_SECOND, type FaultKind } from "./faults.js";
import { writeSoakReport } from "./report.js";
import { runSoak } from "./run.js";

const USAGE = `npm run soak -- [options]

  --validators N        validator processes (default 4; at least 4), plus one RPC node
  --minutes M           minutes of load and faults (default 10)
  --rate R              offered load, transfers per second in total (default 10)
  --seed S              seed of the fault schedule and link shaping (default 1)
  --faults LIST         kinds, comma-separated (default ${DEFAULT_FAULT_KINDS.join(",")}; also: split, beyond f)
  --senders S           load senders (default 8)
  --hold A-B            seconds each fault is held, drawn in [A, B] (default 10-30)
  --gap A-B             quiet seconds after a recovery (default 5-15)
  --recovery-bound S    seconds a heal may take to progress and catch up (default 60)
  --sync-rate B         blocks/s a wiped validator must sync back at: its bound is the recovery
                        bound plus the height at the heal / B (default ${WIPE_SYNC_BLOCKS_PER_SECOND})
  --rss-limit MIB       resident memory bound per process (default 1024)
  --every-kind          go on past --minutes until every kind was injected once
  --out DIR             report directory (default bench/results/soak)
  --keep-data           keep the data dirs and logs (printed at the end)
  --node-log-level L    the nodes' --log-level (default warn), e.g. info,consensus=debug with --keep-data
`;

function range(v: string, name: string): [number, number] {
  const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(v);
  if (!m) throw new Error(`--${name}: expected A-B seconds, got "${v}"`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (b < a) throw new Error(`--${name}: ${a} > ${b}`);
  return [a * 1000, b * 1000];
}

function positive(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${v}"`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      validators: { type: "string", default: "4" },
      minutes: { type: "string", default: "10" },
      rate: { type: "string", default: "10" },
      seed: { type: "string", default: "1" },
      faults: { type: "string" },
      senders: { type: "string", default: "8" },
      hold: { type: "string", default: "10-30" },
      gap: { type: "string", default: "5-15" },
      "recovery-bound": { type: "string", default: "60" },
      "sync-rate": { type: "string", default: String(WIPE_SYNC_BLOCKS_PER_SECOND) },
      "rss-limit": { type: "string", default: "1024" },
      out: { type: "string" },
      "keep-data": { type: "boolean", default: false },
      "node-log-level": { type: "string" },
      "every-kind": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const kinds = (values.faults?.split(",").map((k) => k.trim()) ?? [...DEFAULT_FAULT_KINDS]) as FaultKind[];
  for (const k of kinds) if (!FAULT_KINDS.includes(k)) throw new Error(`--faults: unknown kind "${k}" (one of ${FAULT_KINDS.join(", ")})`);
  const startedAt = new Date();
  const workDir = mkdtempSync(join(tmpdir(), "verity-soak-"));
  const result = await runSoak({
    validators: Math.floor(positive(values.validators, "validators")),
    minutes: positive(values.minutes, "minutes"),
    rate: positive(values.rate, "rate"),
    seed: Math.floor(Number(values.seed)),
    kinds,
    senders: Math.floor(positive(values.senders, "senders")),
    holdMs: range(values.hold, "hold"),
    gapMs: range(values.gap, "gap"),
    recoveryBoundMs: positive(values["recovery-bound"], "recovery-bound") * 1000,
    syncBlocksPerSecond: positive(values["sync-rate"], "sync-rate"),
    rssLimitMiB: positive(values["rss-limit"], "rss-limit"),
    drainMs: 60_000,
    everyKind: values["every-kind"],
    workDir,
    keepData: values["keep-data"],
    ...(values["node-log-level"] ? { nodeLogLevel: values["node-log-level"] } : {}),
    log: (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  const md = await writeSoakReport(resolve(values.out ?? join(import.meta.dirname, "../results/soak")), result, `npm run soak -- ${process.argv.slice(2).join(" ")}`, startedAt);
  for (const c of result.checks) console.log(`${c.passed ? "ok  " : "FAIL"} ${c.invariant}: ${c.checked}`);
  for (const v of result.violations) console.log(`  ${v.invariant}: ${v.detail}`);
  console.log(`report: ${relative(process.cwd(), md)}${values["keep-data"] ? `; data and logs: ${workDir}` : ""}`);
  return result.checks.every((c) => c.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(2);
  },
);
