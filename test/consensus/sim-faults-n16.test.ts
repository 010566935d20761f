// Simulator sweep, N = 16: every fault scenario, both committee modes, 3 seed(s) each
// (54 runs, target height 5). Byzantine stake stays below 1/3 (see scenarios.ts).
import { describeSweep } from "../helpers/sim-fixtures.js";

describeSweep(16, 3, 5);
