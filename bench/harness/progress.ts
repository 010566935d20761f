// Progress of a long run: a cli-progress bar with ETA when stdout is a terminal, plain one-line
// updates otherwise (CI logs). Steps carry a weight (their expected cost), so the ETA of a sweep
// whose last steps are the expensive ones (N = 1000) is not wildly optimistic.
import { SingleBar, Presets } from "cli-progress";

export class Progress {
  private readonly bar: SingleBar | null;
  private done = 0;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly totalWeight: number,
    tty = process.stdout.isTTY === true,
  ) {
    this.bar = tty
      ? new SingleBar({ format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {step}`, etaBuffer: 1000, hideCursor: true, clearOnComplete: false }, Presets.shades_classic)
      : null;
    this.bar?.start(Math.max(1, Math.round(totalWeight)), 0, { step: "starting" });
  }

  /** Announces the step about to run. */
  begin(step: string): void {
    if (this.bar) this.bar.update(Math.round(this.done), { step });
    else console.log(`[${this.label}] ${step}${this.eta()}`);
  }

  /** Marks `weight` units of work as done (the bar keeps showing the last step). */
  advance(weight: number): void {
    this.done += weight;
    this.bar?.update(Math.round(this.done));
  }

  /** Prints a line above the bar (or as is without one). */
  log(line: string): void {
    if (this.bar) {
      this.bar.stop();
      console.log(line);
      this.bar.start(Math.max(1, Math.round(this.totalWeight)), Math.round(this.done), { step: "…" });
    } else console.log(line);
  }

  stop(): void {
    this.bar?.stop();
  }

  private eta(): string {
    if (this.done <= 0) return "";
    const elapsed = (performance.now() - this.started) / 1000;
    const remaining = (elapsed / this.done) * Math.max(0, this.totalWeight - this.done);
    return ` (${Math.round((this.done / this.totalWeight) * 100)} %, ETA ${Math.round(remaining)} s)`;
  }
}
