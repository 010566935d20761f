// CPU time and peak resident memory of a process and everything it started, read from Linux's
// /proc/<pid>/stat (utime, stime, and cutime/cstime of reaped children) and /proc/<pid>/status
// (VmHWM, the peak RSS). A tree because some nodes run under a wrapper (a node script that spawns
// the real binary): measuring only the wrapper would miss the work.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessUsage {
  readonly pid: number;
  readonly command: string;
  /** The command line (truncated), to tell apart processes with the same command name. */
  readonly commandLine: string;
  /** User + system CPU seconds, including reaped children. */
  readonly cpuSeconds: number;
  /** Peak resident set size over the process's life, MiB. */
  readonly peakRssMiB: number;
}

export interface TreeUsage {
  readonly processes: readonly ProcessUsage[];
  readonly cpuSeconds: number;
  /** The largest single process's peak RSS (the node itself, not its wrapper). */
  readonly peakRssMiB: number;
}

let clockTicks: number | undefined;

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat times (100 on every common Linux). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface StatFields {
  readonly command: string;
  readonly ppid: number;
  readonly cpuTicks: number;
  /** Clock ticks after boot when the process started: with the pid, identifies one process (pids get reused). */
  readonly startTicks: number;
}

/** Parses /proc/<pid>/stat text. The command sits in parentheses and may itself contain spaces or parentheses. */
export function parseStat(text: string): StatFields {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error(`unparsable /proc stat line: ${text.slice(0, 80)}`);
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is field 3 (state); utime is field 14, so rest[11]; then stime, cutime, cstime.
  const n = (i: number) => Number(rest[i]);
  return { command: text.slice(open + 1, close), ppid: n(1), cpuTicks: n(11) + n(12) + n(13) + n(14), startTicks: n(19) };
}

/** VmHWM of /proc/<pid>/status text, in KiB (0 for kernel threads and zombies, which have none). */
export function parsePeakRssKiB(statusText: string): number {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(statusText);
  return m ? Number(m[1]) : 0;
}

/** VmRSS of /proc/<pid>/status text (the resident set now), in KiB. */
export function parseRssKiB(statusText: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return m ? Number(m[1]) : 0;
}

/** The largest resident set among a process and its descendants now, MiB (0 once all are gone). */
export function treeRssMiB(rootPid: number): number {
  let max = 0;
  for (const pid of processTree(rootPid)) {
    try {
      max = Math.max(max, parseRssKiB(readFileSync(`/proc/${pid}/status`, "utf8")));
    } catch {
      // exited meanwhile
    }
  }
  return max / 1024;
}

function readStat(pid: number): StatFields | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null; // exited meanwhile
  }
}

/** The process and all its live descendants, root first. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === null) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0 && out.length < 10_000) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The process's start time (see StatFields.startTicks), or null when it is gone. */
export function processStartTicks(pid: number): number | null {
  return readStat(pid)?.startTicks ?? null;
}

export function processUsage(pid: number): ProcessUsage | null {
  const stat = readStat(pid);
  if (stat === null) return null;
  let peakKiB = 0;
  try {
    peakKiB = parsePeakRssKiB(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    // exited between the two reads
  }
  let commandLine = "";
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 300);
  } catch {
    // exited
  }
  return { pid, command: stat.command, commandLine, cpuSeconds: stat.cpuTicks / clockTicksPerSecond(), peakRssMiB: peakKiB / 1024 };
}

export function treeUsage(rootPid: number): TreeUsage {
  const processes = processTree(rootPid)
    .map(processUsage)
    .filter((p): p is ProcessUsage => p !== null);
  return {
    processes,
    cpuSeconds: processes.reduce((s, p) => s + p.cpuSeconds, 0),
    peakRssMiB: processes.reduce((m, p) => Math.max(m, p.peakRssMiB), 0),
  };
}

/** CPU seconds a tree used between two readings (processes that vanished in between count as 0). */
export function cpuSecondsBetween(before: TreeUsage, after: TreeUsage): number {
  const start = new Map(before.processes.map((p) => [p.pid, p.cpuSeconds]));
  return after.processes.reduce((s, p) => s + p.cpuSeconds - (start.get(p.pid) ?? 0), 0);
}
