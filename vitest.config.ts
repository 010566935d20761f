import { defineConfig } from "vitest/config";

// Tests run real parts (LevelDB in temp dirs, HTTP servers on 127.0.0.1), so give them room; the
// two-core CI machines are shared, so keep parallelism modest. The benchmark smoke run
// (test/bench/smoke-all.test.ts) starts nodes, anvil and the simulator at once: it runs after this
// suite, alone (vitest.smoke.config.ts), so its load never starves the timing-sensitive network tests.
export const SMOKE_TEST = "test/bench/smoke-all.test.ts";
/** The short soak (five nodes and their faults) runs there too, for the same reason. */
export const SOAK_TEST = "test/bench/soak.test.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", SMOKE_TEST, SOAK_TEST],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
