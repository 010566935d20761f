import { defineConfig } from "vitest/config";

// Tests run real parts (LevelDB in temp dirs, HTTP servers on 127.0.0.1), so give them room; the
// two-core CI machines are shared, so keep parallelism modest.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
