// What the numbers were measured on: CPU, cores, Node, the git commit (and whether the tree had
// uncommitted changes), the load average when the run started (other work on a shared machine
// shows up here first), and which secp256k1 backend recovered senders.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, platform, arch, totalmem } from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  memoryGiB: number;
  gitCommit: string | null;
  gitDirty: boolean | null;
  loadAverage1m: number;
  date: string;
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  const status = git(["status", "--porcelain", "--untracked-files=no"]);
  return {
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    node: process.version,
    platform: `${platform()}-${arch()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    gitCommit: git(["rev-parse", "HEAD"]),
    gitDirty: status === null ? null : status.length > 0,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    date: new Date().toISOString(),
  };
}

export function describeMachine(m: MachineInfo): string {
  const commit = m.gitCommit ? `${m.gitCommit.slice(0, 10)}${m.gitDirty ? " (+uncommitted changes)" : ""}` : "unknown";
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} ${m.platform}, commit ${commit}, load ${m.loadAverage1m}`;
}
