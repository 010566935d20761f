// The fuzzers' seed and budget. CI runs a fixed, small budget (every fuzz test together well under a
// minute); VERITY_FUZZ_RUNS raises it for a longer hunt and VERITY_FUZZ_SEED replays another seed
// (fast-check prints the seed and the path of a failing input, so a failure found either way can be
// replayed exactly). See "Fuzzing" in the README.
import fc from "fast-check";

export const FUZZ_SEED = envInt("VERITY_FUZZ_SEED", 20261202);
const RUNS = process.env.VERITY_FUZZ_RUNS === undefined ? undefined : envInt("VERITY_FUZZ_RUNS", 0);

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Inputs per property: `ci` by default, VERITY_FUZZ_RUNS when set. */
export function fuzzRuns(ci: number): number {
  return RUNS ?? ci;
}

/** fast-check parameters for one property: the shared seed (offset per property so properties differ). */
export function fuzzParams(ci: number, salt: string): fc.Parameters<unknown> {
  let h = 0;
  for (const ch of salt) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return { seed: (FUZZ_SEED ^ h) | 0, numRuns: fuzzRuns(ci), endOnFailure: true };
}

/** Counts inputs tried per target, printed once at the end of a file (the report's figures). */
export class FuzzTally {
  private readonly counts = new Map<string, number>();
  constructor(private readonly what: string) {}

  add(target: string, n = 1): void {
    this.counts.set(target, (this.counts.get(target) ?? 0) + n);
  }

  get(target: string): number {
    return this.counts.get(target) ?? 0;
  }

  print(): void {
    const rows = [...this.counts].map(([target, n]) => `  ${target}: ${n}`);
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    console.info(`fuzz ${this.what} (seed ${FUZZ_SEED}): ${total} inputs\n${rows.join("\n")}`);
  }
}
