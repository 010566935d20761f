// The metrics listener (--metrics, --metrics.addr, --metrics.port; geth's spelling, default
// 127.0.0.1:6060): GET /metrics in Prometheus text format, /health and /ready for probes. Plain
// node:http: three read-only routes need no framework.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { probeResponse, type HealthSource } from "./health.js";
import type { Metrics } from "./metrics.js";

export const DEFAULT_METRICS_HOST = "127.0.0.1";
export const DEFAULT_METRICS_PORT = 6060;

export interface MetricsServer {
  /** http://host:port with the port actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(o: {
  metrics: Metrics;
  health: HealthSource;
  host: string;
  port: number;
  onError?: (error: Error) => void;
}): Promise<MetricsServer> {
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "method not allowed\n");
    if (path === "/metrics") return send(res, 200, o.metrics.registry.contentType, await o.metrics.registry.metrics());
    if (path === "/health" || path === "/ready") {
      const { status, body } = await probeResponse(o.health, path);
      return send(res, status, "application/json", body);
    }
    send(res, 404, "text/plain", "not found: /metrics, /health, /ready\n");
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      o.onError?.(e);
      if (!res.headersSent) send(res, 500, "text/plain", "internal error\n");
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
