// The status page (--status, or by default when JSON-RPC listens on loopback): GET /status serves one
// HTML page, its ES module and its stylesheet from src/rpc/status-page/, and uPlot (the charting
// library, an npm dependency) from node_modules, all read once at startup: no bundler, no CDN. The
// page holds no figures of its own: it reads everything over this same port's WebSocket JSON-RPC
// (eth_subscribe newHeads and ordinary eth_/net_/txpool_/verity_ calls), so it shows exactly what
// any client of the node would be told.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

export const STATUS_PATH = "/status";

interface Asset {
  type: string;
  body: Buffer;
}

function loadAssets(): Map<string, Asset> {
  const own = (name: string) => readFileSync(fileURLToPath(new URL(`./status-page/${name}`, import.meta.url)));
  const require = createRequire(import.meta.url);
  const uplot = (name: string) => readFileSync(require.resolve(`uplot/dist/${name}`));
  return new Map<string, Asset>([
    [STATUS_PATH, { type: "text/html; charset=utf-8", body: own("index.html") }],
    [`${STATUS_PATH}/status.js`, { type: "text/javascript; charset=utf-8", body: own("status.js") }],
    [`${STATUS_PATH}/status.css`, { type: "text/css; charset=utf-8", body: own("status.css") }],
    [`${STATUS_PATH}/uplot.js`, { type: "text/javascript; charset=utf-8", body: uplot("uPlot.esm.js") }],
    [`${STATUS_PATH}/uplot.css`, { type: "text/css; charset=utf-8", body: uplot("uPlot.min.css") }],
  ]);
}

/** Adds the page's routes to a JSON-RPC listener. */
export function serveStatusPage(app: FastifyInstance): void {
  const assets = loadAssets();
  for (const [path, asset] of assets) {
    app.get(path, async (_request, reply) =>
      // The page only talks to the origin that served it; nothing else may frame or script it.
      reply
        .type(asset.type)
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
        .send(asset.body),
    );
  }
  app.get(`${STATUS_PATH}/`, async (_request, reply) => reply.redirect(STATUS_PATH));
}
