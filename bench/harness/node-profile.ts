// A CPU profile of a node under test, taken by Node itself (--cpu-prof, written when the node exits)
// and cut to the load window: V8 stamps samples with the monotonic clock, the same one
// process.hrtime reads here, so the window measured in this process selects the node's samples.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Profiler } from "node:inspector";

/** Node flags that make a node process write a .cpuprofile into `dir` when it exits. */
export function cpuProfileFlags(dir: string): string[] {
  return ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "500"];
}

/** Now on the monotonic clock, in microseconds (the unit of V8 profile timestamps). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The one .cpuprofile Node wrote into `dir`, or null. */
export function readCpuProfile(dir: string): Profiler.Profile | null {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length === 0) return null;
  return JSON.parse(readFileSync(join(dir, files[0]!), "utf8")) as Profiler.Profile;
}

/**
 * The samples taken within [fromUs, toUs]. Returns null when the window does not overlap the
 * profile (the clocks did not match), so a caller never mistakes the whole run for the window.
 */
export function sliceProfile(profile: Profiler.Profile, fromUs: number, toUs: number): Profiler.Profile | null {
  if (toUs < profile.startTime || fromUs > profile.endTime) return null;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const keptSamples: number[] = [];
  const keptDeltas: number[] = [];
  let t = profile.startTime;
  let lastKept = fromUs;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    keptSamples.push(samples[i]!);
    keptDeltas.push(t - lastKept);
    lastKept = t;
  }
  if (keptSamples.length === 0) return null;
  return { ...profile, startTime: fromUs, endTime: toUs, samples: keptSamples, timeDeltas: keptDeltas };
}
