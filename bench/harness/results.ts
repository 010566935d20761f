// What every scenario writes: bench/results/<scenario>-<date>.json (raw samples, options, machine),
// <scenario>-<date>.md (the tables, notes and chart links) and <scenario>-<date>-<chart>.svg.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { machineInfo, type MachineInfo } from "../lib/machine.js";
import { renderSvg } from "./charts.js";

export const RESULT_SCHEMA = "verity-bench/1";

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ChartSpec {
  /** Short file-name part: `<scenario>-<date>-<name>.svg`. */
  readonly name: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

export interface ScenarioOutput<D = unknown> {
  readonly scenario: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** How to read the figures, what was simulated, what bounds a missed target. */
  readonly notes: readonly string[];
  readonly tables: readonly Table[];
  readonly charts: readonly ChartSpec[];
  /** Scenario-specific raw samples and summaries. */
  readonly data: D;
  /** "ok", or why the scenario could not produce figures (nothing else in it is then a measurement). */
  readonly status: "ok" | "unavailable" | "failed";
  readonly statusReason?: string;
}

export interface ResultFile<D = unknown> {
  readonly schema: typeof RESULT_SCHEMA;
  readonly scenario: string;
  readonly status: ScenarioOutput["status"];
  readonly statusReason: string | null;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallSeconds: number;
  readonly machine: MachineInfo;
  readonly command: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
  readonly tables: readonly Table[];
  readonly charts: readonly { readonly title: string; readonly file: string }[];
  readonly data: D;
}

export interface WrittenResult<D = unknown> {
  readonly result: ResultFile<D>;
  readonly jsonFile: string;
  readonly markdownFile: string;
  readonly chartFiles: readonly string[];
}

/** "2026-11-21T06-14-33": sortable, file-name safe. */
export function fileStamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, "-").slice(0, 19);
}

/** JSON with bigints as decimal strings and non-finite numbers as null (JSON has neither). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function markdownTable(t: Table): string {
  const lines = [`| ${t.columns.map(cell).join(" | ")} |`, `|${t.columns.map(() => "---").join("|")}|`];
  for (const r of t.rows) lines.push(`| ${r.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

export function markdownReport(r: ResultFile): string {
  const m = r.machine;
  const commit = m.gitCommit ? `${m.gitCommit.slice(0, 10)}${m.gitDirty ? " + uncommitted changes" : ""}` : "unknown";
  const out = [
    `# ${r.scenario}${r.quick ? " (quick)" : ""}: ${r.startedAt}`,
    "",
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, load average ${m.loadAverage1m} at start; commit ${commit}. Wall time ${r.wallSeconds.toFixed(1)} s.`,
    "",
    `Command: \`${r.command}\``,
  ];
  if (r.status !== "ok") out.push("", `**Status: ${r.status}.** ${r.statusReason ?? ""}`);
  if (r.notes.length > 0) out.push("", ...r.notes.map((n) => `- ${n}`));
  for (const t of r.tables) out.push("", `## ${t.title}`, "", markdownTable(t));
  for (const c of r.charts) out.push("", `![${c.title}](${c.file})`);
  return `${out.join("\n")}\n`;
}

/** Renders the charts and writes the JSON, markdown and SVG files into `dir`. */
export interface RunInfo {
  readonly quick: boolean;
  readonly startedAt: Date;
  readonly command: string;
  /** Taken when the scenario started (the load average then is the interesting one). */
  readonly machine: MachineInfo;
}

export function runInfo(quick: boolean, command: string): RunInfo {
  return { quick, startedAt: new Date(), command, machine: machineInfo() };
}

export async function writeResults<D>(dir: string, out: ScenarioOutput<D>, run: RunInfo): Promise<WrittenResult<D>> {
  mkdirSync(dir, { recursive: true });
  const base = `${out.scenario}-${fileStamp(run.startedAt)}`;
  const chartFiles: string[] = [];
  const charts: { title: string; file: string }[] = [];
  for (const c of out.charts) {
    const file = `${base}-${c.name}.svg`;
    writeFileSync(join(dir, file), await renderSvg(c.spec));
    chartFiles.push(join(dir, file));
    charts.push({ title: c.title, file });
  }
  const finished = new Date();
  const result: ResultFile<D> = {
    schema: RESULT_SCHEMA,
    scenario: out.scenario,
    status: out.status,
    statusReason: out.statusReason ?? null,
    quick: run.quick,
    startedAt: run.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    wallSeconds: (finished.getTime() - run.startedAt.getTime()) / 1000,
    machine: run.machine,
    command: run.command,
    options: out.options,
    notes: out.notes,
    tables: out.tables,
    charts,
    data: out.data,
  };
  const jsonFile = join(dir, `${base}.json`);
  const markdownFile = join(dir, `${base}.md`);
  writeFileSync(jsonFile, toJson(result));
  writeFileSync(markdownFile, markdownReport(result));
  return { result, jsonFile, markdownFile, chartFiles };
}
