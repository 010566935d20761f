// The committed staking-ledger artifact is what contracts/StakeHub.sol compiles to with the pinned
// solc: running the node needs no compiler, and the artifact cannot drift from its source.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ARTIFACT_PATH, compileStakeHub } from "../../contracts/build.js";

describe("the StakeHub artifact", () => {
  it("matches a fresh compilation of contracts/StakeHub.sol (run `npm run build:contracts` after editing it)", () => {
    expect(readFileSync(ARTIFACT_PATH, "utf8")).toBe(compileStakeHub());
  }, 120_000);
});
