// The database behind the world-state trie (@ethereumjs/mpt's DB interface). Trie nodes and contract
// code are content-addressed, so we never delete (an archive node: every past state stays readable for
// eth_call/eth_getBalance at old blocks). Writes made while executing a block stay in memory until
// the block commits, when ChainStore.commitBlock writes them in the same LevelDB batch as the block,
// its receipts and the new head: a crash can never leave a head whose state is half on disk.
//
// Nodes of recent commits and recent reads stay in a shared LRU in front of LevelDB. Every trie
// instance has its own node cache, but readers at a new state root (pool re-validation, admission,
// RPC) get a fresh trie for each root: without this shared cache each of their walks went to
// LevelDB (~250 µs per account read right after a block), for nodes the block had just written.
import type { BatchDBOp, DB, EncodingOpts } from "@ethereumjs/util";
import type { ClassicLevel } from "classic-level";
import { stateNodeKey } from "./keys.js";
import { asPlainBytes } from "./bytes.js";

/** Trie nodes (and code) kept in memory after they are durable, per cache generation (so between
 * 32k and 64k nodes, 10-40 MB): the last several blocks' changed nodes, which is what reads at
 * the newest state roots walk through. */
const RECENT_NODES = 32_768;

type Value = string | Uint8Array;

function toBytes(v: Value): Uint8Array {
  return typeof v === "string" ? new TextEncoder().encode(v) : v;
}

/** Where the state trie's node reads were served from, counted since the node started. */
export interface StateReadCounts {
  /** Nodes written by the block being executed or committed, not yet durable. */
  unwritten: number;
  /** The recent-nodes cache (a hit). */
  cache: number;
  /** LevelDB (a miss, including reads of nodes that are not there). */
  disk: number;
}

export class StateNodeDB implements DB<string, Value> {
  private readonly reads: StateReadCounts = { unwritten: 0, cache: 0, disk: 0 };
  /** Nodes written since the last commit, by the trie's own key (unprefixed hex of hash or code key). */
  private pending = new Map<string, Uint8Array>();
  /** Sets handed to a commit whose batch is not yet durable: still readable from here. */
  private inFlight: Array<Map<string, Uint8Array>> = [];
  /**
   * Durable nodes recently committed or read (content-addressed, so never stale), in two
   * generations: writes fill the young one; when it is full it becomes the old one and the previous
   * old one is dropped. A read hit costs Map lookups only, no reordering.
   */
  private recentYoung = new Map<string, Uint8Array>();
  private recentOld = new Map<string, Uint8Array>();

  constructor(private readonly level: ClassicLevel<Uint8Array, Uint8Array>) {}

  async get(key: string, _opts?: EncodingOpts): Promise<Value | undefined> {
    const p = this.pending.get(key);
    if (p !== undefined) {
      this.reads.unwritten++;
      return p;
    }
    for (const m of this.inFlight) {
      const v = m.get(key);
      if (v !== undefined) {
        this.reads.unwritten++;
        return v;
      }
    }
    const young = this.recentYoung.get(key);
    if (young !== undefined) {
      this.reads.cache++;
      return young;
    }
    const old = this.recentOld.get(key);
    if (old !== undefined) {
      this.reads.cache++;
      this.remember(key, old);
      return old;
    }
    this.reads.disk++;
    const stored = asPlainBytes(await this.level.get(stateNodeKey(key)));
    if (stored !== undefined) this.remember(key, stored);
    return stored;
  }

  /** The read counts so far (a copy), for the state cache's hit metric. */
  readCounts(): StateReadCounts {
    return { ...this.reads };
  }

  private remember(key: string, value: Uint8Array): void {
    if (this.recentYoung.size >= RECENT_NODES) {
      this.recentOld = this.recentYoung;
      this.recentYoung = new Map();
    }
    this.recentYoung.set(key, value);
  }

  async put(key: string, val: Value, _opts?: EncodingOpts): Promise<void> {
    this.pending.set(key, toBytes(val));
  }

  async del(_key: string, _opts?: EncodingOpts): Promise<void> {
    // Archive semantics: nodes may be shared by later states, so nothing is ever deleted.
  }

  async batch(ops: BatchDBOp<string, Value>[]): Promise<void> {
    for (const op of ops) if (op.type === "put") this.pending.set(op.key, toBytes(op.value));
  }

  shallowCopy(): DB<string, Value> {
    return this;
  }

  async open(): Promise<void> {}

  /** Number of nodes waiting for the next commit (for logs and tests). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Hands the pending nodes to a commit. Nodes of executions that never commit (a proposal that lost
   * its round) ride along with the next commit: harmless, since every node is addressed by its hash.
   * Call `releaseCommitted` once the batch is durable; until then reads still find them here.
   */
  takePending(): Map<string, Uint8Array> {
    const taken = this.pending;
    this.pending = new Map();
    this.inFlight.push(taken);
    return taken;
  }

  /** The commit holding `taken` is durable (or failed and must be retried with it: pass ok=false). */
  releaseCommitted(taken: Map<string, Uint8Array>, ok = true): void {
    this.inFlight = this.inFlight.filter((m) => m !== taken);
    if (ok) {
      for (const [k, v] of taken) this.remember(k, v);
    } else {
      for (const [k, v] of taken) if (!this.pending.has(k)) this.pending.set(k, v);
    }
  }
}
