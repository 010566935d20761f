// The soak's offered load: the bench's pre-signed transfers (load-txs.ts: deterministic senders,
// funded from the dev accounts) sent over JSON-RPC at a steady total rate, one worker per sender so
// each sender's nonces go out in order. Unlike the bench's runLoad, which ends a run at the first
// refusal, a worker here retries the same transaction until the node accepts it (or says it already
// has it): a fault must not open a nonce gap, and every accepted hash is recorded for the checks.
import type { LoadTx, SignedLoad } from "../harness/load-txs.js";
import { RpcClient } from "../harness/rpc.js";

export interface AcceptedTx {
  readonly tx: LoadTx;
  /** ms since the run's t0 when the node answered with the hash. */
  readonly acceptedAtMs: number;
  /** How the node answered: its hash, or a refusal that means it already had it. */
  readonly how: "hash" | "already-known" | "nonce-too-low";
}

export interface LoadStats {
  readonly sent: number;
  readonly retries: number;
  readonly errors: Readonly<Record<string, number>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRY_MS = 500;

/** A refusal that means the node already holds (or has already included) this very transaction. */
function alreadyAccepted(message: string): AcceptedTx["how"] | null {
  const m = message.toLowerCase();
  if (m.includes("already known") || m.includes("already-known")) return "already-known";
  if (m.includes("nonce too low") || m.includes("nonce-too-low")) return "nonce-too-low";
  return null;
}

export class SteadyLoad {
  readonly accepted: AcceptedTx[] = [];
  private readonly client: RpcClient;
  private stopped = false;
  private running: Promise<void> | null = null;
  private sent = 0;
  private retries = 0;
  private readonly errors: Record<string, number> = {};

  constructor(
    private readonly load: SignedLoad,
    url: string,
    /** Total offered transactions per second, spread evenly over the senders. */
    private readonly rate: number,
    private readonly t0: number,
  ) {
    this.client = new RpcClient(url, load.senders.length, 10_000);
  }

  start(): void {
    const perSender = this.rate / this.load.senders.length;
    const began = performance.now();
    this.running = Promise.all(this.load.perSender.map((txs, s) => this.worker(txs, perSender, began + (s * 1000) / this.rate))).then(() => undefined);
  }

  private async worker(txs: readonly LoadTx[], rate: number, firstDue: number): Promise<void> {
    for (let k = 0; k < txs.length && !this.stopped; k++) {
      const wait = firstDue + (k * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      const tx = txs[k]!;
      for (let attempt = 0; !this.stopped; attempt++) {
        if (attempt > 0) {
          this.retries++;
          await sleep(RETRY_MS);
        }
        this.sent++;
        try {
          const hash = await this.client.call<string>("eth_sendRawTransaction", [tx.raw]);
          if (typeof hash !== "string" || hash.toLowerCase() !== tx.hash) throw new Error(`answered ${String(hash)} for ${tx.hash}`);
          this.accepted.push({ tx, acceptedAtMs: performance.now() - this.t0, how: "hash" });
          break;
        } catch (e) {
          const message = (e as Error).message;
          const how = alreadyAccepted(message);
          if (how !== null) {
            this.accepted.push({ tx, acceptedAtMs: performance.now() - this.t0, how });
            break;
          }
          const key = message.replace(/0x[0-9a-f]+/gi, "0x…").replace(/\d+/g, "N").slice(0, 120);
          this.errors[key] = (this.errors[key] ?? 0) + 1;
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.client.close();
  }

  stats(): LoadStats {
    return { sent: this.sent, retries: this.retries, errors: { ...this.errors } };
  }
}
