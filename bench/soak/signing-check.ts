// No validator signs two different messages for one (height, round, step): checked from what the
// validators themselves recorded (each signing record, read from the data dir whenever the node is
// down: at every kill, wipe and clock restart, and after the run) and from the evidence the engines
// saw (each node logs "equivocation seen" when two messages of one validator conflict).
import { readFileSync } from "node:fs";
import { bytesToHex } from "@ethereumjs/util";
import { decodePersistedState, messageStep } from "../../src/consensus/signing-record.js";

export interface SignedPosition {
  readonly node: string;
  readonly height: number;
  readonly round: number;
  readonly step: string;
  /** The value signed for ("nil" for a nil vote). */
  readonly value: string;
  readonly atMs: number;
}

export class SigningCheck {
  readonly samples: SignedPosition[] = [];
  readonly problems: string[] = [];
  private readonly seen = new Map<string, SignedPosition>();

  /** Adds one signing record read from `node`'s data dir. */
  add(node: string, record: Uint8Array | null, atMs: number): void {
    if (record === null) return;
    const decoded = decodePersistedState(record);
    if (!decoded.ok) {
      this.problems.push(`${node}: signing record does not decode: ${decoded.error}`);
      return;
    }
    const m = decoded.value.lastSigned;
    if (m === null) return;
    const value = m.valueHash === null ? "nil" : bytesToHex(m.valueHash);
    const p: SignedPosition = { node, height: m.height, round: m.round, step: messageStep(m), value, atMs };
    this.samples.push(p);
    const key = `${node}/${p.height}/${p.round}/${p.step}`;
    const before = this.seen.get(key);
    if (before === undefined) this.seen.set(key, p);
    else if (before.value !== p.value) this.problems.push(`${node} signed ${p.step} at height ${p.height} round ${p.round} for ${before.value} and later for ${p.value}`);
    // A record never moves backwards: the guard signs only past its last position.
    const last = this.samples.filter((s) => s.node === node).at(-2);
    if (last && (last.height > p.height || (last.height === p.height && last.round > p.round))) this.problems.push(`${node}'s signing record went back from ${last.height}/${last.round} to ${p.height}/${p.round}`);
  }

  /** Lines of the nodes' logs reporting an equivocation. */
  static equivocationsLogged(logFiles: readonly string[]): string[] {
    return logFiles.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .filter((l) => l.includes("equivocation seen"))
        .map((l) => `${f}: ${l.slice(0, 300)}`),
    );
  }
}
