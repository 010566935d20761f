// A user-space TCP relay for one directed p2p link (node i dialing node j): the soak's partitions,
// latency and loss happen here, since network namespaces and netem need root and a kernel module
// (see README "Soak"). Cutting a link destroys its open connections and refuses new ones until it
// heals. Latency holds every chunk, in both directions, for delay ± jitter with order kept. TCP
// never loses bytes, so "loss" is what it costs a TCP stream: a lost segment waits for its
// retransmission, so with probability `lossPct` a chunk is held an extra RETRANSMIT_MS.
import { createServer, connect, type Server, type Socket } from "node:net";

export interface LinkShape {
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly lossPct: number;
}

/** A minimum TCP retransmission timeout (Linux's TCP_RTO_MIN is 200 ms). */
export const RETRANSMIT_MS = 200;

const CLEAR: LinkShape = { delayMs: 0, jitterMs: 0, lossPct: 0 };

export class LinkProxy {
  private cut = false;
  private shape: LinkShape = CLEAR;
  private readonly pairs = new Set<Socket>();
  /** Connections accepted and refused while cut: how the soak knows a partition held. */
  refused = 0;
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly targetPort: number,
    private readonly random: () => number,
  ) {}

  static async start(targetPort: number, random: () => number): Promise<LinkProxy> {
    const server = createServer();
    await new Promise<void>((res, rej) => {
      server.once("error", rej);
      server.listen(0, "127.0.0.1", () => res());
    });
    const port = (server.address() as { port: number }).port;
    const proxy = new LinkProxy(server, port, targetPort, random);
    server.on("connection", (s) => proxy.accept(s));
    return proxy;
  }

  get isCut(): boolean {
    return this.cut;
  }

  setCut(cut: boolean): void {
    this.cut = cut;
    if (cut) for (const s of this.pairs) s.destroy();
  }

  setShape(shape: LinkShape | null): void {
    this.shape = shape ?? CLEAR;
  }

  private accept(inbound: Socket): void {
    inbound.on("error", () => undefined);
    if (this.cut) {
      this.refused++;
      inbound.destroy();
      return;
    }
    this.accepted++;
    const outbound = connect(this.targetPort, "127.0.0.1");
    outbound.on("error", () => undefined);
    for (const s of [inbound, outbound]) this.pairs.add(s);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
      this.pairs.delete(inbound);
      this.pairs.delete(outbound);
    };
    inbound.once("close", close);
    outbound.once("close", close);
    this.pipe(inbound, outbound);
    this.pipe(outbound, inbound);
  }

  /**
   * Forwards `from` to `to`, through the delay line when the link is shaped. The line is one FIFO
   * with one timer: a timer per chunk could fire out of order (Node orders timers by the event
   * loop's cached time, not by Date.now()), and a reordered byte stream is a broken connection.
   */
  private pipe(from: Socket, to: Socket): void {
    const line: { due: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = () => {
      timer = undefined;
      const now = Date.now();
      while (line.length > 0 && line[0]!.due <= now) {
        const { chunk } = line.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (line.length > 0) timer = setTimeout(pump, line[0]!.due - now);
    };
    from.on("data", (chunk: Buffer) => {
      const s = this.shape;
      if (line.length === 0 && s.delayMs === 0 && s.jitterMs === 0 && s.lossPct === 0) {
        to.write(chunk);
        return;
      }
      const extra = this.random() * 100 < s.lossPct ? RETRANSMIT_MS : 0;
      const jitter = s.jitterMs === 0 ? 0 : (this.random() * 2 - 1) * s.jitterMs;
      // A chunk never overtakes the one before it: its due time is at least that one's.
      const due = Math.max(line.at(-1)?.due ?? 0, Date.now() + Math.max(0, s.delayMs + jitter) + extra);
      line.push({ due, chunk });
      if (timer === undefined) timer = setTimeout(pump, Math.max(0, line[0]!.due - Date.now()));
    });
    from.once("close", () => clearTimeout(timer));
  }

  async close(): Promise<void> {
    this.setCut(true);
    await new Promise<void>((res) => this.server.close(() => res()));
  }
}

/**
 * Every directed link of a localnet of `count` nodes: links[i][j] relays node i's dials to node j's
 * p2p port. Node i's bootnodes are its links' ports, so every p2p connection passes through one.
 */
export class LinkMesh {
  private constructor(readonly links: readonly (readonly (LinkProxy | null)[])[]) {}

  static async start(p2pPorts: readonly number[], random: () => number): Promise<LinkMesh> {
    const links: (LinkProxy | null)[][] = [];
    for (let i = 0; i < p2pPorts.length; i++) {
      const row: (LinkProxy | null)[] = [];
      for (let j = 0; j < p2pPorts.length; j++) row.push(i === j ? null : await LinkProxy.start(p2pPorts[j]!, random));
      links.push(row);
    }
    return new LinkMesh(links);
  }

  /** The bootnode multiaddrs node i dials: its relay to every other node. */
  bootnodesOf(i: number): string[] {
    return this.links[i]!.filter((l): l is LinkProxy => l !== null).map((l) => `/ip4/127.0.0.1/tcp/${l.port}`);
  }

  /** Both directions between a and b. */
  between(a: number, b: number): LinkProxy[] {
    return [this.links[a]![b], this.links[b]![a]].filter((l): l is LinkProxy => l != null);
  }

  /** Cuts (or heals) every link between group A and group B. */
  partition(a: readonly number[], b: readonly number[], cut: boolean): void {
    for (const i of a) for (const j of b) for (const l of this.between(i, j)) l.setCut(cut);
  }

  /** Shapes (or clears, with null) every link touching node i. */
  shapeNode(i: number, shape: LinkShape | null): void {
    for (let j = 0; j < this.links.length; j++) if (j !== i) for (const l of this.between(i, j)) l.setShape(shape);
  }

  /** Connections refused by cut links so far. */
  refused(): number {
    return this.links.flat().reduce((s, l) => s + (l?.refused ?? 0), 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.links.flat().map((l) => l?.close()));
  }
}
