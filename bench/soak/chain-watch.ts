// The soak's continuous checks over JSON-RPC, run every second against every node that answers:
//  - one chain: the hash at every height a node has equals what the first node to show that height
//    had (a wiped node starts over and is checked again from height 1 as it syncs back);
//  - receipts: each load transaction found in a block on the RPC node has its receipt fetched and
//    kept; kept receipts are re-read (from a rotating node, and from all of them at the end) and must
//    still name the same block;
//  - heads over time (per node) and load transactions per block as the RPC node first showed them.
import { RpcClient, toQuantity } from "../harness/rpc.js";
import type { ClusterNode } from "./cluster.js";

export interface Violation {
  readonly atMs: number;
  readonly invariant: "one-chain" | "receipts" | "nonces" | "no-vanished-tx" | "double-sign" | "recovery" | "memory" | "node-exit" | "disk-full";
  readonly detail: string;
}

export interface KeptReceipt {
  readonly txHash: string;
  readonly blockHash: string;
  readonly blockNumber: number;
  readonly status: string;
}

interface NodeCursor {
  checkedUpTo: number;
  head: number;
  /** ms since t0 of the last successful poll. */
  lastAnswerMs: number;
}

export interface HeadSample {
  readonly atMs: number;
  readonly node: string;
  readonly head: number;
}

export interface BlockSample {
  readonly atMs: number;
  readonly number: number;
  readonly loadTxs: number;
}

const BATCH = 50;
const RECEIPT_BATCH = 400;
const POLL_TIMEOUT_MS = 3_000;
const FINAL_TIMEOUT_MS = 60_000;

export class ChainWatch {
  readonly canonical = new Map<number, string>();
  readonly receipts = new Map<string, KeptReceipt>();
  readonly violations: Violation[] = [];
  readonly heads: HeadSample[] = [];
  readonly blocks: BlockSample[] = [];
  /** Heights compared against the canonical hash, summed over nodes. */
  comparedHeights = 0;
  receiptRechecks = 0;
  private readonly cursors = new Map<string, NodeCursor>();
  private readonly clients = new Map<string, RpcClient>();
  /** For the end-of-run checks: big batches on a loaded machine may take longer than a poll may. */
  private readonly patientClients = new Map<string, RpcClient>();
  private readonly load = new Set<string>();
  private rotate = 0;

  constructor(
    private readonly nodes: readonly ClusterNode[],
    private readonly rpcName: string,
    private readonly t0: number,
  ) {
    for (const n of nodes) {
      this.cursors.set(n.name, { checkedUpTo: 0, head: 0, lastAnswerMs: 0 });
      this.clients.set(n.name, new RpcClient(n.url, 2, POLL_TIMEOUT_MS));
      this.patientClients.set(n.name, new RpcClient(n.url, 2, FINAL_TIMEOUT_MS));
    }
  }

  private now(): number {
    return performance.now() - this.t0;
  }

  violate(invariant: Violation["invariant"], detail: string): void {
    if (this.violations.filter((v) => v.invariant === invariant).length < 50) this.violations.push({ atMs: this.now(), invariant, detail });
  }

  /** Load transaction hashes whose inclusion the watch looks for (all pre-signed ones, sent or not). */
  trackLoad(hash: string): void {
    this.load.add(hash);
  }

  head(name: string): number {
    return this.cursors.get(name)!.head;
  }

  lastAnswerMs(name: string): number {
    return this.cursors.get(name)!.lastAnswerMs;
  }

  /** A wiped node: check its chain again from the start. */
  restartFromGenesis(name: string): void {
    const c = this.cursors.get(name)!;
    c.checkedUpTo = 0;
    c.head = 0;
  }

  /** One pass over every node: their heads and new blocks, then a receipt re-read on one node. */
  async poll(isUp: (name: string) => boolean): Promise<void> {
    await Promise.all(this.nodes.filter((n) => isUp(n.name)).map((n) => this.pollNode(n).catch(() => undefined)));
    const up = this.nodes.filter((n) => isUp(n.name));
    if (up.length > 0 && this.receipts.size > 0) {
      const n = up[this.rotate++ % up.length]!;
      const sample = [...this.receipts.values()].slice(-RECEIPT_BATCH);
      await this.recheckReceipts(n, sample).catch(() => undefined);
    }
  }

  private async pollNode(n: ClusterNode): Promise<void> {
    const client = this.clients.get(n.name)!;
    const cursor = this.cursors.get(n.name)!;
    const head = Number(BigInt(await client.call<string>("eth_blockNumber")));
    cursor.head = head;
    cursor.lastAnswerMs = this.now();
    this.heads.push({ atMs: cursor.lastAnswerMs, node: n.name, head });
    while (cursor.checkedUpTo < head) {
      const from = cursor.checkedUpTo + 1;
      const to = Math.min(head, from + BATCH - 1);
      const calls = [];
      for (let h = from; h <= to; h++) calls.push({ method: "eth_getBlockByNumber", params: [toQuantity(h), false] });
      const blocks = await client.batch<{ number: string; hash: string; transactions: string[] } | null>(calls);
      for (const b of blocks) {
        if (b === null) {
          this.violate("one-chain", `${n.name} reports head ${head} but has no block ${from + blocks.indexOf(b)}`);
          return;
        }
        const h = Number(BigInt(b.number));
        const known = this.canonical.get(h);
        if (known === undefined) this.canonical.set(h, b.hash);
        else if (known !== b.hash) this.violate("one-chain", `${n.name} has ${b.hash} at height ${h}, another node had ${known}`);
        this.comparedHeights++;
        if (n.name === this.rpcName) await this.takeReceipts(client, b);
        cursor.checkedUpTo = h;
      }
    }
  }

  private async takeReceipts(client: RpcClient, b: { number: string; hash: string; transactions: string[] }): Promise<void> {
    const mine = b.transactions.map((t) => t.toLowerCase()).filter((t) => this.load.has(t));
    this.blocks.push({ atMs: this.now(), number: Number(BigInt(b.number)), loadTxs: mine.length });
    if (mine.length === 0) return;
    const got = await client.batch<{ transactionHash: string; blockHash: string; blockNumber: string; status: string } | null>(
      mine.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })),
    );
    for (let i = 0; i < mine.length; i++) {
      const r = got[i];
      if (!r) {
        this.violate("receipts", `transaction ${mine[i]} is in block ${b.hash} but has no receipt`);
        continue;
      }
      if (r.blockHash !== b.hash) this.violate("receipts", `receipt of ${mine[i]} names block ${r.blockHash}, the block holding it is ${b.hash}`);
      this.receipts.set(mine[i]!, { txHash: mine[i]!, blockHash: r.blockHash, blockNumber: Number(BigInt(r.blockNumber)), status: r.status });
    }
  }

  /** Every kept receipt must still be there on `n`, in the same block with the same status. */
  async recheckReceipts(n: ClusterNode, receipts: readonly KeptReceipt[], o: { requireAll?: boolean } = {}): Promise<void> {
    const client = (o.requireAll ? this.patientClients : this.clients).get(n.name)!;
    const cursor = this.cursors.get(n.name)!;
    for (let i = 0; i < receipts.length; i += RECEIPT_BATCH) {
      const chunk = receipts.slice(i, i + RECEIPT_BATCH);
      const got = await client.batch<{ blockHash: string; blockNumber: string; status: string } | null>(chunk.map((r) => ({ method: "eth_getTransactionReceipt", params: [r.txHash] })));
      chunk.forEach((kept, k) => {
        const r = got[k];
        // A node that is still syncing back may not have the block yet; at the end every node must.
        if (!r) {
          if (o.requireAll || kept.blockNumber <= cursor.checkedUpTo) this.violate("receipts", `${n.name} has no receipt for ${kept.txHash} (was in block ${kept.blockNumber} ${kept.blockHash})`);
          return;
        }
        if (r.blockHash !== kept.blockHash || r.status !== kept.status) this.violate("receipts", `${n.name}: receipt of ${kept.txHash} now names block ${r.blockHash} status ${r.status}, was ${kept.blockHash} status ${kept.status}`);
      });
      this.receiptRechecks += chunk.length;
    }
  }

  /** The highest head any node answered with. */
  maxHead(): number {
    return Math.max(0, ...[...this.cursors.values()].map((c) => c.head));
  }

  /** A client for the end-of-run checks (long timeout). */
  patientClient(name: string): RpcClient {
    return this.patientClients.get(name)!;
  }

  close(): void {
    for (const c of [...this.clients.values(), ...this.patientClients.values()]) c.close();
  }
}
