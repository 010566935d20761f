// Simulator sweep, N = 4: every fault scenario, both committee modes, 8 seed(s) each
// (144 runs, target height 6). Byzantine stake stays below 1/3 (see scenarios.ts).
import { describeSweep } from "../helpers/sim-fixtures.js";

describeSweep(4, 8, 6);
