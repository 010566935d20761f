// Which of this node's validators build a block for a round. Every receiver prevotes for the
// lowest-priority valid proposal it has, so a proposal that is not the round's best loses for
// certain; building it costs a whole block execution and changes nothing. Two cases:
//
// - Several local validators drawn for one round (the dev node runs four in one process): only the
//   best local priority builds. The engines ask one at a time, each from its own queue, so the
//   choice waits for the others' requests (one macrotask, or the announcement window below).
// - Validators in other processes: each drawn validator announces its credential (the VRF proof,
//   consensus/proposer-credential.ts) before it builds, and waits `announceWaitMs` for the others';
//   one that has seen a better credential does not build (Algorand gossips priorities ahead of
//   blocks for the same reason). Without this, under load nearly every validator built and executed
//   its own block and then the winner's (issue 13: ~9 executions of each transaction on 4 processes).
//
// Not building is always allowed (a proposer may be slow or offline), but a validator whose better
// credential came without a block would now cost the round. So the driver keeps a fallback: a
// validator that stood back for a remote credential builds after all if, by then, no proposal at
// least as good as its own has arrived (fallbackFor).
import { comparePriorities } from "../../consensus/committee.js";

export type BuildVerdict = "build" | "local-better" | "remote-better";

interface RoundRace {
  decided: boolean;
  /** The best priority a local validator builds with. */
  bestLocal: Uint8Array | null;
  /** The best priority announced by another process. */
  bestRemote: Uint8Array | null;
  /** The best priority of a proposal (block) received or sent. */
  bestProposal: Uint8Array | null;
  waiting: { priority: Uint8Array; resolve: (verdict: BuildVerdict) => void }[];
}

const better = (a: Uint8Array, b: Uint8Array | null): boolean => b === null || comparePriorities(a, b) < 0;

export class ProposerRace {
  private readonly rounds = new Map<string, RoundRace>();

  /**
   * @param localValidators how many validators this node runs
   * @param announceWaitMs how long the first local request of a round waits for other processes'
   *   credentials (0: no other process takes part, e.g. the dev node)
   */
  constructor(
    private readonly localValidators: number,
    private readonly announceWaitMs = 0,
  ) {}

  private race(height: number, round: number): RoundRace {
    const key = `${height}/${round}`;
    let race = this.rounds.get(key);
    if (race === undefined) {
      race = { decided: false, bestLocal: null, bestRemote: null, bestProposal: null, waiting: [] };
      this.rounds.set(key, race);
    }
    return race;
  }

  /** Whether the local validator with this priority should build its proposal, and if not, why. */
  shouldBuild(height: number, round: number, priority: Uint8Array): Promise<BuildVerdict> {
    if (this.localValidators <= 1 && this.announceWaitMs === 0) return Promise.resolve("build");
    const race = this.race(height, round);
    if (!race.decided) {
      if (race.waiting.length === 0) {
        if (this.announceWaitMs > 0) setTimeout(() => this.decide(race), this.announceWaitMs).unref();
        else setImmediate(() => this.decide(race));
      }
      return new Promise((resolve) => race.waiting.push({ priority, resolve }));
    }
    // After the choice, a late request builds only if it beats every priority seen.
    if (!better(priority, race.bestLocal)) return Promise.resolve("local-better");
    if (!better(priority, race.bestRemote)) return Promise.resolve("remote-better");
    race.bestLocal = priority;
    return Promise.resolve("build");
  }

  /** A verified credential from another process; true when it is the best of its round so far (worth relaying). */
  observeCredential(height: number, round: number, priority: Uint8Array): boolean {
    const race = this.race(height, round);
    if (!better(priority, race.bestRemote)) return false;
    race.bestRemote = priority;
    return true;
  }

  /** A verified proposal of the round (received, or our own). */
  observeProposal(height: number, round: number, priority: Uint8Array): void {
    const race = this.race(height, round);
    if (better(priority, race.bestProposal)) race.bestProposal = priority;
  }

  /** At the fallback deadline: build after all unless a proposal at least as good as `priority` arrived. */
  fallbackFor(height: number, round: number, priority: Uint8Array): boolean {
    const best = this.rounds.get(`${height}/${round}`)?.bestProposal ?? null;
    return best === null || comparePriorities(priority, best) < 0;
  }

  /** Forgets rounds of heights below `height` (call when a height starts). */
  forgetBelow(height: number): void {
    for (const key of this.rounds.keys()) if (Number(key.split("/")[0]) < height) this.rounds.delete(key);
  }

  private decide(race: RoundRace): void {
    race.decided = true;
    let winner: (typeof race.waiting)[number] | null = null;
    for (const w of race.waiting) if (winner === null || comparePriorities(w.priority, winner.priority) < 0) winner = w;
    const builds = winner !== null && better(winner.priority, race.bestLocal) && better(winner.priority, race.bestRemote);
    if (builds) race.bestLocal = winner!.priority;
    // Local losers stand back for the local winner, which builds now or, beaten by a remote
    // credential, is the one that may fall back.
    for (const w of race.waiting) w.resolve(w !== winner ? "local-better" : builds ? "build" : "remote-better");
    race.waiting = [];
  }
}
