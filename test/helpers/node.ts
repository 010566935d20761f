// Starts a real verity node in this process: LevelDB in a temp dir, JSON-RPC on 127.0.0.1 (port 0).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { VerityNode, type NodeOptions } from "../../src/node/node.js";
import { createLogger, silentLogger } from "../../src/util/logger.js";

export interface TestNode {
  node: VerityNode;
  url: string;
  datadir: string;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export async function startTestNode(
  opts: { blockTimeMs?: number; datadir?: string; verbose?: boolean; txpool?: NodeOptions["txpool"] } = {},
): Promise<TestNode> {
  const datadir = opts.datadir ?? mkdtempSync(join(tmpdir(), "verity-test-"));
  const genesis = devGenesis();
  const node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: opts.blockTimeMs ?? 0,
    devAccounts: deriveDevAccounts().map((a) => a.address),
    validators: genesis.validators.map((_, i) => devValidatorKeys(i)),
    ...(opts.txpool ? { txpool: opts.txpool } : {}),
    logger: opts.verbose ? createLogger({ level: "debug" }) : silentLogger,
  });
  return {
    node,
    url: node.rpcUrl,
    datadir,
    async stop({ keepData = false } = {}) {
      await node.stop();
      if (!keepData) rmSync(datadir, { recursive: true, force: true });
    },
  };
}

/**
 * One dev validator (index `i`) in a node of its own, with libp2p on 127.0.0.1:`port` and the given
 * bootnodes: the multi-node tests' building block. `cleanups` gets the node's stop and its data dir's
 * removal, in the order to run them reversed.
 */
export async function startValidatorNode(
  i: number,
  p2p: { port: number; bootnodes: string[] },
  cleanups: Array<() => Promise<void>>,
  extra: Partial<NodeOptions> = {},
): Promise<VerityNode> {
  const datadir = mkdtempSync(join(tmpdir(), "verity-validator-"));
  cleanups.push(async () => rmSync(datadir, { recursive: true, force: true }));
  const node = await VerityNode.start({
    datadir,
    genesis: devGenesis(),
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 300,
    devAccounts: [],
    validators: [devValidatorKeys(i)],
    logger: silentLogger,
    p2p: { host: "127.0.0.1", port: p2p.port, bootnodes: p2p.bootnodes, maxPeers: 25 },
    ...extra,
  });
  cleanups.push(() => node.stop());
  return node;
}
