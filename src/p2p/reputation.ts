// Local reputation: penalty points per peer (decaying), and time-limited bans.
//
// Points feed gossipsub's app-specific score (scoring.ts), so a peer that misbehaves on the sync
// protocols also loses its standing as a gossip peer; the ban list feeds the connection gater, so a
// banned peer can neither dial us nor be dialed until its ban runs out. Memory is bounded: entries
// whose points have decayed away and whose ban is over are dropped, and the book never holds more
// than MAX_ENTRIES (4096) peers (the least penalized go first).

export interface ReputationOptions {
  /** Points halve in this long. */
  readonly halfLifeMs: number;
  /** How long a ban lasts. */
  readonly banDurationMs: number;
  readonly now?: () => number;
}

interface Entry {
  points: number;
  /** When `points` was last brought up to date. */
  at: number;
  bannedUntil: number;
}

const MAX_ENTRIES = 4096;
const PRUNE_TO = 3072;
const FORGET_BELOW_POINTS = 0.5;

export class Reputation {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly o: ReputationOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Adds penalty points; returns the peer's points after the addition. */
  penalize(peer: string, points: number): number {
    const e = this.entry(peer);
    e.points += points;
    this.prune();
    return e.points;
  }

  /** Current (decayed) points; 0 for a peer never penalized. */
  points(peer: string): number {
    const e = this.entries.get(peer);
    if (e === undefined) return 0;
    this.decay(e);
    return e.points;
  }

  ban(peer: string): void {
    this.entry(peer).bannedUntil = this.now() + this.o.banDurationMs;
  }

  isBanned(peer: string): boolean {
    const e = this.entries.get(peer);
    return e !== undefined && e.bannedUntil > this.now();
  }

  bannedPeers(): string[] {
    const now = this.now();
    return [...this.entries].filter(([, e]) => e.bannedUntil > now).map(([peer]) => peer);
  }

  private entry(peer: string): Entry {
    let e = this.entries.get(peer);
    if (e === undefined) {
      e = { points: 0, at: this.now(), bannedUntil: 0 };
      this.entries.set(peer, e);
    }
    this.decay(e);
    return e;
  }

  private decay(e: Entry): void {
    const now = this.now();
    if (now > e.at) e.points *= Math.pow(0.5, (now - e.at) / this.o.halfLifeMs);
    e.at = now;
  }

  /** Once over MAX_ENTRIES, cuts the book down to PRUNE_TO, so the full pass runs rarely. */
  private prune(): void {
    if (this.entries.size <= MAX_ENTRIES) return;
    const now = this.now();
    for (const [peer, e] of this.entries) {
      this.decay(e);
      if (e.points < FORGET_BELOW_POINTS && e.bannedUntil <= now) this.entries.delete(peer);
    }
    if (this.entries.size <= PRUNE_TO) return;
    // Still full of live entries (a flood of fresh identities): forget the mildest ones, sparing bans.
    const mildest = [...this.entries].filter(([, e]) => e.bannedUntil <= now).sort((a, b) => a[1].points - b[1].points);
    for (const [peer] of mildest.slice(0, this.entries.size - PRUNE_TO)) this.entries.delete(peer);
  }
}
