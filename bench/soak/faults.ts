// The soak's faults: what each kind does to one validator (or, for `split`, to the whole network)
// and how it is healed, and the seeded order they come in. Kinds within f hit one validator at a
// time (f = floor((N-1)/3) >= 1 for N >= 4), so safety and liveness are both claimed during them;
// `split` cuts the network in halves, beyond f: the claim is only that nothing forks and progress
// resumes after the heal.
import type { SoakCluster } from "./cluster.js";
import { empty, fill } from "./small-disk.js";

export const FAULT_KINDS = ["kill", "pause", "partition", "latency", "wipe", "clock", "split", "disk"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const DEFAULT_FAULT_KINDS: readonly FaultKind[] = ["kill", "pause", "partition", "latency", "wipe", "clock"];

export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  kill: "SIGKILL, restarted on the same data dir after the hold",
  pause: "SIGSTOP for the hold, then SIGCONT",
  partition: "every p2p link to and from the validator cut (its proxies refuse and drop connections), then healed",
  latency: "every p2p link of the validator delayed 150 ms ± 50 ms each way with 5 % of chunks held a further 200 ms (a TCP retransmission)",
  wipe: "SIGKILL, chain data deleted (genesis, keys, p2p identity and signing record kept), restarted: it must sync back",
  clock: "restarted with its wall clock 30 s ahead or behind (a preload shifts Date; verity has no flag for it), then restarted on the true clock",
  split: "the network cut in two halves (beyond f: no quorum on either side), then healed",
  disk: "the validator's data dir filesystem (a tmpfs of its own) filled to 1 MiB free while it runs, emptied at the heal and the node restarted if it stopped: it must stop cleanly or keep going, and restart on its data dir",
};

/** A full disk is noticed by the node's free-disk check (every 30 s) or by its next write: hold it longer. */
export const DISK_MIN_HOLD_MS = 40_000;

/** mulberry32: a small seeded PRNG, so a seed replays the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlannedFault {
  readonly kind: FaultKind;
  /** The validator index hit (split: the first half's lowest index, 0). */
  readonly target: number;
  readonly holdMs: number;
  /** Quiet time after recovery before the next fault. */
  readonly gapMs: number;
  /** clock: the offset applied. */
  readonly clockOffsetMs?: number;
}

/**
 * Faults in a seeded order: each pass through the kinds is a fresh shuffle, so every kind comes
 * once before any comes twice; targets, holds and gaps are drawn uniformly.
 */
export function planFaults(o: { seed: number; kinds: readonly FaultKind[]; validators: number; count: number; holdMs: readonly [number, number]; gapMs: readonly [number, number] }): PlannedFault[] {
  const random = seededRandom(o.seed);
  const between = ([lo, hi]: readonly [number, number]) => Math.round(lo + random() * (hi - lo));
  const out: PlannedFault[] = [];
  while (out.length < o.count) {
    const pass = [...o.kinds];
    for (let i = pass.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pass[i], pass[j]] = [pass[j]!, pass[i]!];
    }
    for (const kind of pass) {
      if (out.length >= o.count) break;
      const target = kind === "split" ? 0 : Math.floor(random() * o.validators);
      const holdMs = kind === "disk" ? Math.max(DISK_MIN_HOLD_MS, between(o.holdMs)) : between(o.holdMs);
      const fault: PlannedFault = { kind, target, holdMs, gapMs: between(o.gapMs) };
      out.push(kind === "clock" ? { ...fault, clockOffsetMs: (random() < 0.5 ? -1 : 1) * 30_000 } : fault);
    }
  }
  return out;
}

/** Whether a fault kind stays within f faulty validators (all but split, which takes half). */
export function withinF(kind: FaultKind): boolean {
  return kind !== "split";
}

/** Node indices on each side of a split: validators halved, the RPC node with the first half. */
export function splitHalves(validators: number): [number[], number[]] {
  const half = Math.ceil(validators / 2);
  const a = Array.from({ length: half }, (_, i) => i);
  const b = Array.from({ length: validators - half }, (_, i) => half + i);
  return [[...a, validators], b];
}

export interface FaultHooks {
  /** A validator just went down (killed): sample its signing record. */
  onDown(name: string): Promise<void>;
  /** A validator's data was wiped: its chain is checked again from height 1. */
  onWiped(name: string): void;
  /** The disk fault's heal: how the node fared on the full disk, and whether it restarted on its data dir. */
  onDiskHealed?(name: string, outcome: DiskOutcome): void;
}

export interface DiskOutcome {
  readonly filledBytes: number;
  /** How the process ended while the disk was full; null: it kept running. */
  readonly exit: { code: number | null; signal: string | null; log: string } | null;
  /** Why the restart on its data dir failed (null: it restarted, or never stopped). */
  readonly restartError: string | null;
}

/** Applies a fault; returns how to heal it. */
export async function applyFault(c: SoakCluster, f: PlannedFault, hooks: FaultHooks): Promise<() => Promise<void>> {
  const v = c.validators[f.target]!;
  const all = c.nodes.map((n) => n.index);
  switch (f.kind) {
    case "kill":
      await c.kill(v.name);
      await hooks.onDown(v.name);
      return () => c.start(v.name);
    case "pause":
      c.pause(v.name);
      return async () => c.resume(v.name);
    case "partition": {
      const others = all.filter((i) => i !== v.index);
      c.mesh.partition([v.index], others, true);
      return async () => c.mesh.partition([v.index], others, false);
    }
    case "latency":
      c.mesh.shapeNode(v.index, { delayMs: 150, jitterMs: 50, lossPct: 5 });
      return async () => c.mesh.shapeNode(v.index, null);
    case "wipe":
      await c.kill(v.name);
      await hooks.onDown(v.name);
      await c.wipe(v.name);
      hooks.onWiped(v.name);
      // Down for the hold, then it starts from genesis and syncs back.
      return () => c.start(v.name);
    case "clock":
      await c.stop(v.name);
      await hooks.onDown(v.name);
      await c.start(v.name, { clockOffsetMs: f.clockOffsetMs ?? 30_000 });
      return async () => {
        await c.stop(v.name);
        await hooks.onDown(v.name);
        await c.start(v.name);
      };
    case "disk": {
      const disk = c.smallDisk(v.name);
      if (!disk) throw new Error("the disk fault needs the validators' data dirs on small filesystems (SoakCluster.create smallDisks)");
      c.allowExit(v.name, true);
      const filledBytes = fill(disk);
      return async () => {
        empty(disk);
        const exit = c.exitOf(v.name);
        let restartError: string | null = null;
        if (exit !== null) {
          c.forget(v.name);
          await hooks.onDown(v.name);
          await c.start(v.name).catch((e: Error) => (restartError = e.message));
        }
        c.allowExit(v.name, false);
        hooks.onDiskHealed?.(v.name, { filledBytes, exit, restartError });
      };
    }
    case "split": {
      const [a, b] = splitHalves(c.validators.length);
      c.mesh.partition(a, b, true);
      return async () => c.mesh.partition(a, b, false);
    }
  }
}

/**
 * Blocks per second a wiped validator is held to while it syncs back from genesis. Measured with
 * bench/sync/sync-rate.ts (4 validators' chain, 8 transfers a block, a fresh `verity start` syncing
 * 1,000 blocks): 19-24 blocks/s on this 2-core machine at load average 6-13, CPU-bound (about 40 % in
 * ECVRF verification, 20 % in EVM execution and the trie). In the soak the same cores also run four
 * other nodes, the load and the watcher, so the bound assumes half that.
 */
export const WIPE_SYNC_BLOCKS_PER_SECOND = 10;

/**
 * How long a heal may take to be followed by progress and catch-up. A wiped validator first syncs
 * every block back: its bound grows with the chain, `blocksBehind` / `syncBlocksPerSecond` on top of
 * the bound every other kind gets (a fixed bound failed honest wipes once the chain passed ~1,000
 * heights, and would pass any wipe early in a run).
 */
export function recoveryBoundMs(kind: FaultKind, baseMs: number, blocksBehind: number, syncBlocksPerSecond = WIPE_SYNC_BLOCKS_PER_SECOND): number {
  return kind === "wipe" ? baseMs + Math.ceil((Math.max(0, blocksBehind) / syncBlocksPerSecond) * 1000) : baseMs;
}
