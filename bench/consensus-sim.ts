// Consensus simulator figures: messages and bytes per height, finality latency and rounds per
// height against N, for sampled committees (tau < W) and everyone voting (tau >= W).
//
//   npx tsx bench/consensus-sim.ts                    # N = 4, 16, 100, 1000; honest; 3 heights
//   npx tsx bench/consensus-sim.ts --n 4,16 --heights 10 --fault lossy
//   npx tsx bench/consensus-sim.ts --verify           # votes/s one core verifies with the real crypto
//
// Virtual time comes from the simulated LAN in scenarios.ts (5-50 ms links + up to 10 ms jitter,
// propose/prevote/precommit timeouts 300 ms + 150 ms per round). Wall time is this machine's.

import { createEd25519EcvrfCrypto } from "../src/consensus/ed25519-ecvrf-crypto.js";
import { drawRole, roleAlpha } from "../src/consensus/committee.js";
import { signVote } from "../src/consensus/messages.js";
import { simulatedKeys } from "../src/consensus/sim/sim-report.js";
import { makeHeightContext, verifyVote } from "../src/consensus/verify.js";
import { ALL_FAULTS, type CommitteeMode, type FaultScenario, committeeSetup, scenarioConfig } from "../src/consensus/sim/scenarios.js";
import { Simulation } from "../src/consensus/sim/simulator.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const sizes = arg("n", "4,16,100,1000").split(",").map(Number);
const heights = Number(arg("heights", "3"));
const fault = arg("fault", "honest") as FaultScenario;
const modes = arg("modes", "sampled,everyone").split(",") as CommitteeMode[];
if (!ALL_FAULTS.includes(fault)) throw new Error(`unknown fault ${fault}; one of ${ALL_FAULTS.join(", ")}`);

/** Real ed25519 + ECVRF: signature, VRF proof and sortition weight of one vote, per second on one core. */
function verificationThroughput(): void {
  const crypto = createEd25519EcvrfCrypto();
  for (const mode of ["everyone", "sampled"] as CommitteeMode[]) {
    const { stakes, params } = committeeSetup(mode, 100);
    const { secrets, set } = simulatedKeys(crypto, "verify-bench", stakes);
    const ctx = makeHeightContext(crypto, params, set, new Uint8Array(32).fill(3), 1);
    const votes = secrets.map((s, i) => {
      const v = set.validators[i]!;
      const draw = drawRole(ctx, s.vrfSecret, v.vrfKey, v.stake, 0, "prevote");
      return signVote(crypto, params.chainId, s, { step: "prevote", height: 1, round: 0, valueHash: new Uint8Array(32), vrfProof: draw.proof });
    });
    const t0 = performance.now();
    let ok = 0;
    for (const vote of votes) if (verifyVote(ctx, vote).ok) ok++;
    const perSecond = (votes.length * 1000) / (performance.now() - t0);
    const t1 = performance.now();
    const alpha = roleAlpha(ctx.seed, 1, 0, "prevote");
    votes.forEach((vote, i) => crypto.vrfVerify(set.validators[i]!.vrfKey, alpha, vote.vrfProof));
    const vrfPerSecond = (votes.length * 1000) / (performance.now() - t1);
    console.log(`${mode}: ${perSecond.toFixed(0)} votes/s fully verified (${ok} of ${votes.length} selected), ECVRF verify alone ${vrfPerSecond.toFixed(0)}/s`);
  }
}

if (process.argv.includes("--verify")) {
  verificationThroughput();
  process.exit(0);
}

console.log(`fault: ${fault}, target height ${heights}`);
console.log("| N | committees | W | tau | rounds/height | broadcasts/height | messages/height | bytes/height | finality p50 / max (ms) | heights/s (virtual) | wall s | forks |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const n of sizes) {
  for (const mode of modes) {
    const { stakes, params } = committeeSetup(mode, n);
    const W = stakes.reduce((a, b) => a + b, 0n);
    const t0 = performance.now();
    const r = new Simulation(scenarioConfig({ n, mode, fault, seed: "bench", targetHeight: heights })).run();
    const wall = (performance.now() - t0) / 1000;
    const tau = params.committeeTau >= W ? "≥ W" : params.committeeTau.toString();
    console.log(
      `| ${n} | ${mode} | ${W} | ${tau} | ${r.roundsPerHeight.mean.toFixed(2)} | ${r.broadcastsPerHeight.toFixed(0)} | ${r.messagesPerHeight.toFixed(0)} | ${(r.bytesPerHeight / 1024).toFixed(0)} KiB | ${r.finalityLatencyMs.p50.toFixed(0)} / ${r.finalityLatencyMs.max.toFixed(0)} | ${r.heightsPerSecond.toFixed(2)} | ${wall.toFixed(1)} | ${r.forks.length} |`,
    );
  }
}
