// A V8 CPU profile of a section of this process (node:inspector's Profiler, no child process), and
// its summary: self time per function and per package (ethereumjs/evm, ethereumjs/mpt, noble
// hashes, rlp, classic-level, verity's own src/...), the answer to "where does the time go".
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import type { Profiler } from "node:inspector";

export interface SelfTime {
  name: string;
  group: string;
  location: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  groups: Array<{ group: string; ms: number; share: number }>;
  functions: SelfTime[];
}

/** Starts sampling every `intervalUs` microseconds; the returned function stops and returns the profile. */
export async function startProfiler(intervalUs = 250): Promise<() => Promise<Profiler.Profile>> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: intervalUs });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    await session.post("Profiler.disable");
    session.disconnect();
    return profile;
  };
}

export function saveProfile(profile: Profiler.Profile, path: string): void {
  writeFileSync(path, JSON.stringify(profile));
}

/** Package names that read better under a shared label. */
const GROUP_ALIASES: Record<string, string> = {
  "@noble/hashes": "noble hashes (keccak)",
  "@ethereumjs/rlp": "rlp",
  "classic-level": "classic-level",
  "abstract-level": "classic-level",
  "level-transcoder": "classic-level",
  "module-error": "classic-level",
  "maybe-combine-errors": "classic-level",
};

/** The package (or area) a profiled function belongs to, from its script URL. */
export function groupOf(url: string, functionName: string): string {
  if (url === "") {
    // V8's pseudo-frames keep their names: (garbage collector), (program), (idle), (root). Frames
    // without a script are native: the secp256k1 binding (sender recovery), classic-level's
    // LevelDB calls and V8 builtins; V8 names them unreliably (often not at all).
    return functionName.startsWith("(") ? functionName : "native (secp256k1, LevelDB, builtins)";
  }
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return GROUP_ALIASES[pkg] ?? pkg.replace(/^@/, "");
  }
  if (url.startsWith("node:")) return "node internals";
  const src = url.indexOf("/src/");
  if (src >= 0) return `verity ${url.slice(src + 1).split("/").slice(0, 2).join("/")}`;
  if (url.includes("/bench/")) return "bench harness";
  return "other";
}

function shortLocation(url: string, line: number): string {
  const nm = url.lastIndexOf("node_modules/");
  const tail = nm >= 0 ? url.slice(nm + "node_modules/".length) : url.replace(/^.*\/(src|bench)\//, "$1/");
  return `${tail.replace(/\/dist\/(esm|cjs)\//, "/")}:${line + 1}`;
}

/** Self time per function and per group; `(idle)` samples are left out of the total. */
export function summarizeProfile(profile: Profiler.Profile, topFunctions = 25): ProfileSummary {
  const byNode = new Map<number, Profiler.ProfileNode>();
  for (const n of profile.nodes) byNode.set(n.id, n);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the gap before sample i; the time until the next sample is attributed to it.
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + dt);
  }
  const perFunction = new Map<string, SelfTime>();
  const perGroup = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byNode.get(id)!;
    const name = callFrame.functionName || "(anonymous)";
    if (name === "(idle)") continue;
    const group = groupOf(callFrame.url, callFrame.functionName);
    const location = callFrame.url ? shortLocation(callFrame.url, callFrame.lineNumber) : "";
    const key = `${name}@${location}`;
    const entry = perFunction.get(key) ?? { name, group, location, ms: 0, share: 0 };
    entry.ms += us / 1000;
    perFunction.set(key, entry);
    perGroup.set(group, (perGroup.get(group) ?? 0) + us / 1000);
    totalUs += us;
  }
  const totalMs = totalUs / 1000;
  const functions = [...perFunction.values()].sort((a, b) => b.ms - a.ms).slice(0, topFunctions);
  for (const f of functions) f.share = f.ms / totalMs;
  const groups = [...perGroup.entries()].map(([group, ms]) => ({ group, ms, share: ms / totalMs })).sort((a, b) => b.ms - a.ms);
  return { totalMs, groups, functions };
}

export function formatProfile(s: ProfileSummary, topGroups = 20): string {
  const lines = [`CPU profile: ${(s.totalMs / 1000).toFixed(2)} s of samples (idle excluded), self time`];
  lines.push("  by package:");
  for (const g of s.groups.slice(0, topGroups))
    lines.push(`    ${(g.share * 100).toFixed(1).padStart(5)} %  ${g.ms.toFixed(0).padStart(7)} ms  ${g.group}`);
  lines.push("  top functions:");
  for (const f of s.functions)
    lines.push(`    ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}  [${f.group}] ${f.location}`);
  return lines.join("\n");
}
