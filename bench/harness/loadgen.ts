// The load generator: pre-signed transfers sent over JSON-RPC by `connections` workers, each with
// one eth_sendRawTransaction in flight (CometBFT QA style: rate x connections, or unpaced at
// saturation). A worker owns whole senders, so each sender's nonces arrive in order. A block
// watcher polls the head and stamps every load transaction when the block carrying it first
// shows; latency is submission to that stamp, TPS is transactions over first submission to last stamp.
// A paced run may have a sending window: what the node was too slow to take in it stays unsent and is
// counted, like what it accepted but had not included when the bounded drain after the window ended.
import { type Percentiles, percentiles } from "./stats.js";
import type { LoadTx, SignedLoad } from "./load-txs.js";
import { RpcClient, toQuantity } from "./rpc.js";

export interface LoadOptions {
  /** Workers, each holding one connection with one request in flight. At most the number of senders. */
  readonly connections: number;
  /** Transactions per second per connection; null: as fast as the node answers (saturation). */
  readonly ratePerConnection: number | null;
  /** How many of the signed transfers to send (taken evenly from all senders); default all. */
  readonly txs?: number;
  /** Block watcher poll interval; its stamp is late by at most this much plus one round trip. */
  readonly pollMs: number;
  /** The whole run (sending and waiting for inclusion) is abandoned after this long. */
  readonly timeoutMs: number;
  /**
   * Paced runs only: no worker starts a submission later than this after the run began. A node
   * that answers slower than offered then leaves transfers unsent (`notSent`), and accepted ones
   * still pending when the drain ends are counted (`notIncludedAfterDrain`); both are measurements
   * of the node, not problems. Without it every planned transfer is sent, however long that takes.
   */
  readonly windowMs?: number;
  /**
   * After the last submission is answered, wait at most this long for the rest to be included
   * (default: 30 s or 5 x the sending time, whichever is longer): a node that stalls or drops
   * transactions ends the run early instead of at the overall timeout.
   */
  readonly drainMs?: number;
  /** Endpoints to spread the connections over (worker i uses urls[i % urls.length]); the first one is watched. */
  readonly urls: readonly string[];
}

export interface LoadRunResult {
  readonly mode: "saturation" | "fixed-rate";
  readonly connections: number;
  readonly offeredTps: number | null;
  /** Transactions the run was to send; `sentInWindow` of them were sent, `submitted` of those accepted. */
  readonly txsPlanned: number;
  readonly submitted: number;
  /** Accepted transactions seen included; latency percentiles and TPS cover these only. */
  readonly confirmed: number;
  /** The sending window, s (null: none, every planned transfer was to be sent). */
  readonly windowSeconds: number | null;
  /** Submissions started (accepted, or the one rejection that ended the run). */
  readonly sentInWindow: number;
  /** Planned transfers never sent: the window closed first (or a problem ended the run). */
  readonly notSent: number;
  /** Accepted transfers not seen included when the watch ended (with a window, the drain bound; else a problem too). */
  readonly notIncludedAfterDrain: number;
  /** From the last submission's answer to the end of the watch for inclusions, s. */
  readonly drainSeconds: number;
  /** Per sender (load.senders order): transfers accepted, and of them seen included; both a nonce prefix. */
  readonly acceptedPerSender: readonly number[];
  readonly includedPerSender: readonly number[];
  /** First submission to the stamp of the last transaction's block (at a fixed rate, at least the schedule's length). */
  readonly durationSeconds: number;
  readonly tps: number;
  /** First submission to the last submission's answer, and the rate the node accepted them at. */
  readonly submitSeconds: number;
  readonly acceptedTps: number;
  /** Submission to inclusion seen, ms, over the `confirmed` transactions only (pending ones have no latency yet). */
  readonly latencyMs: Percentiles;
  /** eth_sendRawTransaction round trips, ms. */
  readonly sendMs: Percentiles;
  readonly blocksWithLoad: number;
  readonly maxTxsPerBlock: number;
  /** CPU seconds of this (load generator) process during the run: it shares the machine with the node. */
  readonly loadgenCpuSeconds: number;
  /** Raw per-transaction latencies in ms (0.1 ms resolution), in submission order; NaN never included. */
  readonly latencySamplesMs: readonly number[];
  /** Empty when every transaction was accepted and included in time. */
  readonly problems: readonly string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SUBMIT_TIMEOUT_MS = 60_000;

/** Worker c's transactions: its senders' (s % connections = c) transfers interleaved by nonce; `txs` in all, even across senders. */
export function workerQueues(load: SignedLoad, connections: number, txs: number): LoadTx[][] {
  const senders = load.senders.length;
  if (connections < 1 || connections > senders) throw new Error(`connections must be 1..${senders} (one sender is never split over connections)`);
  const queues: LoadTx[][] = Array.from({ length: connections }, () => []);
  // The first `txs` transfers in global order (i % senders), so the chosen set is even across senders.
  const counts = load.perSender.map((_, s) => Math.floor(txs / senders) + (s < txs % senders ? 1 : 0));
  const longest = Math.max(...counts);
  for (let k = 0; k < longest; k++)
    for (let s = 0; s < senders; s++) if (k < counts[s]!) queues[s % connections]!.push(load.perSender[s]![k]!);
  return queues;
}

/** The endpoint sender s's transfers go to: workerQueues gives it to worker s % connections, which uses urls[c % urls.length]. */
export function endpointOfSender(sender: number, connections: number, urls: readonly string[]): string {
  return urls[(sender % connections) % urls.length]!;
}

export async function runLoad(load: SignedLoad, o: LoadOptions): Promise<LoadRunResult> {
  if (o.windowMs !== undefined && o.ratePerConnection === null) throw new Error("a sending window needs a paced (fixed-rate) run: at saturation the load's size is the measure");
  const txs = Math.min(o.txs ?? load.total, load.total);
  const queues = workerQueues(load, o.connections, txs);
  // A slow answer is a measurement, not an error; one unanswered for a minute is a failure.
  const clients = o.urls.map((u) => new RpcClient(u, o.connections, Math.min(o.timeoutMs, SUBMIT_TIMEOUT_MS)));
  const watcher = new RpcClient(o.urls[0]!, 1, 10_000);
  const fetcher = new RpcClient(o.urls[0]!, 1, 30_000);
  const index = new Map<string, number>();
  const all = queues.flat();
  all.forEach((t, i) => index.set(t.hash, i));
  const submittedAt = new Float64Array(all.length).fill(Number.NaN);
  const answeredAt = new Float64Array(all.length).fill(Number.NaN);
  const seenAt = new Float64Array(all.length).fill(Number.NaN);
  const problems: string[] = [];
  let stop = false;
  let workersDone = false;
  let drainDeadline = Infinity;
  let confirmed = 0;
  let blocksWithLoad = 0;
  let maxTxsPerBlock = 0;

  const startHead = Number(BigInt(await watcher.call<string>("eth_blockNumber")));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + o.timeoutMs;
  const windowEnd = o.windowMs === undefined ? Infinity : t0 + o.windowMs;

  const worker = async (c: number) => {
    const client = clients[c % clients.length]!;
    const queue = queues[c]!;
    for (let j = 0; j < queue.length && !stop; j++) {
      if (o.ratePerConnection !== null) {
        const due = t0 + (j * 1000) / o.ratePerConnection;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      // Behind schedule at the window's end: the rest of this worker's senders' nonces stay unsent (no gap).
      if (performance.now() > windowEnd) return;
      if (performance.now() > deadline) {
        problems.push(`connection ${c}: sending not finished within ${o.timeoutMs / 1000} s`);
        stop = true;
        return;
      }
      const tx = queue[j]!;
      const i = index.get(tx.hash)!;
      submittedAt[i] = performance.now();
      try {
        const hash = await client.call<string>("eth_sendRawTransaction", [tx.raw]);
        answeredAt[i] = performance.now();
        if (typeof hash !== "string" || hash.toLowerCase() !== tx.hash) throw new Error(`answered hash ${String(hash)}, expected ${tx.hash}`);
      } catch (e) {
        problems.push(`connection ${c}: sender ${tx.sender} nonce ${tx.nonce} rejected: ${(e as Error).message}`);
        stop = true; // a gap in a sender's nonces would stall the rest: end the run
        return;
      }
    }
  };

  // Two loops: one polls the head and stamps each block number when it first shows; the other
  // fetches block contents (which can lag behind when blocks come fast) and gives each load
  // transaction its block's stamp. So a slow fetch never makes a stamp late.
  const blockStamp = new Map<number, number>();
  let head = startHead;
  let watching = true;
  // A node under heavy load may miss a poll; three misses in a row end the run.
  const MAX_POLL_FAILURES = 3;
  const pollHead = async () => {
    let failures = 0;
    while (watching && performance.now() <= deadline) {
      try {
        const h = Number(BigInt(await watcher.call<string>("eth_blockNumber")));
        const stamp = performance.now();
        for (let n = head + 1; n <= h; n++) blockStamp.set(n, stamp);
        head = Math.max(head, h);
        failures = 0;
      } catch (e) {
        if (++failures >= MAX_POLL_FAILURES) {
          problems.push(`head poller: ${failures} polls in a row failed, the last: ${(e as Error).message}`);
          stop = true;
          return;
        }
      }
      await sleep(o.pollMs);
    }
  };
  const fetchBlocks = async () => {
    let last = startHead;
    let fetchFailures = 0;
    for (;;) {
      const now = performance.now();
      if (stop || (workersDone && confirmed >= countFinite(answeredAt)) || now > deadline || now > drainDeadline) break;
      const to = Math.min(head, last + 100);
      if (to <= last) {
        await sleep(o.pollMs);
        continue;
      }
      try {
        const calls = [];
        for (let n = last + 1; n <= to; n++) calls.push({ method: "eth_getBlockByNumber", params: [toQuantity(n), false] });
        const blocks = await fetcher.batch<{ number: string; transactions: string[] } | null>(calls);
        for (const b of blocks) {
          if (b === null) throw new Error("a block at or below the reported head is missing");
          const stamp = blockStamp.get(Number(BigInt(b.number)))!;
          let mine = 0;
          for (const h of b.transactions) {
            const i = index.get(h.toLowerCase());
            if (i !== undefined && Number.isNaN(seenAt[i]!)) {
              seenAt[i] = stamp;
              confirmed++;
              mine++;
            }
          }
          if (mine > 0) blocksWithLoad++;
          maxTxsPerBlock = Math.max(maxTxsPerBlock, mine);
        }
        last = to;
      } catch (e) {
        if (++fetchFailures >= MAX_POLL_FAILURES) {
          problems.push(`block fetcher: ${fetchFailures} fetches in a row failed, the last: ${(e as Error).message}`);
          stop = true;
          break;
        }
        await sleep(o.pollMs);
        continue;
      }
      fetchFailures = 0;
    }
    watching = false;
  };

  const watchers = Promise.all([pollHead(), fetchBlocks()]);
  await Promise.all(queues.map((_, c) => worker(c)));
  const sendingMs = performance.now() - t0;
  drainDeadline = performance.now() + (o.drainMs ?? Math.max(30_000, 5 * sendingMs));
  workersDone = true;
  await watchers;
  const drainSeconds = (performance.now() - t0 - sendingMs) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const c of clients) c.close();
  watcher.close();
  fetcher.close();

  const submitted = countFinite(answeredAt);
  const sentInWindow = countFinite(submittedAt);
  const waitedSeconds = (performance.now() - t0) / 1000;
  // With a window, a backlog left at the drain's end is what is measured; without one it means lost transactions.
  if (confirmed < submitted && o.windowMs === undefined) problems.push(`only ${confirmed} of ${submitted} accepted transactions were included (waited ${waitedSeconds.toFixed(0)} s, ${((waitedSeconds * 1000 - sendingMs) / 1000).toFixed(0)} s after the last submission)`);
  const firstSubmit = minFinite(submittedAt);
  const lastSeen = maxFinite(seenAt);
  const lastAnswer = maxFinite(answeredAt);
  const latencies: number[] = [];
  const sends: number[] = [];
  let pending = 0;
  const acceptedPerSender = load.senders.map(() => 0);
  const includedPerSender = load.senders.map(() => 0);
  for (let i = 0; i < all.length; i++) {
    if (Number.isFinite(seenAt[i]!)) {
      latencies.push(Math.round((seenAt[i]! - submittedAt[i]!) * 10) / 10);
      includedPerSender[all[i]!.sender]!++;
    }
    if (Number.isFinite(answeredAt[i]!)) {
      sends.push(answeredAt[i]! - submittedAt[i]!);
      acceptedPerSender[all[i]!.sender]!++;
      if (!Number.isFinite(seenAt[i]!)) pending++;
    }
  }
  // At a fixed rate the last of k transactions per connection is due at (k - 1) / rate: measuring to
  // it alone would count k transactions over k - 1 intervals. The schedule's k / rate (cut at the window) is the floor.
  const scheduled = o.ratePerConnection === null ? 0 : Math.min(Math.max(...queues.map((q) => q.length)) / o.ratePerConnection, (o.windowMs ?? Infinity) / 1000);
  const durationSeconds = Math.max((lastSeen - firstSubmit) / 1000, scheduled);
  const submitSeconds = Math.max((lastAnswer - firstSubmit) / 1000, scheduled);
  return {
    mode: o.ratePerConnection === null ? "saturation" : "fixed-rate",
    connections: o.connections,
    offeredTps: o.ratePerConnection === null ? null : o.ratePerConnection * o.connections,
    txsPlanned: all.length,
    submitted,
    confirmed,
    windowSeconds: o.windowMs === undefined ? null : o.windowMs / 1000,
    sentInWindow,
    notSent: all.length - sentInWindow,
    notIncludedAfterDrain: pending,
    drainSeconds,
    acceptedPerSender,
    includedPerSender,
    durationSeconds,
    tps: durationSeconds > 0 ? confirmed / durationSeconds : Number.NaN,
    submitSeconds,
    acceptedTps: submitSeconds > 0 ? submitted / submitSeconds : Number.NaN,
    latencyMs: percentiles(latencies),
    sendMs: percentiles(sends),
    blocksWithLoad,
    maxTxsPerBlock,
    loadgenCpuSeconds: (cpu.user + cpu.system) / 1e6,
    latencySamplesMs: latencies,
    problems,
  };
}

function countFinite(a: Float64Array): number {
  let n = 0;
  for (const v of a) if (Number.isFinite(v)) n++;
  return n;
}

function minFinite(a: Float64Array): number {
  let m = Infinity;
  for (const v of a) if (v < m) m = v;
  return m;
}

function maxFinite(a: Float64Array): number {
  let m = -Infinity;
  for (const v of a) if (v > m) m = v;
  return m;
}
