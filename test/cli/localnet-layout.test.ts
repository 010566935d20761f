// The layout `verity localnet` starts: where its N + 1 nodes outnumber the machine's cores, none of
// them runs a sender-recovery worker and each runs V8 with one platform thread (no core is spare for
// helper threads; measured: 7 % fewer tx/s with the workers, 6 % fewer with V8's default pool).
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareLocalnet } from "../../src/cli/localnet.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("localnet layout", () => {
  it("turns the recovery workers off and V8's thread pool down exactly when the nodes outnumber the cores", () => {
    for (const validators of [1, 4, 64]) {
      const dir = mkdtempSync(join(tmpdir(), "verity-layout-"));
      dirs.push(dir);
      const { nodes } = prepareLocalnet({ dir, validators, httpPort: 18545, p2pPort: 19545 });
      expect(nodes).toHaveLength(validators + 1);
      const off = nodes.length >= availableParallelism();
      for (const n of nodes) {
        const at = n.args.indexOf("--sender-recovery-threads");
        if (off) expect(n.args.slice(at, at + 2)).toEqual(["--sender-recovery-threads", "0"]);
        else expect(at).toBe(-1);
        expect(n.nodeFlags).toEqual(off ? ["--v8-pool-size=1"] : []);
      }
    }
    // 65 nodes outnumber the cores of any machine this runs on: the last case always checks the flag.
    expect(65 >= availableParallelism()).toBe(true);
  });
});
