// Simulator sweep, N = 100: every fault scenario, both committee modes, 1 seed(s) each
// (18 runs, target height 3). Byzantine stake stays below 1/3 (see scenarios.ts).
import { describeSweep } from "../helpers/sim-fixtures.js";

describeSweep(100, 1, 3);
