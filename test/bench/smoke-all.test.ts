// The CI smoke run of the benchmark harness: `npm run bench -- all --quick` end to end, as a user
// runs it (its own process, the real nodes, the real simulator). It checks that every scenario ran
// and wrote what the harness promises (raw JSON with the machine, a markdown table, SVG charts),
// and that no load lost or refused a transaction. It asserts no speed: the machines are shared.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "verity-bench-smoke-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface AllIndex {
  scenario: string;
  quick: boolean;
  scenarios: { scenario: string; status: string; reason: string | null; files: string[] }[];
}

describe("benchmark harness smoke run (npm run bench -- all --quick)", () => {
  it("runs every scenario and writes its JSON, table and charts", { timeout: 300_000 }, async () => {
    const run = await promisify(execFile)(process.execPath, ["--import", "tsx", "bench/main.ts", "all", "--quick", "--out", out], {
      cwd: ROOT,
      timeout: 290_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const indexFile = readdirSync(out).find((f) => /^all-.*\.json$/.test(f));
    expect(indexFile, run.stdout).toBeDefined();
    const index = JSON.parse(readFileSync(join(out, indexFile as string), "utf8")) as AllIndex;
    expect(index.quick).toBe(true);
    expect(index.scenarios.map((s) => s.scenario)).toEqual(["consensus", "execution", "localnet", "peers", "staking", "memory"]);
    for (const s of index.scenarios) {
      expect({ scenario: s.scenario, status: s.status, reason: s.reason }).toEqual({ scenario: s.scenario, status: "ok", reason: null });
      const files = s.files.map((f) => resolve(ROOT, f));
      for (const f of files) expect(existsSync(f), f).toBe(true);
      const json = files.find((f) => f.endsWith(".json"));
      const md = files.find((f) => f.endsWith(".md"));
      const svgs = files.filter((f) => f.endsWith(".svg"));
      expect(json && md && svgs.length > 0, `${s.scenario}: ${s.files.join(", ")}`).toBe(true);
      const result = JSON.parse(readFileSync(json as string, "utf8")) as { scenario: string; status: string; machine: Record<string, unknown>; data: unknown };
      expect(result.scenario).toBe(s.scenario);
      expect(result.data).not.toBeNull();
      expect(result.machine).toMatchObject({ cores: expect.any(Number), cpuModel: expect.any(String), node: expect.stringMatching(/^v2[2-9]\./) });
      expect(String(result.machine.gitCommit)).toMatch(/^[0-9a-f]{40}$|^unknown$/);
      expect(readFileSync(md as string, "utf8")).toMatch(/^\| .+ \|$/m);
      for (const svg of svgs) expect(readFileSync(svg, "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    }
  });
});
