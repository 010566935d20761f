// Real nodes for the RPC tests, with the options startTestNode does not expose (a WebSocket port, no
// unlocked accounts, RPC caps), and a minimal fetch-based JSON-RPC client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { VerityNode, type NodeOptions } from "../../src/node/node.js";
import { silentLogger } from "../../src/util/logger.js";

export interface RpcTestNode {
  node: VerityNode;
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

export interface RpcTestNodeOptions {
  /** Unlock the dev accounts (default true). */
  devAccounts?: boolean;
  /** Open a WebSocket listener of its own on a free port. */
  wsPort?: boolean;
  corsDomains?: string[];
  apis?: string[];
  rpc?: NodeOptions["rpc"];
  /** Serve metrics (and /health, /ready) on a free port of their own (see node.metricsUrl). */
  metrics?: boolean;
}

export async function startRpcTestNode(opts: RpcTestNodeOptions = {}): Promise<RpcTestNode> {
  const datadir = mkdtempSync(join(tmpdir(), "verity-rpc-test-"));
  const genesis = devGenesis();
  const node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: opts.corsDomains ?? ["*"], vhosts: ["*"], ...(opts.apis ? { apis: opts.apis } : {}) },
    ...(opts.wsPort ? { ws: { host: "127.0.0.1", port: 0 } } : {}),
    ...(opts.rpc ? { rpc: opts.rpc } : {}),
    ...(opts.metrics ? { metrics: { host: "127.0.0.1", port: 0 } } : {}),
    blockTimeMs: 0,
    devAccounts: opts.devAccounts === false ? [] : deriveDevAccounts().map((a) => a.address),
    validators: genesis.validators.map((_, i) => devValidatorKeys(i)),
    logger: silentLogger,
  });
  if (node.wsUrl === null) throw new Error("the node serves no WebSocket");
  return {
    node,
    url: node.rpcUrl,
    wsUrl: node.wsUrl,
    async stop() {
      await node.stop();
      rmSync(datadir, { recursive: true, force: true });
    },
  };
}

/** The dev accounts as lowercase hex addresses with their keys (the public anvil/hardhat keys). */
export const DEV = deriveDevAccounts(10).map((a) => ({ address: bytesToHex(a.address), key: bytesToHex(a.privateKey) }));

export interface RpcReply {
  result?: unknown;
  error?: { code: number; message: string; data?: string };
}

/** A receipt as JSON, with the fields the tests read typed. */
export type Receipt = Record<string, unknown> & { status: string; blockNumber: string; blockHash: string; gasUsed: string };

export class RpcClient {
  private id = 0;
  constructor(readonly url: string) {}

  async raw(method: string, params: unknown[] = []): Promise<RpcReply> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }),
    });
    return (await response.json()) as RpcReply;
  }

  /** The result, or a thrown Error carrying the JSON-RPC error. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const reply = await this.raw(method, params);
    if (reply.error) throw Object.assign(new Error(`${method}: ${reply.error.message}`), { rpc: reply.error });
    return reply.result as T;
  }

  /** Polls until the transaction has a receipt (bounded: 30 s). */
  async receipt(hash: string): Promise<Receipt> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const receipt = await this.call<Record<string, unknown> | null>("eth_getTransactionReceipt", [hash]);
      if (receipt !== null) return receipt as Receipt;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`transaction ${hash} was not mined within 30 s`);
  }
}
