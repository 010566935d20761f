// Scenario `consensus`: the simulator in virtual time over N validators, LAN and WAN, sampled
// committees (tau < W) and everyone voting (tau >= W); plus a block-size sweep, the simulator's
// own speed at N = 100 (wall-clock heights/s, profiled when under target) and one run with the
// real ed25519 + ECVRF crypto. Figures are medians over runs with different seeds, with min and max.
import type { CommitteeMode } from "../../src/consensus/sim/scenarios.js";
import { formatProfile, startProfiler, summarizeProfile } from "../lib/cpu-profile.js";
import { lineChartSpec } from "../harness/charts.js";
import { Progress } from "../harness/progress.js";
import type { ChartSpec, ScenarioOutput, Table } from "../harness/results.js";
import { type BenchOptions, pick, type Scenario } from "../harness/scenario.js";
import { fmt, fmtSummary, summarize, type Summary } from "../harness/stats.js";
import { claimNotes, type SweepRow } from "./consensus-claims.js";
import { type ConsensusRunResult, type ConsensusRunSpec, maxDelayMs, NETWORKS, type NetworkName, networkDelays, runConsensus, SYNTHETIC_TX_BYTES } from "./consensus-run.js";

const WALL_SPEED_TARGET = 10;
const SPEED_N = 100;
const SPEED_SMALL_BLOCK_TXS = 2;

/** Heights per run by N: enough commits for stable medians where runs are cheap, few where not. */
function heightsFor(n: number, quick: boolean, override?: number): number {
  if (override !== undefined) return override;
  if (quick) return 5;
  return n <= 16 ? 20 : n <= 64 ? 10 : n <= 256 ? 5 : n <= 1000 ? 3 : 2;
}

/**
 * Beyond N = 1000, sampled committees only: messages per validator are still growing at 1000 in
 * the LAN and WAN sweeps (the committee's cap of about tau voters per step is only reached there),
 * so the plateau needs larger N; everyone voting would cost N^2 deliveries per step there.
 */
const PLATEAU_SIZES = [2000, 4000];

/** Relative cost of a run, for the progress bar's ETA: deliveries per height ~ N x voters. */
function weight(s: ConsensusRunSpec): number {
  const voters = s.mode === "everyone" ? s.n : Math.min(s.n, 300);
  return s.heights * s.n * voters * (s.network === "WAN" ? 1.2 : 1) + 2_000;
}

function summarizeRuns(runs: readonly ConsensusRunResult[]): SweepRow["summary"] {
  const f = (get: (r: ConsensusRunResult) => number): Summary => summarize(runs.map(get));
  return {
    committedTxPerSecond: f((r) => r.committedTxPerSecond),
    finalityP50: f((r) => r.finalityMs.p50),
    finalityP95: f((r) => r.finalityMs.p95),
    finalityP99: f((r) => r.finalityMs.p99),
    roundsPerHeight: f((r) => r.roundsPerHeight),
    messagesPerValidator: f((r) => r.messagesPerValidator),
    bytesPerValidator: f((r) => r.bytesPerValidator),
    broadcastsPerValidator: f((r) => r.broadcastsPerValidator),
    wallSeconds: f((r) => r.wallSeconds),
    wallHeightsPerSecond: f((r) => r.wallHeightsPerSecond),
  };
}

function runSeries(specs: readonly ConsensusRunSpec[], progress: Progress, label: string): ConsensusRunResult[] {
  const out: ConsensusRunResult[] = [];
  for (const s of specs) {
    progress.begin(`${label} ${s.network} ${s.mode} N=${s.n} seed ${s.seed}`);
    const r = runConsensus(s);
    if (!r.reachedTarget) progress.log(`  ! ${s.network} ${s.mode} N=${s.n}: reached height ${r.heightsCommitted} of ${s.heights} within the virtual time limit`);
    if (r.safetyViolations > 0) progress.log(`  ! ${s.network} ${s.mode} N=${s.n}: ${r.safetyViolations} safety violations`);
    out.push(r);
    progress.advance(weight(s));
  }
  return out;
}

export const consensusScenario: Scenario = {
  name: "consensus",
  summary: "consensus simulator in virtual time: N validators, LAN/WAN, sampled vs full committees",
  async run(o: BenchOptions): Promise<ScenarioOutput> {
    const sizes = pick(o.validators, o.quick, [4, 16], [4, 16, 64, 256, 1000]);
    const runs = pick(o.runs, o.quick, 2, 3);
    const blockTxs = pick(o.blockTxs, o.quick, [100, 1000], [100, 1000, 4000]);
    const mainBlockTxs = blockTxs.includes(1000) ? 1000 : blockTxs[0]!;
    const networks: NetworkName[] = ["LAN", "WAN"];
    const modes: CommitteeMode[] = ["sampled", "everyone"];
    const seeds = Array.from({ length: runs }, (_, i) => `bench-${i + 1}`);
    const spec = (n: number, network: NetworkName, mode: CommitteeMode, seed: string, txs = mainBlockTxs, crypto: ConsensusRunSpec["crypto"] = "simulated"): ConsensusRunSpec => ({
      n,
      network,
      mode,
      heights: heightsFor(n, o.quick, o.heights),
      blockTxs: txs,
      seed,
      crypto,
    });

    const sampledOnly = pick(o.sampledValidators, o.quick, [], o.validators === undefined ? PLATEAU_SIZES : []).filter((n) => !sizes.includes(n));
    const sweepSpecs = networks.flatMap((net) => [...modes.flatMap((mode) => sizes.map((n) => ({ net, mode, n }))), ...sampledOnly.map((n) => ({ net, mode: "sampled" as const, n }))]);
    const blockN = o.quick ? sizes[0]! : 64;
    const blockSpecs = blockTxs.flatMap((txs) => seeds.map((seed) => spec(blockN, "LAN", "sampled", seed, txs)));
    // The propose window's effect: without it the engine waits out the whole 300 ms propose timeout.
    const windowSpecs = networks.flatMap((net) => seeds.map((seed) => ({ ...spec(blockN, net, "sampled", seed), proposeWindow: false })));
    // Speed with tiny blocks (2 transfers, about the simulator's default payload) and with the sweep's
    // blocks: every validator hashes and copies every proposal, so big blocks slow the simulator.
    const speedSizes = [...new Set([SPEED_SMALL_BLOCK_TXS, mainBlockTxs])];
    const speedSpecs = speedSizes.flatMap((txs) => seeds.map((seed) => ({ ...spec(SPEED_N, "LAN", "sampled", seed, txs), heights: o.quick ? 5 : 20 })));
    const realN = o.quick ? 4 : 16;
    const realSpec = { ...spec(realN, "LAN", "sampled", "bench-real"), crypto: "ed25519-ecvrf" as const, heights: o.quick ? 3 : 5 };
    const all = [...sweepSpecs.flatMap((x) => seeds.map((seed) => spec(x.n, x.net, x.mode, seed))), ...blockSpecs, ...windowSpecs, ...speedSpecs, realSpec];
    const progress = new Progress("consensus", all.reduce((s, x) => s + weight(x), 0));

    const sweep: SweepRow[] = [];
    try {
      for (const { net, mode, n } of sweepSpecs) {
        const results = runSeries(seeds.map((seed) => spec(n, net, mode, seed)), progress, "sweep");
        sweep.push({ network: net, mode, n, runs: results, summary: summarizeRuns(results) });
      }
      const blocks = blockTxs.map((txs) => {
        const results = runSeries(blockSpecs.filter((s) => s.blockTxs === txs), progress, `block ${txs} txs`);
        return { blockTxs: txs, runs: results, summary: summarizeRuns(results) };
      });
      const noWindow = networks.map((net) => {
        const results = runSeries(windowSpecs.filter((s) => s.network === net), progress, "no propose window");
        return { network: net, runs: results, summary: summarizeRuns(results) };
      });
      const speedRuns = runSeries(speedSpecs, progress, "simulator speed");
      const speed = speedSizes.map((txs) => {
        const runsOfSize = speedRuns.filter((r) => r.spec.blockTxs === txs);
        return { blockTxs: txs, heights: runsOfSize[0]!.spec.heights, heightsPerWallSecond: summarize(runsOfSize.map((r) => r.wallHeightsPerSecond)) };
      });
      let profileText: string | null = null;
      let profile = null;
      // Profile the smallest-block configuration that misses the target (or the first, when asked to).
      const missed = speed.find((x) => x.heightsPerWallSecond.median < WALL_SPEED_TARGET);
      const toProfile = o.profile ? (missed ?? speed[0]!) : !o.quick ? missed : undefined;
      if (toProfile) {
        progress.begin(`profiling one N = ${SPEED_N} run with ${toProfile.blockTxs}-transfer blocks (not in the figures)`);
        const stop = await startProfiler();
        runConsensus(speedSpecs.find((x) => x.blockTxs === toProfile.blockTxs)!);
        profile = summarizeProfile(await stop(), 15);
        profileText = `${toProfile.blockTxs}-transfer blocks:\n${formatProfile(profile, 10)}`;
      }
      const real = runSeries([realSpec], progress, "real crypto")[0]!;
      progress.stop();
      return output(o, { sweep, blocks, noWindow, speedRuns, speed, real, profile, profileText, mainBlockTxs, blockN, runs });
    } finally {
      progress.stop();
    }
  },
};

interface Collected {
  sweep: SweepRow[];
  blocks: { blockTxs: number; runs: ConsensusRunResult[]; summary: SweepRow["summary"] }[];
  noWindow: { network: NetworkName; runs: ConsensusRunResult[]; summary: SweepRow["summary"] }[];
  speedRuns: ConsensusRunResult[];
  speed: { blockTxs: number; heights: number; heightsPerWallSecond: Summary }[];
  real: ConsensusRunResult;
  profile: ReturnType<typeof summarizeProfile> | null;
  profileText: string | null;
  mainBlockTxs: number;
  blockN: number;
  runs: number;
}

function output(o: BenchOptions, c: Collected): ScenarioOutput {
  const lan = networkDelays(NETWORKS.LAN);
  const wan = networkDelays(NETWORKS.WAN);
  const main: Table = {
    title: `Consensus simulator: N validators, blocks of ${fmt(c.mainBlockTxs)} synthetic transfers (median of ${c.runs} seeds, min–max)`,
    columns: ["network", "committees", "N", "stake units each", "tau", "committed tx/s", "finality p50 ms", "p95 ms", "p99 ms", "rounds/height", "msgs received /validator/height", "KiB /validator/height", "msgs sent /validator/height", "wall s/run", "safety"],
    rows: c.sweep.map((r) => {
      const first = r.runs[0]!;
      const s = r.summary;
      const violations = r.runs.reduce((n, x) => n + x.safetyViolations, 0);
      const reached = r.runs.every((x) => x.reachedTarget);
      return [
        r.network,
        r.mode === "sampled" ? "sampled (tau < W)" : "everyone (tau ≥ W)",
        String(r.n),
        first.stakeUnits,
        first.committeeTau,
        fmtSummary(s.committedTxPerSecond),
        fmtSummary(s.finalityP50),
        fmtSummary(s.finalityP95),
        fmtSummary(s.finalityP99),
        fmtSummary(s.roundsPerHeight, 2),
        fmtSummary(s.messagesPerValidator),
        fmtSummary({ ...s.bytesPerValidator, median: s.bytesPerValidator.median / 1024, min: s.bytesPerValidator.min / 1024, max: s.bytesPerValidator.max / 1024 }, 1),
        fmtSummary(s.broadcastsPerValidator, 1),
        fmt(s.wallSeconds.median, 1),
        `${violations === 0 ? "ok" : `${violations} VIOLATIONS`}${reached ? "" : ", target height not reached"}`,
      ];
    }),
  };
  const blockTable: Table = {
    title: `Block size: N = ${c.blockN}, LAN, sampled committees`,
    columns: ["block txs", "block KiB", "committed tx/s", "finality p50 ms", "KiB /validator/height"],
    rows: c.blocks.map((b) => [
      fmt(b.blockTxs),
      fmt((b.blockTxs * SYNTHETIC_TX_BYTES) / 1024, 1),
      fmtSummary(b.summary.committedTxPerSecond),
      fmtSummary(b.summary.finalityP50),
      fmt(b.summary.bytesPerValidator.median / 1024, 1),
    ]),
  };
  const windowTable: Table = {
    title: `Propose window: N = ${c.blockN}, sampled committees, close the window one largest delay after a valid proposal vs wait out the 300 ms propose timeout`,
    columns: ["network", "propose window", "finality p50 ms", "p99 ms", "committed tx/s"],
    rows: c.noWindow.flatMap((w) => {
      const withWindow = c.sweep.find((r) => r.network === w.network && r.mode === "sampled" && r.n === c.blockN);
      const row = (label: string, s: SweepRow["summary"]) => [w.network, label, fmtSummary(s.finalityP50), fmtSummary(s.finalityP99), fmtSummary(s.committedTxPerSecond)];
      return [...(withWindow ? [row(`${fmt(Math.ceil(maxDelayMs(NETWORKS[w.network])))} ms (the sweep's setting)`, withWindow.summary)] : []), row("none (whole timeout)", w.summary)];
    }),
  };
  const speedTable: Table = {
    title: `Simulator speed on this machine (wall clock), N = ${SPEED_N}, LAN, sampled committees, simulated crypto; and one run with the real crypto`,
    columns: ["N", "crypto", "block txs", "heights/run", "wall heights/s", `target`],
    rows: [
      ...c.speed.map((x) => [
        String(SPEED_N),
        "simulated (fast, insecure)",
        `${fmt(x.blockTxs)} (${fmt((x.blockTxs * SYNTHETIC_TX_BYTES) / 1024, 1)} KiB)`,
        String(x.heights),
        fmtSummary(x.heightsPerWallSecond, 1),
        `≥ ${WALL_SPEED_TARGET}: ${x.heightsPerWallSecond.median >= WALL_SPEED_TARGET ? "met" : "MISSED"}`,
      ]),
      [String(c.real.spec.n), "ed25519 + ECVRF (real)", `${fmt(c.real.spec.blockTxs)} (${fmt((c.real.spec.blockTxs * SYNTHETIC_TX_BYTES) / 1024, 1)} KiB)`, String(c.real.spec.heights), fmt(c.real.wallHeightsPerSecond, 1), "-"],
    ],
  };
  const notes = [
    "All sweep runs use the simulator's fast simulated crypto (an insecure keyed hash standing in for ed25519 signatures and ECVRF proofs); the engine, sortition, certificates and message encoding are the real ones. One run with the real crypto is in the speed table.",
    `Network models: LAN = ${fmt(NETWORKS.LAN.baseLatencyMs, 1)} ms + up to ${fmt(NETWORKS.LAN.jitterMs, 1)} ms jitter per message (mean ${fmt(lan.meanMs, 2)} ms), no loss; WAN = 50–150 ms by node distance plus jitter (mean ${fmt(wan.meanMs, 1)} ms, max ${fmt(wan.maxMs, 1)} ms), 1 % independent loss per message.`,
    "Propose window: as the node does (NODE_TIMEOUTS.proposeWindowMs), a validator that holds a valid proposal waits only a short window for better-priority competitors instead of the whole propose timeout; the sweep sets that window to the model's largest one-way delay (2 ms LAN, 150 ms WAN). Timeouts otherwise are the simulator's (300 ms + 150 ms per round).",
    "The simulator models latency and loss, not bandwidth or execution: committed tx/s is block transactions x committed heights per virtual second, an upper bound set by consensus alone; a bigger block changes bytes, not time.",
    "Messages and bytes are per validator per committed height: received = network-wide point-to-point deliveries / N; sent = broadcasts originated / N (every broadcast goes to all other validators).",
    `Finality is per validator and height, from StartHeight to Commit, in virtual time; percentiles are per run, then the median over ${c.runs} seeds.`,
    ...claimNotes(c.sweep, wan.meanMs),
    `Simulator speed at N = ${SPEED_N}: median ${c.speed.map((x) => `${fmt(x.heightsPerWallSecond.median, 1)} heights per wall second with ${fmt(x.blockTxs)}-transfer blocks`).join(", ")} (target ≥ ${WALL_SPEED_TARGET}). Every validator hashes and copies every proposal it receives, so the synthetic block size weighs on the simulator's own speed (not on virtual time). The machine is shared and noisy: wall-clock figures vary run to run.`,
  ];
  if (c.profileText) notes.push(`Where the simulator's time goes at N = ${SPEED_N} (one profiled run, self time; the native 'update' and 'digest' are node:crypto hashing):\n\n\`\`\`\n${c.profileText}\n\`\`\``);
  const series = (r: SweepRow) => `${r.network} ${r.mode}`;
  const chart = (name: string, title: string, yTitle: string, get: (s: SweepRow["summary"]) => Summary, yLog = false, scale = 1): ChartSpec => ({
    name,
    title,
    spec: lineChartSpec({
      title,
      subtitle: `median of ${c.runs} seeds, bars min–max; simulated crypto`,
      xTitle: "validators (N)",
      yTitle,
      xLog: true,
      yLog,
      points: c.sweep.map((r) => {
        const s = get(r.summary);
        return { x: r.n, y: s.median / scale, min: s.min / scale, max: s.max / scale, series: series(r) };
      }),
    }),
  });
  return {
    scenario: "consensus",
    status: "ok",
    options: { ...o, crypto: "simulated", networks: NETWORKS, syntheticTxBytes: SYNTHETIC_TX_BYTES },
    notes,
    tables: [main, blockTable, windowTable, speedTable],
    charts: [
      chart("messages", "Messages received per validator per height", "messages", (s) => s.messagesPerValidator, true),
      chart("bytes", "KiB received per validator per height", "KiB", (s) => s.bytesPerValidator, true, 1024),
      chart("finality", "Finality latency p50", "ms (virtual)", (s) => s.finalityP50),
      chart("rounds", "Rounds per height", "rounds", (s) => s.roundsPerHeight),
      chart("throughput", "Committed transactions per second", "tx/s (virtual time)", (s) => s.committedTxPerSecond),
    ],
    data: { sweep: c.sweep, blockSizes: c.blocks, withoutProposeWindow: c.noWindow, simulatorSpeed: { runs: c.speedRuns, bySize: c.speed, target: WALL_SPEED_TARGET }, realCrypto: c.real, profile: c.profile, networkDelays: { LAN: lan, WAN: wan } },
  };
}
