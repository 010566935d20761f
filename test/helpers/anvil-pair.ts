// verity's real RPC node and anvil (the reference client) side by side, for tests that send both the
// same transactions and compare the answers (anvil is started as bench/harness/nodes.ts starts it:
// the dev mnemonic, chain id 31337, automine).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startNode, target, type RunningNode } from "../../bench/harness/nodes.js";
import { startRpcTestNode, type RpcTestNode } from "./rpc-node.js";

export interface AnvilPair {
  verity: RpcTestNode;
  anvil: RunningNode;
  stop(): Promise<void>;
}

export async function startWithAnvil(): Promise<AnvilPair> {
  const verity = await startRpcTestNode();
  const anvilDir = mkdtempSync(join(tmpdir(), "verity-anvil-"));
  let anvil: RunningNode;
  try {
    anvil = await startNode(target("anvil", 0), join(anvilDir, "anvil"));
  } catch (e) {
    await verity.stop();
    rmSync(anvilDir, { recursive: true, force: true });
    throw e;
  }
  return {
    verity,
    anvil,
    async stop() {
      await verity.stop();
      await anvil.service.stop();
      rmSync(anvilDir, { recursive: true, force: true });
    },
  };
}

/** Starts the pair before the file's tests and stops it after them; read the nodes in the tests. */
export function withAnvil(): { readonly verity: RpcTestNode; readonly anvil: RunningNode } {
  let pair: AnvilPair | undefined;
  beforeAll(async () => {
    pair = await startWithAnvil();
  }, 120_000);
  afterAll(async () => {
    await pair?.stop();
  });
  const started = (): AnvilPair => {
    if (pair === undefined) throw new Error("the nodes are not started (read them inside a test)");
    return pair;
  };
  return {
    get verity() {
      return started().verity;
    },
    get anvil() {
      return started().anvil;
    },
  };
}
