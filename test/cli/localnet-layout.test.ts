// The layout `verity localnet` starts: where its N + 1 nodes outnumber the machine's cores, none of
// them runs a sender-recovery worker and each runs V8 with one platform thread (no core is spare for
// helper threads; measured: 7 % fewer tx/s with the workers, 6 % fewer with V8's default pool).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli, UsageError, type LocalnetArgs } from "../../src/cli/args.js";
import { prepareLocalnet } from "../../src/cli/localnet.js";
import { parseGenesis } from "../../src/chain/genesis-json.js";

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

  it("--dev.gaslimit sets the block gas limit of the genesis every node is given; 30,000,000 without it", () => {
    const localnet = (...argv: string[]) => parseCli(["localnet", ...argv]) as LocalnetArgs;
    expect(localnet("--dev.gaslimit", "60000000").devGasLimit).toBe(60_000_000n);
    expect(localnet().devGasLimit).toBeUndefined();
    expect(() => localnet("--dev.gaslimit", "20999")).toThrow(UsageError);
    expect(() => localnet("--dev.gaslimit", "6e7")).toThrow(/--dev\.gaslimit: expected 21000\.\.1000000000 gas/);
    for (const [gasLimit, expected] of [[60_000_000n, 60_000_000n], [undefined, 30_000_000n]] as const) {
      const dir = mkdtempSync(join(tmpdir(), "verity-layout-"));
      dirs.push(dir);
      const layout = prepareLocalnet({ dir, validators: 2, httpPort: 18545, p2pPort: 19545, ...(gasLimit !== undefined ? { gasLimit } : {}) });
      expect(layout.gasLimit).toBe(expected);
      for (const n of layout.nodes) expect(parseGenesis(readFileSync(join(n.datadir, "genesis.json"), "utf8")).params.gasLimit).toBe(expected);
    }
  });
});
