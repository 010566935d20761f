// JSON-RPC over WebSocket against a real node: the dedicated --ws.port listener and the upgrade on the
// HTTP port, eth_subscribe for newHeads, logs (address/topic filtered) and newPendingTransactions,
// eth_unsubscribe, subscriptions ending with their connection, and refusal of foreign browser origins.
import { request } from "node:http";
import { encodeFunctionData, pad, parseAbi, toEventSelector, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProbe } from "../helpers/probe-contract.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

const abi = parseAbi(["function store(uint256 key, uint256 value)"]);
const STORED = toEventSelector("Stored(address,uint256,uint256)");

interface Message {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
  params?: { subscription: string; result: unknown };
}

/** A WebSocket JSON-RPC client that keeps every message it receives. */
class WsClient {
  readonly messages: Message[] = [];
  private id = 0;
  private constructor(private readonly socket: WebSocket) {
    socket.onmessage = (event) => {
      const parsed = JSON.parse(String(event.data)) as Message | Message[];
      this.messages.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    };
  }

  static async open(url: string): Promise<WsClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`cannot open ${url}`));
    });
    return new WsClient(socket);
  }

  /** Resolves when a message satisfying `match` has arrived (bounded: 15 s). */
  async until<T extends Message>(match: (m: Message) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const found = this.messages.find(match);
      if (found) return found as T;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("no matching WebSocket message within 15 s");
  }

  async call(method: string, params: unknown[] = []): Promise<Message> {
    const id = ++this.id;
    this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return this.until((m) => m.id === id);
  }

  notifications(subscription: string): unknown[] {
    return this.messages.filter((m) => m.method === "eth_subscription" && m.params?.subscription === subscription).map((m) => m.params!.result);
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => (this.socket.onclose = resolve));
    this.socket.close();
    await closed;
  }
}

let n: RpcTestNode;
let rpc: RpcClient;
let probe: string;
/** Block listeners the node has on its own, before any subscription. */
let baseline: number;

/** Waits (bounded) until the chain has `count` block listeners: connection ends are handled asynchronously. */
async function blockListeners(count: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  while (n.node.chain.listenerCount("block") !== count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return n.node.chain.listenerCount("block");
}

beforeAll(async () => {
  n = await startRpcTestNode({ wsPort: true, corsDomains: ["http://dapp.localhost"] });
  rpc = new RpcClient(n.url);
  baseline = n.node.chain.listenerCount("block");
  const hash = await rpc.call<string>("eth_sendTransaction", [{ from: DEV[0]!.address, data: compileProbe().bytecode }]);
  probe = (await rpc.receipt(hash)).contractAddress as string;
}, 60_000);

afterAll(async () => {
  await n?.stop();
});

describe("WebSocket subscriptions", () => {
  it("streams new heads, matching logs only, and pending transactions; a batch works too", async () => {
    expect(n.wsUrl).not.toBe(n.url.replace("http:", "ws:"));
    const ws = await WsClient.open(n.wsUrl);
    const batch = [
      { jsonrpc: "2.0", id: 101, method: "eth_chainId", params: [] },
      { jsonrpc: "2.0", id: 102, method: "eth_blockNumber", params: [] },
    ];
    // A batch is answered as one array message.
    (ws as unknown as { socket: WebSocket }).socket.send(JSON.stringify(batch));
    expect((await ws.until((m) => m.id === 101)).result).toBe("0x7a69");

    const heads = (await ws.call("eth_subscribe", ["newHeads"])).result as string;
    const key7 = pad(toHex(7n));
    const logs = (await ws.call("eth_subscribe", ["logs", { address: probe, topics: [STORED, null, key7] }])).result as string;
    const pending = (await ws.call("eth_subscribe", ["newPendingTransactions"])).result as string;
    const pendingFull = (await ws.call("eth_subscribe", ["newPendingTransactions", true])).result as string;
    expect(heads).toMatch(/^0x[0-9a-f]+$/);

    const store = (key: bigint, from: string) =>
      rpc.call<string>("eth_sendTransaction", [{ from, to: probe, data: encodeFunctionData({ abi, functionName: "store", args: [key, 1n] }) }]);
    const [matching, other] = await Promise.all([store(7n, DEV[1]!.address), store(8n, DEV[2]!.address)]);
    const receipt = await rpc.receipt(matching);
    await rpc.receipt(other);

    const head = (await ws.until((m) => m.params?.subscription === heads && (m.params.result as { number: string }).number === receipt.blockNumber))
      .params!.result as { hash: string; transactions?: unknown };
    expect(head.hash).toBe(receipt.blockHash);
    expect(head.transactions).toBeUndefined();
    await ws.until((m) => m.params?.subscription === logs);
    await ws.until((m) => m.params?.subscription === pendingFull && (m.params.result as { hash: string }).hash === other);
    const logged = ws.notifications(logs) as Array<{ transactionHash: string; topics: string[] }>;
    expect(logged.map((l) => l.transactionHash)).toEqual([matching]);
    expect(logged[0]!.topics[2]).toBe(key7);
    expect(ws.notifications(pending)).toEqual(expect.arrayContaining([matching, other]));
    const full = ws.notifications(pendingFull) as Array<{ hash: string; from: string; blockHash: null }>;
    expect(full.find((t) => t.hash === matching)).toMatchObject({ from: DEV[1]!.address, blockHash: null });
    await ws.close();
  });

  it("stops a subscription on eth_unsubscribe, and ends every one when the connection closes", async () => {
    expect(await blockListeners(baseline)).toBe(baseline); // the previous test's connection has ended
    const ws = await WsClient.open(n.url.replace("http:", "ws:")); // the HTTP port upgrades too
    const heads = (await ws.call("eth_subscribe", ["newHeads"])).result as string;
    await ws.call("eth_subscribe", ["logs", {}]);
    expect(n.node.chain.listenerCount("block")).toBe(baseline + 2);
    expect((await ws.call("eth_unsubscribe", [heads])).result).toBe(true);
    expect((await ws.call("eth_unsubscribe", [heads])).result).toBe(false);
    expect(n.node.chain.listenerCount("block")).toBe(baseline + 1);
    await rpc.receipt(await rpc.call<string>("eth_sendTransaction", [{ from: DEV[3]!.address, to: DEV[4]!.address, value: "0x1" }]));
    expect(ws.notifications(heads)).toEqual([]);
    await ws.close();
    expect(await blockListeners(baseline)).toBe(baseline);
  });

  it("refuses subscriptions over HTTP and unknown subscription kinds", async () => {
    expect((await rpc.raw("eth_subscribe", ["newHeads"])).error).toEqual({ code: -32601, message: "notifications not supported" });
    const ws = await WsClient.open(n.wsUrl);
    expect((await ws.call("eth_subscribe", ["syncingg"])).error).toMatchObject({ code: -32602, message: 'invalid argument 0: no "syncingg" subscription in eth namespace' });
    await ws.close();
  });

  it("refuses a WebSocket opened by a page of a foreign origin, and accepts an allowed one", async () => {
    const upgrade = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(n.wsUrl.replace("ws:", "http:"), {
          headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", Origin: origin },
        });
        req.on("upgrade", (response, socket) => {
          socket.destroy();
          resolve(response.statusCode ?? 0);
        });
        req.on("response", (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await upgrade("http://evil.example")).toBe(403);
    expect(await upgrade("http://dapp.localhost")).toBe(101);
  });
});
