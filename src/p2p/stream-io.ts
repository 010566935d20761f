// Bounded reading and writing on libp2p v3 streams, for the request/response protocols.
//
// A hostile peer controls every byte we read, so reads are exact-length, every declared length is
// checked against a limit before anything is allocated for it (by the codec), and the total a
// stream may deliver is capped: past the cap the stream is aborted. Deadlines race the work, so a
// peer that never answers (or a close that never settles) cannot hold a request open.
//
// Why events and not `for await (const chunk of stream)`: the v3 stream's async iterator only
// starts listening on its first next(), and if the remote's data and close both arrived before
// that, it delivers the data but never sees the end (the close events already fired), so the read
// hangs. StreamReader attaches its listeners when constructed, which callers do synchronously right
// after obtaining the stream, and also reads the stream's `readableEnded` flag.

import type { Stream } from "@libp2p/interface";

/** The remote broke the protocol (bad length, truncated, oversized, trailing bytes): its fault. */
export class ProtocolViolation extends Error {
  override name = "ProtocolViolation";
}

/**
 * The stream ended before a complete message: a protocol violation, unless the connection itself
 * went away (a peer shutting down gracefully closes its streams cleanly, mid-request or not), which
 * the caller can tell apart with connectionLost().
 */
export class StreamEndedEarly extends ProtocolViolation {
  override name = "StreamEndedEarly";
}

/** The remote did not answer in time (or we could not send in time). */
export class StreamTimeout extends Error {
  override name = "StreamTimeout";
}

/**
 * Reads exact byte counts from a stream, refusing to take in more than `maxBytes` in total.
 * Construct it before the first await after the stream is opened or handed to a handler.
 */
export class StreamReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private received = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly stream: Stream,
    private readonly maxBytes: number,
  ) {
    stream.addEventListener("message", (evt) => this.onData(evt.data.subarray()));
    stream.addEventListener("end", () => this.onEnd());
    stream.addEventListener("close", (evt) => {
      if (evt.error !== undefined) this.onFailure(evt.error);
      else if (stream.readBufferLength === 0) this.onEnd();
    });
    if (stream.status === "reset" || stream.status === "aborted") this.failure = new Error(`stream was ${stream.status} before it was read`);
    else if (stream.readableEnded) this.ended = true;
  }

  /** Bytes taken from the stream so far. */
  get bytesReceived(): number {
    return this.received;
  }

  /** Exactly `n` bytes; throws ProtocolViolation if the stream ends first. */
  async readExact(n: number): Promise<Uint8Array> {
    while (this.buffered < n) {
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) throw new StreamEndedEarly(`stream ended after ${this.buffered} of ${n} expected bytes`);
      await this.next();
    }
    return this.take(n);
  }

  /** Resolves once the remote has closed its end with nothing left unread; throws on extra bytes. */
  async expectEnd(): Promise<void> {
    while (true) {
      if (this.buffered > 0) throw new ProtocolViolation("unexpected bytes after the end of the message");
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return;
      await this.next();
    }
  }

  private next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private onData(chunk: Uint8Array): void {
    if (this.failure !== undefined || chunk.length === 0) return;
    this.received += chunk.length;
    if (this.received > this.maxBytes) {
      const violation = new ProtocolViolation(`peer sent more than the ${this.maxBytes}-byte limit`);
      this.onFailure(violation);
      this.stream.abort(violation);
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.notify();
  }

  private onEnd(): void {
    this.ended = true;
    this.notify();
  }

  private onFailure(err: Error): void {
    this.failure ??= err;
    this.chunks = [];
    this.buffered = 0;
    this.notify();
  }

  /** Copies the next n buffered bytes into a new plain Uint8Array (never a view pinning a chunk). */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length, n - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    this.buffered -= n;
    return out;
  }
}

/**
 * Whether `connection` closes within `graceMs` (polled). A stream that ended early on a connection
 * that then closes was cut by the connection's end (the peer stopped, or the link broke), which is
 * nobody's protocol violation; one whose connection stays open was ended by the peer on purpose.
 */
export async function connectionLost(connection: { readonly status: string }, graceMs: number): Promise<boolean> {
  const deadline = Date.now() + graceMs;
  while (connection.status === "open") {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Writes the parts in order, waiting for the stream to drain when its buffer is full. */
export async function writeAll(stream: Stream, parts: readonly Uint8Array[]): Promise<void> {
  for (const part of parts) {
    if (!stream.send(part)) await stream.onDrain();
  }
}

/**
 * Runs `work` with a deadline: when it passes, the stream is aborted and the call rejects with a
 * StreamTimeout naming `what`, whether or not `work` ever settles.
 */
export async function withDeadline<T>(stream: Stream, ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new StreamTimeout(`${what} timed out after ${ms} ms`);
      stream.abort(err);
      reject(err);
    }, ms);
  });
  const running = work();
  running.catch(() => undefined); // if the deadline wins, the work's own failure is expected noise
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
