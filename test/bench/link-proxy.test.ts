// The soak's link proxy (bench/soak/link-proxy.ts): a shaped link still delivers the byte stream
// whole and in order (a reordering delay line once broke every connection through it: per-chunk
// timers fire by the event loop's cached time), holds it for the delay, and a cut link drops its
// connections and refuses new ones until healed.
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinkProxy } from "../../bench/soak/link-proxy.js";
import { seededRandom } from "../../bench/soak/faults.js";

let echo: Server;
let echoPort: number;

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((res) => echo.listen(0, "127.0.0.1", () => res()));
  echoPort = (echo.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((res) => echo.close(() => res())));

function open(port: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = connect(port, "127.0.0.1", () => res(s));
    s.once("error", rej);
  });
}

/** Sends `chunks` one per event-loop turn and resolves with everything echoed back, and how long it took. */
async function roundTrip(s: Socket, chunks: Buffer[]): Promise<{ got: Buffer; ms: number }> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const t0 = performance.now();
  const received: Buffer[] = [];
  let size = 0;
  const done = new Promise<void>((res) =>
    s.on("data", (d: Buffer) => {
      received.push(d);
      size += d.length;
      if (size >= total) res();
    }),
  );
  for (const c of chunks) {
    s.write(c);
    await new Promise((r) => setImmediate(r));
  }
  await done;
  return { got: Buffer.concat(received), ms: performance.now() - t0 };
}

describe("link proxy", () => {
  it("delivers a shaped stream whole, in order, and late by the delay", async () => {
    const proxy = await LinkProxy.start(echoPort, seededRandom(1));
    proxy.setShape({ delayMs: 40, jitterMs: 30, lossPct: 20 });
    const s = await open(proxy.port);
    const chunks = Array.from({ length: 200 }, (_, i) => Buffer.from(`chunk-${i};`));
    // A busy node's wall clock moves on while its event loop's cached time stands still: here
    // Date.now() gains a millisecond at every call, which is what reordered the old delay line.
    const realNow = Date.now.bind(Date);
    let skew = 0;
    Date.now = () => realNow() + skew++;
    let result: { got: Buffer; ms: number };
    try {
      result = await roundTrip(s, chunks);
    } finally {
      Date.now = realNow;
    }
    const { got, ms } = result;
    expect(got.toString()).toBe(Buffer.concat(chunks).toString());
    // Both directions pass the delay line: at least twice the smallest delay (40 - 30 ms).
    expect(ms).toBeGreaterThanOrEqual(20);
    s.destroy();
    await proxy.close();
  });

  it("a cut drops open connections and refuses new ones; a heal lets them through again", async () => {
    const proxy = await LinkProxy.start(echoPort, seededRandom(2));
    const s = await open(proxy.port);
    const closed = new Promise<void>((res) => s.once("close", () => res()));
    s.on("error", () => undefined);
    proxy.setCut(true);
    await closed;
    const refused = await open(proxy.port);
    await new Promise<void>((res) => refused.once("close", () => res()));
    expect(proxy.refused).toBe(1);
    proxy.setCut(false);
    const again = await open(proxy.port);
    const { got } = await roundTrip(again, [Buffer.from("healed")]);
    expect(got.toString()).toBe("healed");
    again.destroy();
    await proxy.close();
  });
});
