import { defineConfig } from "vitest/config";
import base, { SMOKE_TEST } from "./vitest.config.js";

// The benchmark harness's CI smoke run, alone (see vitest.config.ts); `npm test` runs it after the suite.
export default defineConfig({
  test: { ...base.test, include: [SMOKE_TEST], exclude: ["**/node_modules/**"], maxWorkers: 1 },
});
