// A peer that shuts down gracefully while we wait for its answer closes our request stream cleanly,
// with nothing sent: that is the connection going away, not a protocol violation, and must not get
// an honest peer (a validator restarting) banned. Found by the netns test, where a relay bug broke
// connections and every validator banned the others for "stream ended after 0 of 40 bytes".
// A peer that closes the stream without answering on a connection it keeps open is still banned
// (test/p2p/sync.test.ts covers that side).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { P2PNetwork, PeerRequestError, type BlockSource } from "../../src/p2p/index.js";
import { createLogger } from "../../src/util/logger.js";
import { sleep, waitUntil } from "../helpers/localnet.js";

const CHAIN_ID = 4242n;
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
});

async function start(label: string, logs: string[], o: { blockSource?: BlockSource; bootnodes?: string[] } = {}): Promise<P2PNetwork> {
  const datadir = mkdtempSync(join(tmpdir(), "verity-sync-shutdown-"));
  const net = await P2PNetwork.start({
    datadir,
    port: 0,
    chainId: CHAIN_ID,
    handlers: {},
    logger: createLogger({ level: "debug", component: label, write: (l) => logs.push(l) }),
    ...o,
  });
  stops.push(async () => {
    await net.stop();
    rmSync(datadir, { recursive: true, force: true });
  });
  return net;
}

describe("sync requests to a peer that shuts down", () => {
  it("a status or blocks request cut by the peer's graceful shutdown does not get it penalised", async () => {
    const logs: string[] = [];
    for (const what of ["status", "blocks"] as const) {
      // The source answers slowly, so that it is stopped while our request waits.
      let asked = false;
      const slow: BlockSource = {
        getStatus: async () => {
          asked = true;
          await sleep(400);
          return { headHeight: 10n, headHash: new Uint8Array(32) };
        },
        getBlocks: async () => {
          asked = true;
          await sleep(400);
          return [];
        },
      };
      const server = await start(`server-${what}`, logs, { blockSource: slow });
      const client = await start(`client-${what}`, logs, { bootnodes: [server.listenAddresses()[0]!] });
      await waitUntil("connected", () => client.peers().includes(server.peerId), 10_000, 20);

      const request = what === "status" ? client.requestStatus(server.peerId) : client.requestBlocks(server.peerId, 1n, 5);
      const failed = request.then(
        () => null,
        (e: unknown) => e,
      );
      await waitUntil("the request to reach the server", () => asked, 5_000, 5);
      await server.stop();
      const err = await failed;
      expect(err, what).toBeInstanceOf(PeerRequestError);
      expect((err as PeerRequestError).failure, `${what}: ${(err as Error).message}`).toBe("unavailable");
      expect(client.isBanned(server.peerId), what).toBe(false);
    }
    expect(logs.filter((l) => /peer (penalized|banned)/.test(l))).toEqual([]);
  }, 30_000);
});
