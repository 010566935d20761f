// The block-sync and status protocols between real nodes, and against raw hostile hosts that
// break the wire format on purpose: the requester must time out, refuse oversized or malformed
// responses without allocating what they claim, and ban the peer; the responder must survive bad
// requests.
import type { Stream } from "@libp2p/interface";
import { afterEach, describe, expect, it } from "vitest";
import type { P2PNetwork } from "../../src/p2p/network.js";
import { PeerRequestError, statusProtocol, syncBlocksProtocol, type BlockSource } from "../../src/p2p/sync-protocol.js";
import { encodeBlocksRequest, type SyncItem } from "../../src/p2p/sync-codec.js";
import { CHAIN_ID, Harness, addrOf, dialNet, sleep, waitFor } from "../helpers/p2p.js";

const h = new Harness();
afterEach(() => h.cleanup());

/** A chain of `height` blocks; block i's bytes start with i (u32) and are `blockBytes` long. */
function chain(height: number, blockBytes = 100): BlockSource & { item(height: number): SyncItem } {
  const item = (i: number): SyncItem => {
    const block = new Uint8Array(blockBytes).fill(i & 0xff);
    new DataView(block.buffer).setUint32(0, i);
    return { block, certificate: new Uint8Array(64).fill(0xc0) };
  };
  return {
    item,
    getBlocks(from, count) {
      const out: SyncItem[] = [];
      for (let i = Number(from); i < Number(from) + count && i <= height; i++) if (i >= 1) out.push(item(i));
      return out;
    },
    getStatus: () => ({ headHeight: BigInt(height), headHash: new Uint8Array(32).fill(height & 0xff) }),
  };
}

const heightOf = (item: SyncItem) => new DataView(item.block.buffer, item.block.byteOffset).getUint32(0);

async function connected(a: P2PNetwork, b: P2PNetwork): Promise<void> {
  await waitFor("connection", () => a.peers().includes(b.peerId) && b.peers().includes(a.peerId));
}

async function failure(p: Promise<unknown>): Promise<PeerRequestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof PeerRequestError)) throw new Error(`expected a PeerRequestError, got ${String(err)}`);
  return err;
}

/** Writes the frames and closes, ignoring a requester that hangs up first. */
async function respond(stream: Stream, frames: Uint8Array[]): Promise<void> {
  try {
    for (const f of frames) if (!stream.send(f)) await stream.onDrain();
    await stream.close();
  } catch {
    // the requester aborted: expected for the oversized cases
  }
}

const MiB3 = 3 * 1024 * 1024;
const u16 = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

describe("sync protocol", () => {
  it("serves ranges, caps the count at 128, stops at the chain end and at the response size cap; status gives the head", async () => {
    const source = chain(300);
    const S = await h.net("S", { blockSource: source });
    const big = await h.net("BIG", { blockSource: chain(20, 1024 * 1024) });
    const C = await h.net("C", { bootnodes: [addrOf(S), addrOf(big)] });
    await connected(C, S);
    await connected(C, big);

    const ten = await C.requestBlocks(S.peerId, 1n, 10);
    expect(ten.map(heightOf)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ten[3]).toEqual(source.item(4));

    const capped = await C.requestBlocks(S.peerId, 5n, 1000);
    expect(capped).toHaveLength(128);
    expect(heightOf(capped[0]!)).toBe(5);
    expect(heightOf(capped[127]!)).toBe(132);

    expect((await C.requestBlocks(S.peerId, 290n, 50)).map(heightOf)).toEqual([290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300]);
    expect(await C.requestBlocks(S.peerId, 301n, 5)).toEqual([]);

    // 1 MiB blocks: 15 fit under the 16 MiB response cap; the rest are for the next request.
    const partial = await C.requestBlocks(big.peerId, 1n, 20);
    expect(partial.map(heightOf)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));

    const status = await C.requestStatus(S.peerId);
    expect(status.headHeight).toBe(300n);
    expect(status.headHash).toEqual(new Uint8Array(32).fill(300 & 0xff));
    expect(C.score(S.peerId)).toBeGreaterThanOrEqual(0);
  });

  it("reports a responder's own failure as unavailable without blaming it, and an unknown peer likewise", async () => {
    const S = await h.net("S", {
      blockSource: {
        getBlocks: () => {
          throw new Error("database closed");
        },
        getStatus: () => ({ headHeight: 1n, headHash: new Uint8Array(32) }),
      },
    });
    const C = await h.net("C", { bootnodes: [addrOf(S)] });
    await connected(C, S);
    const err = await failure(C.requestBlocks(S.peerId, 1n, 4));
    expect(err.failure).toBe("unavailable");
    expect(C.isBanned(S.peerId)).toBe(false);
    expect(C.score(S.peerId)).toBe(0);
    expect((await failure(C.requestStatus("12D3KooWNotConnected"))).failure).toBe("unavailable");
  });

  it("times out on a silent responder and bans malformed, oversized or overlong ones", async () => {
    // The silent case needs a short deadline; the malformed ones fail on their bytes, not the clock,
    // so their client waits long enough for 16 MiB to cross a loaded machine (at 800 ms the flood case
    // once ended as a timeout at load average 15).
    const T = await h.net("T", { timeouts: { blocksRequestMs: 800, statusRequestMs: 800 } });
    const C = await h.net("C", { timeouts: { blocksRequestMs: 20_000, statusRequestMs: 20_000 } });
    /** A raw host that answers the sync and status protocols with `frames` (or never, if null). */
    const hostile = async (frames: Uint8Array[] | null, status: Uint8Array[] | null = null, client = C) => {
      const R = await h.raw();
      const serve = (out: Uint8Array[] | null) => (stream: Stream) => (out === null ? undefined : respond(stream, out));
      await R.handle(syncBlocksProtocol(CHAIN_ID), serve(frames));
      await R.handle(statusProtocol(CHAIN_ID), serve(status));
      await dialNet(R, client);
      const id = R.peerId.toString();
      await waitFor("hostile peer connected", () => client.peers().includes(id));
      return id;
    };

    // Silent: the request times out on our deadline and costs the peer nothing (slowness may be
    // load; a dead peer is dropped by libp2p's connection monitor).
    const silent = await hostile(null, null, T);
    const t0 = Date.now();
    const timeout = await failure(T.requestBlocks(silent, 1n, 2));
    expect(timeout.failure).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await failure(T.requestStatus(silent))).failure).toBe("timeout");
    expect(T.isBanned(silent)).toBe(false);
    expect(T.score(silent)).toBe(0);

    const item = [u32(3), new Uint8Array([1, 2, 3]), u32(1), new Uint8Array([9])];
    const cases: Array<[string, Uint8Array[], RegExp, number?]> = [
      ["a 4 GiB block length", [u16(1), u32(0xffffffff), new Uint8Array(16)], /block length 4294967295 outside/],
      ["a 1 GiB certificate length", [u16(1), u32(3), new Uint8Array(3), u32(1 << 30)], /certificate length 1073741824 exceeds/],
      ["more items than requested", [u16(3), ...item, ...item, ...item], /3 items, 2 were requested/],
      ["a truncated item", [u16(2), ...item, u32(100), new Uint8Array(10)], /stream ended after 10 of 100/],
      ["trailing bytes", [u16(1), ...item, new Uint8Array([0xde, 0xad])], /unexpected bytes after the end/],
      ["an empty response", [], /stream ended after 0 of 2/],
      // 21 MiB of plausible 3 MiB blocks for a 128-block request: cut off at the 16 MiB response cap.
      ["a flood past the response cap", [u16(128), ...Array.from({ length: 7 }, () => [u32(MiB3), new Uint8Array(MiB3), u32(0)]).flat()], /more than the 16777216-byte limit/, 128],
    ];
    for (const [what, frames, reason, count = 2] of cases) {
      const peer = await hostile(frames);
      const err = await failure(C.requestBlocks(peer, 1n, count));
      expect(err.failure, what).toBe("protocol");
      expect(err.message, what).toMatch(reason);
      expect(C.isBanned(peer), what).toBe(true);
      await waitFor(`${what}: peer disconnected`, () => !C.peers().includes(peer));
    }

    const badStatus = await hostile(null, [new Uint8Array(39)]);
    const statusErr = await failure(C.requestStatus(badStatus));
    expect(statusErr.failure).toBe("protocol");
    expect(C.isBanned(badStatus)).toBe(true);
  });

  it("the responder survives malformed, silent and oversized requests and clamps the count itself", async () => {
    const S = await h.net("S", { blockSource: chain(200), timeouts: { serveReadMs: 300 } });
    const X = await h.raw();
    await dialNet(X, S);
    const target = X.getConnections()[0]!.remotePeer; // S, as X sees it
    const readAll = async (stream: Stream) => {
      const chunks: Uint8Array[] = [];
      try {
        for await (const c of stream) chunks.push(c.subarray());
      } catch {
        // reset by the responder
      }
      return Buffer.concat(chunks);
    };

    // A raw request for 1000 blocks gets 128.
    const many = await X.dialProtocol(target, syncBlocksProtocol(CHAIN_ID));
    many.send(encodeBlocksRequest({ fromHeight: 1n, count: 1000 }));
    await many.close();
    expect((await readAll(many)).readUInt16BE(0)).toBe(128);

    // Too short, too long, and silent: each stream is dropped; the node carries on.
    const short = await X.dialProtocol(target, syncBlocksProtocol(CHAIN_ID));
    short.send(new Uint8Array([1, 2, 3]));
    await short.close();
    expect((await readAll(short)).length).toBe(0);

    const long = await X.dialProtocol(target, syncBlocksProtocol(CHAIN_ID));
    long.send(new Uint8Array(11));
    expect((await readAll(long)).length).toBe(0);

    const silent = await X.dialProtocol(target, syncBlocksProtocol(CHAIN_ID));
    const t0 = Date.now();
    expect((await readAll(silent)).length).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1_500);

    await expect(X.dialProtocol(target, `/verity/${CHAIN_ID}/sync/blocks/2`)).rejects.toThrow();
    await sleep(50);
    expect(h.logged(new RegExp(`\\[S\\] peer penalized peer=${X.peerId.toString()} reason="sync request: `)).length).toBe(2);

    // An honest requester is still served.
    const C = await h.net("C", { bootnodes: [addrOf(S)] });
    await connected(C, S);
    expect(await C.requestBlocks(S.peerId, 200n, 10)).toHaveLength(1);
  });
});
