// The data dir's disk, read with statfs on a real temp dir: a warning once while it is nearly full,
// a stop asked once it is fuller than --datadir.minfreedisk, a node that will not start on a full
// disk (and leaves its data dir unlocked), and the free bytes as a metric.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { VerityNode, type NodeOptions } from "../../src/node/node.js";
import { watchDisk } from "../../src/node/disk-watch.js";
import { createLogger } from "../../src/util/logger.js";
import { scrape } from "../helpers/prometheus.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), "verity-disk-"));
  dirs.push(d);
  return d;
};
const freeNow = (dir: string) => {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
};
const NEVER = Number.MAX_SAFE_INTEGER;

function options(datadir: string, lines: string[], disk: NodeOptions["disk"], onFatal?: (r: string) => void): NodeOptions {
  const genesis = devGenesis({ validators: 1 });
  return {
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 0,
    devAccounts: [],
    validators: [devValidatorKeys(0)],
    metrics: { host: "127.0.0.1", port: 0 },
    ...(disk ? { disk } : {}),
    ...(onFatal ? { onFatal } : {}),
    logger: createLogger({ level: "warn", format: "json", write: (l) => lines.push(l) }),
  };
}

describe("disk watch", () => {
  it("warns once while the disk is below the warning mark, and asks once to stop below the minimum", async () => {
    const dir = dataDir();
    const lines: string[] = [];
    const logger = createLogger({ level: "warn", format: "json", write: (l) => lines.push(l) });
    const reasons: string[] = [];
    const nearly = await watchDisk({ datadir: dir, stopBelowBytes: 0, warnBelowBytes: NEVER, intervalMs: 20, logger, onFull: (r) => reasons.push(r) });
    await new Promise((r) => setTimeout(r, 120));
    nearly.stop();
    expect(lines.filter((l) => l.includes("disk nearly full"))).toHaveLength(1);
    expect(Math.abs(nearly.freeBytes() - freeNow(dir))).toBeLessThan(1 << 30);
    expect(reasons).toEqual([]);

    const full = await watchDisk({ datadir: dir, stopBelowBytes: NEVER, warnBelowBytes: NEVER, intervalMs: 20, logger, onFull: (r) => reasons.push(r) });
    await new Promise((r) => setTimeout(r, 120));
    full.stop();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(new RegExp(`^the disk holding ${dir} has [0-9]+ MB free, less than --datadir.minfreedisk [0-9]+ MB$`));
    const error = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.msg === "disk full: stopping the node cleanly");
    expect(error).toMatchObject({ level: "error", datadir: dir });
  });

  it("a node does not start on a full disk, and leaves its data dir free; on a roomy disk it reports the free bytes", async () => {
    const dir = dataDir();
    const lines: string[] = [];
    await expect(VerityNode.start(options(dir, lines, { minFreeBytes: NEVER }))).rejects.toThrow(/^not starting: the disk holding .* MB free, less than --datadir\.minfreedisk/);
    const fatal: string[] = [];
    const node = await VerityNode.start(options(dir, lines, { minFreeBytes: 1 }, (r) => fatal.push(r)));
    try {
      const m = await scrape(node.metricsUrl!);
      expect(m.types.get("verity_datadir_free_bytes")).toBe("gauge");
      expect(Math.abs(m.value("verity_datadir_free_bytes") - freeNow(dir))).toBeLessThan(1 << 30);
      expect(fatal).toEqual([]);
    } finally {
      await node.stop();
    }
  });
});
