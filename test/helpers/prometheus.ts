// A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: every line is a
// comment (# HELP / # TYPE), blank, or a sample `name{label="value",...} value`; anything else throws.
// It is here rather than prom-client's because prom-client writes the format but has no reader.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** Metric families by name, with their TYPE. */
  types: Map<string, string>;
  samples: Sample[];
  /** The sample's value for `name` whose labels include `labels`; summed over matching series. */
  value(name: string, labels?: Record<string, string>): number;
  /** Whether any sample of `name` (with those labels) exists. */
  has(name: string, labels?: Record<string, string>): boolean;
  /** The names a query may use: every family, and its _bucket/_sum/_count series for histograms. */
  names(): Set<string>;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (-?[0-9.eE+-]+|[Nn]a[Nn]|\\+Inf|-Inf)(?: -?[0-9]+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (!m || m.index !== start) throw new Error(`malformed labels in: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  }
  return labels;
}

export function parsePrometheus(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
      if (!m) throw new Error(`malformed comment: ${line}`);
      if (m[1] === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(m[3]!)) throw new Error(`unknown type: ${line}`);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`malformed sample: ${line}`);
    // Prometheus reads NaN in any case (Go's ParseFloat); prom-client writes "Nan".
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : /^nan$/i.test(m[3]!) ? NaN : Number(m[3]);
    if (!/^nan$/i.test(m[3]!) && Number.isNaN(value)) throw new Error(`malformed value: ${line}`);
    samples.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2], line) : {}, value });
  }
  const matches = (s: Sample, name: string, labels: Record<string, string>) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  return {
    types,
    samples,
    value: (name, labels = {}) => samples.filter((s) => matches(s, name, labels)).reduce((sum, s) => sum + s.value, 0),
    has: (name, labels = {}) => samples.some((s) => matches(s, name, labels)),
    names() {
      const out = new Set<string>();
      for (const [name, type] of types) {
        out.add(name);
        if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) out.add(name + suffix);
        if (type === "summary") for (const suffix of ["_sum", "_count"]) out.add(name + suffix);
      }
      return out;
    },
  };
}

/** GET url/metrics and parse it (the content type must be Prometheus text). */
export async function scrape(metricsUrl: string): Promise<Scrape> {
  const response = await fetch(`${metricsUrl}/metrics`);
  if (response.status !== 200) throw new Error(`scrape: HTTP ${response.status}`);
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/plain")) throw new Error(`scrape: content type ${type}`);
  return parsePrometheus(await response.text());
}
