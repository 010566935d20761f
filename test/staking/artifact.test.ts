// The committed system-contract artifacts are what contracts/*.sol compile to with the pinned solc:
// running the node needs no compiler, and an artifact cannot drift from its source.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ARTIFACTS, compileArtifact } from "../../contracts/build.js";

describe("the system-contract artifacts", () => {
  for (const a of ARTIFACTS) {
    it(`${a.contract} matches a fresh compilation of contracts/${a.source} (run \`npm run build:contracts\` after editing it)`, () => {
      expect(readFileSync(a.artifactPath, "utf8")).toBe(compileArtifact(a));
    }, 120_000);
  }
});
