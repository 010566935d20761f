// Liveness and readiness, as a container or load-balancer probe reads them: GET /health answers 200
// while the process serves requests; GET /ready answers 200 when the node is ready (synced, peers
// when networked, participating when it holds validator keys) and 503 otherwise, the body saying why.
// Both the metrics listener and the JSON-RPC HTTP server serve them; the node computes the report.

export interface HealthReport {
  status: "ok";
  /** Seconds since the node started. */
  uptimeSeconds: number;
}

/** Why a node is not ready, one code per failed check. */
export type NotReadyCode = "not-synced" | "no-peers" | "not-participating";

export interface ReadinessReport {
  status: "ready" | "not ready";
  /** One entry per failed check: its code and an operator's sentence. */
  reasons: { code: NotReadyCode; message: string }[];
  head: { number: string; hash: string; timestamp: string };
  /** Connected peers (null: the node runs no networking). */
  peers: number | null;
  /** The sync's progress while it catches up, else false. */
  syncing: false | { startingBlock: string; currentBlock: string; highestBlock: string };
  /** This node's validator keys: how many it holds, and how many are in the current set. */
  validators: { held: number; active: number; setSize: number };
}

export interface HealthSource {
  health(): HealthReport;
  ready(): Promise<ReadinessReport>;
}

/** The HTTP answer to a probe: status code and JSON body. */
export async function probeResponse(source: HealthSource, path: "/health" | "/ready"): Promise<{ status: number; body: string }> {
  if (path === "/health") return { status: 200, body: JSON.stringify(source.health()) };
  const report = await source.ready();
  return { status: report.status === "ready" ? 200 : 503, body: JSON.stringify(report) };
}
