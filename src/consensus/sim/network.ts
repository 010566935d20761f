// The simulated network: per-link latency (a fixed base from the two nodes' positions, plus
// per-message jitter), independent message loss, and partitions that cut the links between groups
// for a time window and then heal. All randomness comes from the simulation's seeded generator.

import type { SeededRandom } from "./rng.js";

export interface PartitionSpec {
  readonly startMs: number;
  readonly endMs: number;
  /** Nodes in different groups cannot talk while the partition lasts; unlisted nodes form one more group. */
  readonly groups: readonly (readonly number[])[];
}

export interface NetworkModel {
  /** Latency of the closest pair of nodes. */
  readonly baseLatencyMs: number;
  /** Added for the farthest pair (nodes sit at random points of a unit square). */
  readonly distanceLatencyMs: number;
  /** Uniform per-message extra delay in [0, jitterMs). */
  readonly jitterMs: number;
  /** Probability that one message on one link is lost. */
  readonly lossRate: number;
  readonly partitions: readonly PartitionSpec[];
}

export class SimNetwork {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly groupOf: Int32Array[];

  constructor(
    private readonly model: NetworkModel,
    private readonly rng: SeededRandom,
    nodeCount: number,
  ) {
    this.x = new Float64Array(nodeCount);
    this.y = new Float64Array(nodeCount);
    for (let i = 0; i < nodeCount; i++) {
      this.x[i] = rng.next();
      this.y[i] = rng.next();
    }
    this.groupOf = model.partitions.map((p) => {
      const g = new Int32Array(nodeCount).fill(-1);
      p.groups.forEach((members, gi) => {
        for (const m of members) g[m] = gi;
      });
      return g;
    });
  }

  partitioned(from: number, to: number, now: number): boolean {
    for (let i = 0; i < this.model.partitions.length; i++) {
      const p = this.model.partitions[i]!;
      if (now >= p.startMs && now < p.endMs && this.groupOf[i]![from] !== this.groupOf[i]![to]) return true;
    }
    return false;
  }

  /** The delivery delay of one message on one link, or null when it is lost or cut. */
  route(from: number, to: number, now: number): number | null {
    if (this.partitioned(from, to, now)) return null;
    if (this.rng.chance(this.model.lossRate)) return null;
    const dx = this.x[from]! - this.x[to]!;
    const dy = this.y[from]! - this.y[to]!;
    const distance = Math.min(1, Math.sqrt(dx * dx + dy * dy));
    return this.model.baseLatencyMs + distance * this.model.distanceLatencyMs + this.rng.next() * this.model.jitterMs;
  }
}
