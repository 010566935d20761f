// Which of this node's own validators build a block for a round. A node running several validators
// (the dev node runs four in one process) often finds several of them drawn as proposers of the same
// round; each would build, execute and broadcast a full block, and all but the best-priority one
// would lose for certain, since every receiver, including our own engines, prevotes for the lowest
// priority. Building those losers costs a whole block execution each and changes nothing, so only
// the best local priority builds; the others simply do not propose, which the protocol allows (a
// proposer may always be slow or offline) and which leaves the round's outcome unchanged.
//
// The engines ask one at a time, each from its own queue, so the choice waits one macrotask
// (setImmediate) for the others' requests of the same round. A request arriving after the choice
// builds only if it beats every priority seen, so the best one always builds.
import { comparePriorities } from "../../consensus/committee.js";

interface RoundRace {
  decided: boolean;
  best: Uint8Array | null;
  waiting: { priority: Uint8Array; resolve: (build: boolean) => void }[];
}

export class LocalProposerRace {
  private readonly rounds = new Map<string, RoundRace>();

  /** @param localValidators how many validators this node runs; with one there is no race. */
  constructor(private readonly localValidators: number) {}

  /** Resolves true when the validator with this priority should build its proposal. */
  shouldBuild(height: number, round: number, priority: Uint8Array): Promise<boolean> {
    if (this.localValidators <= 1) return Promise.resolve(true);
    const key = `${height}/${round}`;
    let race = this.rounds.get(key);
    if (race === undefined) {
      const created: RoundRace = { decided: false, best: null, waiting: [] };
      this.rounds.set(key, created);
      setImmediate(() => this.decide(created));
      race = created;
    }
    if (!race.decided) {
      const waiting = race.waiting;
      return new Promise((resolve) => waiting.push({ priority, resolve }));
    }
    const better = race.best === null || comparePriorities(priority, race.best) < 0;
    if (better) race.best = priority;
    return Promise.resolve(better);
  }

  /** Forgets rounds of heights below `height` (call when a height starts). */
  forgetBelow(height: number): void {
    for (const key of this.rounds.keys()) if (Number(key.split("/")[0]) < height) this.rounds.delete(key);
  }

  private decide(race: RoundRace): void {
    race.decided = true;
    let winner: (typeof race.waiting)[number] | null = null;
    for (const w of race.waiting) if (winner === null || comparePriorities(w.priority, winner.priority) < 0) winner = w;
    race.best = winner?.priority ?? null;
    for (const w of race.waiting) w.resolve(w === winner);
    race.waiting = [];
  }
}
