import { defineConfig } from "vitest/config";
import base, { SMOKE_TEST, SOAK_TEST } from "./vitest.config.js";

// The benchmark harness's CI smoke run and the short soak, alone and one at a time (see vitest.config.ts);
// `npm test` runs them after the suite.
export default defineConfig({
  test: { ...base.test, include: [SMOKE_TEST, SOAK_TEST], exclude: ["**/node_modules/**"], maxWorkers: 1 },
});
