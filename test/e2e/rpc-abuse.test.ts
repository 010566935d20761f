// Abuse of the JSON-RPC listener (issue 15), against a real node: oversized bodies and headers,
// deeply nested JSON, batches over the cap, a flood of connections past the listener's cap, WebSocket
// subscriptions past the per-connection cap, a filter flood, and a WebSocket client that stops reading
// while its answers pile up. Each gets a bounded, clear refusal, and the node keeps serving everyone
// else throughout. All traffic is on 127.0.0.1 and every loop is bounded.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "@ethereumjs/util";
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_BODY_BYTES } from "../../src/rpc/server.js";
import { DEFAULT_RPC_LIMITS } from "../../src/rpc/methods/types.js";
import { MAX_SEND_BACKLOG_BYTES } from "../../src/rpc/ws.js";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

/** Small caps for this node, so the flood tests stay small (the defaults are the same code path). */
const MAX_CONNECTIONS = 64;
const MAX_FILTERS = 1_500;

let n: RpcTestNode;
let rpc: RpcClient;
const sockets: Socket[] = [];

beforeAll(async () => {
  n = await startRpcTestNode({ rpc: { maxConnections: MAX_CONNECTIONS, maxFilters: MAX_FILTERS } });
  rpc = new RpcClient(n.url);
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await n?.stop();
});

/** The node answers an ordinary request (what every abuse must leave working). */
async function stillServes(): Promise<void> {
  expect(await rpc.call("eth_chainId")).toBe("0x7a69");
}

async function post(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(n.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, text: await response.text() };
}

/** A raw TCP connection to the RPC port (resolves once connected, or null if the server closed it). */
function rawConnection(): Promise<Socket> {
  const { hostname, port } = new URL(n.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.on("error", reject);
    sockets.push(socket);
  });
}

/** Resolves with whether `socket` was closed by the server within `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readyState === "closed") return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** A minimal WebSocket client on a raw socket (RFC 6455 client frames), so a test can stop reading at will. */
class RawWebSocket {
  private constructor(readonly socket: Socket) {}

  static async open(): Promise<RawWebSocket> {
    const socket = await rawConnection();
    const { host } = new URL(n.url);
    socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await new Promise<void>((resolve, reject) => {
      let head = "";
      const onData = (chunk: Buffer) => {
        head += chunk.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        socket.off("data", onData);
        if (head.startsWith("HTTP/1.1 101")) resolve();
        else reject(new Error(`upgrade refused: ${head.split("\r\n")[0]}`));
      };
      socket.on("data", onData);
    });
    return new RawWebSocket(socket);
  }

  /** Sends one masked text frame. */
  send(text: string): void {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : length < 65536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]) : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigEndian64(length)]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    this.socket.write(Buffer.concat([header, mask, masked]));
  }
}

function bigEndian64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

describe("HTTP abuse", () => {
  it("a body over the limit: 413 with a JSON-RPC error, nothing parsed", async () => {
    const { status, text } = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "web3_sha3", params: ["0x" + "ab".repeat(DEFAULT_MAX_BODY_BYTES / 2)] }));
    expect(status).toBe(413);
    expect(JSON.parse(text)).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: `request body too large: at most ${DEFAULT_MAX_BODY_BYTES} bytes` } });
    await stillServes();
  });

  it("headers over node's 16 KiB limit: 431, the connection closed", async () => {
    const socket = await rawConnection();
    const { host } = new URL(n.url);
    const answer = new Promise<string>((resolve) => socket.once("data", (d) => resolve(d.toString("latin1"))));
    socket.write(`POST / HTTP/1.1\r\nHost: ${host}\r\nX-Filler: ${"a".repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`);
    expect((await answer).split("\r\n")[0]).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(await closedWithin(socket, 5_000)).toBe(true);
    await stillServes();
  });

  it("JSON nested a million deep, as the body and inside params: a JSON-RPC error, no crash", async () => {
    const depth = 1_000_000;
    const nested = "[".repeat(depth) + "]".repeat(depth);
    const whole = await post(nested);
    expect(whole.status).toBe(200);
    // A batch of one request that is not an object.
    expect(JSON.parse(whole.text)).toEqual([{ jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request: expected an object" } }]);
    for (const method of ["eth_getLogs", "eth_call", "eth_signTypedData_v4", "eth_subscribe"]) {
      const inParams = await post(`{"jsonrpc":"2.0","id":1,"method":"${method}","params":[${nested}]}`);
      expect(inParams.status).toBe(200);
      expect((JSON.parse(inParams.text) as { error: { code: number } }).error.code, method).toBe(-32602);
    }
    const objects = await post(`{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[${'{"a":'.repeat(200_000)}1${"}".repeat(200_000)}]}`);
    expect(objects.status).toBe(200);
    await stillServes();
  });

  it("a batch over the cap is refused whole; one at the cap is answered in full", async () => {
    const request = (id: number) => ({ jsonrpc: "2.0", id, method: "eth_chainId" });
    const over = await post(JSON.stringify(Array.from({ length: DEFAULT_MAX_BATCH_SIZE + 1 }, (_, i) => request(i))));
    expect(JSON.parse(over.text)).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: `batch too large: ${DEFAULT_MAX_BATCH_SIZE + 1} requests, at most ${DEFAULT_MAX_BATCH_SIZE} allowed` } });
    const at = await post(JSON.stringify(Array.from({ length: DEFAULT_MAX_BATCH_SIZE }, (_, i) => request(i))));
    expect(JSON.parse(at.text)).toHaveLength(DEFAULT_MAX_BATCH_SIZE);
  });

  it("a filter flood stops at the cap with a clear error, and uninstalling frees room", async () => {
    const installed: string[] = [];
    let refused: { code: number; message: string } | undefined;
    // Batches of 1,000 until the cap is reached.
    for (let round = 0; round < Math.ceil(MAX_FILTERS / DEFAULT_MAX_BATCH_SIZE) + 1 && refused === undefined; round++) {
      const batch = Array.from({ length: DEFAULT_MAX_BATCH_SIZE }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_newBlockFilter" }));
      const replies = JSON.parse((await post(JSON.stringify(batch))).text) as Array<{ result?: string; error?: { code: number; message: string } }>;
      for (const r of replies) {
        if (r.result !== undefined) installed.push(r.result);
        else refused ??= r.error;
      }
    }
    expect(installed).toHaveLength(MAX_FILTERS);
    expect(refused?.code).toBe(-32000);
    expect(refused?.message).toMatch(/filter/i);
    expect(await rpc.call("eth_uninstallFilter", [installed[0]])).toBe(true);
    expect(await rpc.call<string>("eth_newBlockFilter")).toMatch(/^0x/);
    for (let i = 1; i < installed.length; i += DEFAULT_MAX_BATCH_SIZE) {
      const batch = installed.slice(i, i + DEFAULT_MAX_BATCH_SIZE).map((id, j) => ({ jsonrpc: "2.0", id: j, method: "eth_uninstallFilter", params: [id] }));
      await post(JSON.stringify(batch));
    }
  });
});

describe("connection floods", () => {
  it("connections past the listener's cap are closed on arrival; the held ones and later clients are served", async () => {
    const held: Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) held.push(await rawConnection());
    // The listener is full: a new connection is accepted by the kernel and closed by the server at once.
    const extra = await Promise.all(Array.from({ length: 8 }, () => rawConnection()));
    const closed = await Promise.all(extra.map((s) => closedWithin(s, 5_000)));
    expect(closed.every(Boolean)).toBe(true);
    // A held connection still gets answers.
    const first = held[0]!;
    const reply = new Promise<string>((resolve) => first.once("data", (d) => resolve(d.toString("latin1"))));
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });
    first.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(await reply).toMatch(/^HTTP\/1\.1 200[\s\S]*"result":"0x7a69"/);
    // Once the flood ends, everyone is served again.
    for (const s of held) s.destroy();
    const deadline = Date.now() + 10_000;
    let served = false;
    while (!served && Date.now() < deadline) served = await rpc.call("eth_chainId").then(() => true, () => false);
    expect(served).toBe(true);
  });

  it("subscriptions past the per-connection cap are refused with a clear error, the connection stays", async () => {
    const ws = new WebSocket(n.wsUrl);
    const replies: Array<{ id: number; result?: string; error?: { code: number; message: string } }> = [];
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as unknown;
      if (Array.isArray(m)) replies.push(...(m as typeof replies));
      else replies.push(m as (typeof replies)[number]);
    };
    await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
    const cap = DEFAULT_RPC_LIMITS.maxSubscriptionsPerConnection;
    ws.send(JSON.stringify(Array.from({ length: cap + 5 > DEFAULT_MAX_BATCH_SIZE ? DEFAULT_MAX_BATCH_SIZE : cap + 5 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_subscribe", params: ["newHeads"] }))));
    if (cap + 5 > DEFAULT_MAX_BATCH_SIZE) ws.send(JSON.stringify(Array.from({ length: cap + 5 - DEFAULT_MAX_BATCH_SIZE }, (_, i) => ({ jsonrpc: "2.0", id: DEFAULT_MAX_BATCH_SIZE + i, method: "eth_subscribe", params: ["newHeads"] }))));
    const deadline = Date.now() + 20_000;
    while (replies.length < cap + 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(replies.filter((r) => r.result !== undefined)).toHaveLength(cap);
    const refused = replies.filter((r) => r.error !== undefined);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.error!.message).toMatch(/subscription/i);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 99_999, method: "eth_chainId" }));
    while (!replies.some((r) => r.id === 99_999) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(replies.find((r) => r.id === 99_999)?.result).toBe("0x7a69");
    ws.close();
  });
});

describe("a WebSocket client that stops reading", () => {
  it("is closed once its unsent backlog passes the bound; other clients are served meanwhile", async () => {
    // A block whose full form is ~240 KB of JSON: a transaction carrying 120 KB of calldata.
    const hash = await rpc.call<string>("eth_sendTransaction", [{ from: DEV[7]!.address, to: DEV[8]!.address, data: bytesToHex(randomBytes(120_000)), gas: "0x7a1200" }]);
    const { blockNumber } = await rpc.receipt(hash);
    const slow = await RawWebSocket.open();
    slow.socket.pause();
    const request = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: [blockNumber, true] });
    // Enough answers to pass the backlog bound plus what the kernel's socket buffers absorb.
    const requests = Math.ceil((MAX_SEND_BACKLOG_BYTES + 32 * 1024 * 1024) / 240_000);
    for (let i = 0; i < requests; i++) slow.send(request);
    // Meanwhile an ordinary client is answered, again and again.
    for (let i = 0; i < 20; i++) await stillServes();
    // The server gave up on the slow one: behind what it had queued comes a close frame, 1008 "client
    // too slow" (the answers are ASCII JSON, so the frame's 0x88 byte cannot occur inside them).
    const closeFrame = Buffer.from([0x88, 2 + "client too slow".length, 0x03, 0xf0, ...Buffer.from("client too slow")]);
    let tail = Buffer.alloc(0);
    let received = 0;
    const sawClose = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 20_000);
      slow.socket.on("data", (chunk: Buffer) => {
        received += chunk.length;
        tail = Buffer.concat([tail.subarray(-closeFrame.length), chunk]);
        if (tail.includes(closeFrame)) {
          clearTimeout(t);
          resolve(true);
        }
      });
    });
    slow.socket.resume();
    expect(await sawClose).toBe(true);
    // It was cut off: fewer answers than it asked for reached it.
    expect(received).toBeLessThan(requests * 240_000);
    await stillServes();
  }, 90_000);
});
