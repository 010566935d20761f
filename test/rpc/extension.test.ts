// The extension points issue 5 builds on: extra method tables merged into the standard ones, and a
// transport registered on the same fastify instance (here @fastify/websocket on /ws) that runs messages
// through the same dispatcher.
import websocket from "@fastify/websocket";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handleBody } from "../../src/rpc/dispatch.js";
import { defineMethod } from "../../src/rpc/methods/types.js";
import { startFixtureServer, type FixtureServer } from "../helpers/rpc-client.js";

let rpc: FixtureServer;
beforeAll(async () => {
  rpc = await startFixtureServer({
    extraMethods: [{ test_transport: defineMethod([], (_args, ctx) => ctx.transport) }],
    extend: async (app, dispatch) => {
      await app.register(websocket);
      const ws = { ...dispatch, context: { ...dispatch.context, transport: "ws" as const } };
      app.get("/ws", { websocket: true }, (socket) => {
        socket.on("message", (message: Buffer) => {
          void handleBody(message.toString("utf8"), ws).then((reply) => {
            if (reply !== null) socket.send(JSON.stringify(reply));
          });
        });
      });
    },
  });
});
afterAll(async () => {
  await rpc.server.close();
});

it("serves extra methods over HTTP", async () => {
  expect((await rpc.call("test_transport")).result).toBe("http");
});

it("lets a WebSocket transport reuse the dispatcher", async () => {
  const socket = new WebSocket(rpc.server.url.replace("http://", "ws://") + "/ws");
  const replies: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.onerror = () => reject(new Error("websocket failed"));
    socket.onopen = () => socket.send(JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "test_transport" }, { jsonrpc: "2.0", id: 2, method: "eth_chainId" }]));
    socket.onmessage = (event) => {
      replies.push(JSON.parse(String(event.data)));
      resolve();
    };
  });
  socket.close();
  expect(replies).toEqual([[{ jsonrpc: "2.0", id: 1, result: "ws" }, { jsonrpc: "2.0", id: 2, result: "0x539" }]]);
});

it("refuses a method table that redefines a standard method", async () => {
  await expect(startFixtureServer({ extraMethods: [{ eth_chainId: defineMethod([], () => "0x1") }] })).rejects.toThrow(
    "JSON-RPC method eth_chainId is defined twice",
  );
});
