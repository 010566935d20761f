// Fixed seeds give the same runs as the code before the simulator was made faster (issue 13): the
// trace hash (every delivery's time, sender, receiver, height and round, every commit's hash
// prefix) and the hash of the committed chain, recorded from main at b4502a8, before any of the
// speed work. A change that alters what the simulator or the engine does, even in one delivery's
// order, fails here. If behaviour is changed on purpose, record the new values and say why.

import { describe, expect, it } from "vitest";
import { simulationConfig } from "../../bench/scenarios/consensus-run.js";
import { scenarioConfig } from "../../src/consensus/sim/scenarios.js";
import { Simulation, type SimulationConfig } from "../../src/consensus/sim/simulator.js";

const GOLDEN: readonly [string, () => SimulationConfig, string, string][] = [
  ["N = 4, everyone, crash-restart", () => scenarioConfig({ n: 4, mode: "everyone", fault: "crash-restart", seed: "sweep-0", targetHeight: 6 }), "5a63caae43290f99:285", "a23767a359dcb3277d7f697f32cf26c1de166edfc9dc25ed524a115004ed4c99"],
  ["N = 16, everyone, partition", () => scenarioConfig({ n: 16, mode: "everyone", fault: "partition", seed: "sweep-0", targetHeight: 5 }), "ca9af26041ffa5ee:10269", "fabf6df7ea64fc13c8bb24ea6fb9165e8a46c37926e0a122e2db7e37b53f20cf"],
  ["N = 16, everyone, invalid-proposer", () => scenarioConfig({ n: 16, mode: "everyone", fault: "invalid-proposer", seed: "sweep-0", targetHeight: 5 }), "e10fd052501c9ffd:3653", "6c34f7e10e064f301e7d763963680096ca03a7796024e2da4e91ff369ff5e604"],
  ["N = 16, sampled, equivocating-proposer", () => scenarioConfig({ n: 16, mode: "sampled", fault: "equivocating-proposer", seed: "sweep-0", targetHeight: 5 }), "c5f2f8e5c4b3f92a:3370", "a7b43fdabbf2e9f80f32835460eabf51b67e4b8c1bb5f2bf05f536d862a16e29"],
  ["N = 16, sampled, mixed-byzantine", () => scenarioConfig({ n: 16, mode: "sampled", fault: "mixed-byzantine", seed: "sweep-0", targetHeight: 5 }), "81249218328058b7:3836", "3e3ac4f0c53f19ef11f7e7ebfb2a664ef8314cc81cc85fc6a89f6237c1d4489f"],
  ["N = 16, sampled, double-voter, epochs of 2", () => scenarioConfig({ n: 16, mode: "sampled", fault: "double-voter", seed: "sweep-0", targetHeight: 8, epochLength: 2 }), "c4ee79abc065d286:5182", "49459216b811de3371f7bf0734584334df799e99f55012b41dd3ca868b73e3a1"],
  ["N = 100, sampled, lossy", () => scenarioConfig({ n: 100, mode: "sampled", fault: "lossy", seed: "sweep-0", targetHeight: 3 }), "417ed3a5b2c29c5e:60930", "5ef243c26817c720f5e405d7626654d0fbf6c675d40a83706a603fbfaa8696bb"],
  [
    "bench: N = 64, WAN, sampled, 1,000-transfer blocks",
    () => simulationConfig({ n: 64, network: "WAN", mode: "sampled", heights: 3, blockTxs: 1000, seed: "bench-1", crypto: "simulated" }),
    "0064a61dad899447:26468",
    "ff19ad2b4ca2db0bd1b96aa106b5b62037e4d523b44e59ed627893f6b1b87d0c",
  ],
  [
    "bench: N = 64, LAN, sampled, no propose window",
    () => simulationConfig({ n: 64, network: "LAN", mode: "sampled", heights: 3, blockTxs: 1000, seed: "bench-1", crypto: "simulated", proposeWindow: false }),
    "8dca220c313c1bb0:26815",
    "6231a28514b02a2184a31d03564dec5a687d5283ee171254806298dd1b955f5a",
  ],
  [
    "bench speed run: N = 100, LAN, sampled, 2-transfer blocks, 20 heights",
    () => simulationConfig({ n: 100, network: "LAN", mode: "sampled", heights: 20, blockTxs: 2, seed: "bench-1", crypto: "simulated" }),
    "e9489a5d0dde1f11:432912",
    "c9c418f90393b927ab06d61f6d3b2289ca532acd730ed331ae787342ff287646",
  ],
];

describe("simulator runs recorded before the speed work", () => {
  it.each(GOLDEN)("%s: same trace and chain", (_name, config, traceHash, chainHash) => {
    const report = new Simulation(config()).run();
    expect(report.reachedTarget).toBe(true);
    expect(report.traceHash).toBe(traceHash);
    expect(report.chainHash).toBe(chainHash);
  });
});
