// Every JSON-RPC method's parameters, fuzzed against a real node's HTTP server (LevelDB in a temp dir,
// the dev chain with a few committed transactions): random and mutated parameter lists never get
// -32603 (a handler threw something unforeseen), never hang, and get a bounded, clear error: -32602
// naming the argument (or what the method documents), -32000 for what geth answers so, 3 for a revert.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debugRawMethods, debugTraceMethods } from "../../src/rpc/methods/debug.js";
import { ethBlockMethods } from "../../src/rpc/methods/eth-blocks.js";
import { ethChainMethods } from "../../src/rpc/methods/eth-chain.js";
import { ethLogMethods } from "../../src/rpc/methods/eth-logs.js";
import { ethNodeMethods } from "../../src/rpc/methods/eth-node.js";
import { accessListMethods, ethProofMethods, ethStorageMethods } from "../../src/rpc/methods/eth-proof.js";
import { ethStateMethods } from "../../src/rpc/methods/eth-state.js";
import { filterMethods } from "../../src/rpc/methods/filters.js";
import { netMethods } from "../../src/rpc/methods/net.js";
import { signingMethods } from "../../src/rpc/methods/signing.js";
import { subscriptionMethods } from "../../src/rpc/methods/subscribe.js";
import { txpoolMethods } from "../../src/rpc/methods/txpool.js";
import { verityMethods } from "../../src/rpc/methods/verity.js";
import { verityConsensusMethods } from "../../src/rpc/methods/verity-consensus.js";
import { web3Methods } from "../../src/rpc/methods/web3.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";
import { FuzzTally, fuzzParams } from "./budget.js";
import { FIELD_NAMES, paramsFor, type ChainValues } from "./rpc-arbitraries.js";
import { mutatedValid, targeted } from "./rpc-valid-params.js";

const TABLES = [
  web3Methods, netMethods, ethChainMethods, ethStateMethods, ethBlockMethods, ethLogMethods, ethNodeMethods, ethStorageMethods,
  signingMethods, debugRawMethods, filterMethods, subscriptionMethods, ethProofMethods, debugTraceMethods, accessListMethods,
  txpoolMethods, verityMethods, verityConsensusMethods,
];
const METHODS = TABLES.flatMap((t) => Object.entries(t).map(([name, m]) => ({ name, arity: m.params.length })));

/** Inputs per method in CI: 69 methods x 24 = ~1,700 requests, ~15 s on the CI machine. */
const CI_RUNS = 24;
/** A request that takes longer than this is a hang (tracing's own cap is 60 s; the fuzzer asks 5 s at most). */
const REQUEST_TIMEOUT_MS = 30_000;
/** Error codes a bad parameter may get: invalid params, geth's server error, a revert, a limit, tracing absent. */
const EXPECTED_CODES = new Set([-32602, -32000, 3, -32005, -32601]);
/**
 * -32602 messages name what was wrong: the argument position or arity (params.ts), or the method's own
 * documented rule (geth's wording for log ranges, see eth-logs.ts; typed data, see eip712.ts).
 */
const NAMES_THE_ARGUMENT =
  /^(invalid argument \d+|missing value for required argument \d+|too many arguments|non-array args|invalid typed data|invalid block range params|block range extends beyond current head block|block range too large|pending logs are not supported)/;

let t: RpcTestNode;
let chain: ChainValues;
const tally = new FuzzTally("JSON-RPC parameters");

interface Reply {
  status: number;
  body: { result?: unknown; error?: { code: number; message: string } };
}

async function post(url: string, method: string, params: unknown): Promise<Reply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, ...(params === undefined ? {} : { params }) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: (await response.json()) as Reply["body"] };
}

beforeAll(async () => {
  t = await startRpcTestNode();
  const rpc = new RpcClient(t.url);
  // A few committed transactions, so hashes and numbers of real blocks and transactions are at hand.
  const txHashes: string[] = [];
  for (let i = 0; i < 3; i++) txHashes.push(await rpc.call<string>("eth_sendTransaction", [{ from: DEV[i]!.address, to: DEV[i + 1]!.address, value: "0x1" }]));
  const receipts = await Promise.all(txHashes.map((h) => rpc.receipt(h)));
  const rawTxs = await Promise.all(txHashes.map((h) => rpc.call<string>("debug_getRawTransaction", [h])));
  chain = { addresses: DEV.slice(0, 4).map((d) => d.address), blockHashes: receipts.map((r) => r.blockHash), txHashes, rawTxs };
}, 60_000);

afterAll(async () => {
  tally.print();
  await t?.stop();
});

describe("JSON-RPC parameter fuzzing", () => {
  it("covers every method the node serves", async () => {
    expect(METHODS.length).toBeGreaterThanOrEqual(67);
    // Each listed method is served: a call without parameters is answered by the method, not -32601.
    for (const { name } of METHODS) {
      const { body } = await post(t.url, name, []);
      expect(body.error?.message ?? "", name).not.toMatch(/does not exist/);
    }
  });

  it.each(METHODS)("$name: bad parameters get a clear error, never -32603 or a hang", async ({ name, arity }) => {
    const unclear: string[] = [];
    const aimed = targeted(name, chain);
    const inputs = fc.oneof(
      { weight: 1, arbitrary: paramsFor(arity, chain) },
      { weight: 2, arbitrary: mutatedValid(name, chain, FIELD_NAMES) },
      ...(aimed ? [{ weight: 3, arbitrary: aimed }] : []),
    );
    await fc.assert(
      fc.asyncProperty(inputs, async (params) => {
        tally.add(name);
        const { status, body } = await post(t.url, name, params);
        expect(status).toBe(200);
        if (body.error === undefined) return;
        const { code, message } = body.error;
        expect(code, `${name} ${message}`).not.toBe(-32603);
        expect(EXPECTED_CODES.has(code), `${name}: code ${code} (${message})`).toBe(true);
        expect(typeof message === "string" && message.length > 0 && message.length <= 1_024, `${name}: message of ${message?.length} chars`).toBe(true);
        if (code === -32602 && !NAMES_THE_ARGUMENT.test(message)) unclear.push(message);
      }),
      fuzzParams(CI_RUNS, name),
    );
    expect(unclear, `${name}: -32602 messages that do not say which argument`).toEqual([]);
  });

  it("leaves the node serving", async () => {
    const rpc = new RpcClient(t.url);
    const before = BigInt(await rpc.call<string>("eth_blockNumber"));
    const hash = await rpc.call<string>("eth_sendTransaction", [{ from: DEV[5]!.address, to: DEV[6]!.address, value: "0x1" }]);
    const receipt = await rpc.receipt(hash);
    expect(BigInt(receipt.blockNumber)).toBeGreaterThan(before);
  });
});
