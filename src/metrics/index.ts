// The metrics room: the Prometheus registry and its typed metrics (the only importer of prom-client),
// the health and readiness reports, and the metrics listener.
export { createMetrics, type CollectedCounter, type CollectedGauge, type Metrics } from "./metrics.js";
export { probeResponse, type HealthReport, type HealthSource, type NotReadyCode, type ReadinessReport } from "./health.js";
export { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, startMetricsServer, type MetricsServer } from "./server.js";
