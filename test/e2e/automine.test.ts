// Issue 12, item 10: with --block-time 0 (automine) the node seals a block only when the pool holds a
// transaction that block could take. One whose fee cap is below the next base fee waits without
// blocks being sealed around it (the node sealed about 30 empty blocks in 2 s for it before), and a
// priced one is still mined at once.
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";
import { transfer1559 } from "../helpers/txs.js";

let n: RpcTestNode;
let rpc: RpcClient;

beforeAll(async () => {
  n = await startRpcTestNode();
  rpc = new RpcClient(n.url);
}, 60_000);

afterAll(async () => {
  await n?.stop();
});

const height = async () => Number(await rpc.call<string>("eth_blockNumber"));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("leaves a transaction below the base fee in the pool without sealing blocks, and mines a priced one", async () => {
  const start = await height();
  const head = await rpc.call<{ baseFeePerGas: string }>("eth_getBlockByNumber", ["latest", false]);
  // The next base fee is at least 7/8 of the head's: half of it is below whatever comes next.
  const low = BigInt(head.baseFeePerGas) / 2n;
  const to = hexToBytes(DEV[0]!.address as `0x${string}`);
  const underpriced = transfer1559(hexToBytes(DEV[7]!.key as `0x${string}`), { nonce: 0n, to, maxFeePerGas: low, maxPriorityFeePerGas: low });
  const waiting = await rpc.call<string>("eth_sendRawTransaction", [bytesToHex(underpriced.serialize())]);
  expect((await rpc.call<{ pending: string }>("txpool_status")).pending).toBe("0x1");
  await sleep(1_000);
  expect(await height()).toBe(start);

  const priced = transfer1559(hexToBytes(DEV[8]!.key as `0x${string}`), { nonce: 0n, to });
  const receipt = await rpc.receipt(await rpc.call<string>("eth_sendRawTransaction", [bytesToHex(priced.serialize())]));
  expect(receipt.status).toBe("0x1");
  expect(Number(receipt.blockNumber)).toBeGreaterThan(start);
  // Nothing more is sealed for the one still waiting.
  await sleep(500);
  expect(await height()).toBe(Number(receipt.blockNumber));
  expect(await rpc.call("eth_getTransactionReceipt", [waiting])).toBeNull();
}, 30_000);
