// Durable chain data in one LevelDB: blocks, receipts, the tx-hash index, commit certificates, the
// canonical index, the head pointer and the world-state trie nodes. A committed block and everything
// derived from it go to disk in one atomic batch (LevelDB's write batch is all-or-nothing, and we ask
// for sync writes so a power cut after the call returns cannot lose it).
import { ClassicLevel } from "classic-level";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { StateNodeDB } from "./state-db.js";
import { asPlainBytes } from "./bytes.js";
import { checkAfterOpen, checkBeforeOpen, damagedRead } from "./integrity.js";
import { readFileIfExists, writeFileDurably } from "./durable-file.js";
import { DiskFullError, isDiskFull } from "./disk-full.js";
import {
  FORMAT_VERSION_KEY,
  GENESIS_KEY,
  HEAD_KEY,
  blockKey,
  canonicalKey,
  certificateKey,
  decodeTxLocation,
  encodeTxLocation,
  metaKey,
  receiptsKey,
  signingKey,
  signingName,
  SIGNING_RANGE,
  stateNodeKey,
  txIndexKey,
} from "./keys.js";

/** What one committed block writes. The caller (chain/) encodes; storage only lays out keys. */
export interface BlockCommitRecord {
  hash: Uint8Array;
  number: bigint;
  blockBytes: Uint8Array;
  receiptsBytes: Uint8Array;
  txHashes: Uint8Array[];
  /** Encoded commit certificate, when consensus produced one (absent for genesis). */
  certificateBytes?: Uint8Array;
  /** Also mark this block as genesis. */
  isGenesis?: boolean;
}

type Level = ClassicLevel<Uint8Array, Uint8Array>;

/** The folder (in the data directory) of the signing records' file copies. */
const SIGNING_FILES_DIR = "signing-records";

/** The key layout this build reads and writes (keys.ts); a change to it bumps this and adds a migration. */
export const DATA_FORMAT_VERSION = 1;

/** A data dir this node must not open: locked by another node, or of another format. */
export class DataDirError extends Error {
  override name = "DataDirError";
}
type BatchOp = { type: "put"; key: Uint8Array; value: Uint8Array };

export class ChainStore {
  readonly stateDb: StateNodeDB;
  /** Told once, when the first write fails on a full disk (the node stops on it). */
  private diskFullListener: ((e: DiskFullError) => void) | null = null;
  private diskFull: DiskFullError | null = null;

  private constructor(
    private readonly db: Level,
    /** The directory the database lives in (named in errors about it). */
    readonly dir: string,
  ) {
    this.stateDb = new StateNodeDB(db);
  }

  static async open(dir: string): Promise<ChainStore> {
    mkdirSync(dir, { recursive: true });
    checkBeforeOpen(dir);
    const db: Level = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    try {
      await db.open();
    } catch (e) {
      const cause = (e as { cause?: Error & { code?: string } }).cause;
      // LevelDB's LOCK file is held while a database is open and let go when its process dies (even
      // by SIGKILL), so it is the data dir's lock: a second node on the same dir stops here.
      if (cause?.code === "LEVEL_LOCKED")
        throw new DataDirError(`the data dir ${dir} is in use by another verity node (its database lock is held): stop that node first, or give this one a --datadir of its own`, { cause: e });
      throw new Error(`cannot open the database at ${dir}: ${cause?.message ?? (e as Error).message}`, { cause: e });
    }
    const store = new ChainStore(db, dir);
    try {
      checkAfterOpen(dir);
      await store.checkFormat(dir);
    } catch (e) {
      await db.close();
      throw e;
    }
    return store;
  }

  /** Refuses a data dir of another format; a new one (or one from before formats were recorded, which
   * is format 1) gets this build's. */
  private async checkFormat(dir: string): Promise<void> {
    const stored = await this.get(FORMAT_VERSION_KEY);
    if (stored === undefined) {
      await this.db.put(FORMAT_VERSION_KEY, Uint8Array.of(DATA_FORMAT_VERSION), { sync: true });
      return;
    }
    const version = stored.length === 1 ? stored[0]! : -1;
    if (version === DATA_FORMAT_VERSION) return;
    if (version > DATA_FORMAT_VERSION)
      throw new DataDirError(`the data dir ${dir} was written by a newer verity (data format ${version}; this one reads format ${DATA_FORMAT_VERSION}): run that newer version, or move the dir aside and sync again`);
    throw new DataDirError(`the data dir ${dir} has data format ${version}, which no migration turns into format ${DATA_FORMAT_VERSION}: move it aside and sync again (or run the verity that wrote it)`);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** Calls `listener` once when a write fails because the disk is full (see disk-full.ts). */
  onDiskFull(listener: (e: DiskFullError) => void): void {
    this.diskFullListener = listener;
    if (this.diskFull !== null) listener(this.diskFull);
  }

  /** Runs a write; one that fails on a full disk becomes a DiskFullError naming what was written. */
  private async write<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      const full = new DiskFullError(`${what} failed: the disk holding ${this.dir} is full (${(e as Error).message})`, { cause: e });
      if (this.diskFull === null) {
        this.diskFull = full;
        this.diskFullListener?.(full);
      }
      throw full;
    }
  }

  private async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return asPlainBytes(await this.db.get(key));
    } catch (e) {
      throw damagedRead(this.dir, e);
    }
  }

  getHeadHash(): Promise<Uint8Array | undefined> {
    return this.get(HEAD_KEY);
  }
  getGenesisHash(): Promise<Uint8Array | undefined> {
    return this.get(GENESIS_KEY);
  }
  getCanonicalHash(number: bigint): Promise<Uint8Array | undefined> {
    return this.get(canonicalKey(number));
  }
  getBlockBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(blockKey(hash));
  }
  getReceiptsBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(receiptsKey(hash));
  }
  getCertificateBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(certificateKey(hash));
  }
  async getTxLocation(txHash: Uint8Array): Promise<{ blockHash: Uint8Array; index: number } | undefined> {
    const v = await this.get(txIndexKey(txHash));
    return v === undefined ? undefined : decodeTxLocation(v);
  }
  async getMeta(name: string): Promise<Uint8Array | undefined> {
    return this.get(metaKey(name));
  }
  async putMeta(name: string, value: Uint8Array): Promise<void> {
    await this.write(`writing ${name}`, () => this.db.put(metaKey(name), value, { sync: true }));
  }
  async getSigningRecord(name: string): Promise<Uint8Array | undefined> {
    return this.get(signingKey(name));
  }
  /** A validator records what it signs before it sends it: durable before this resolves. */
  /**
   * The names of every signing record held (one per validator key that ever signed here), in the
   * database or as a file copy.
   */
  async signingRecordNames(): Promise<string[]> {
    const names = new Set<string>();
    for await (const key of this.db.keys(SIGNING_RANGE)) names.add(signingName(key));
    const dir = join(this.dir, SIGNING_FILES_DIR);
    if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith(".bin")) names.add(f.slice(0, -".bin".length));
    return [...names];
  }

  /**
   * Writes a signing record to the database and then to a file of its own beside it. The copy
   * outlives damage LevelDB cannot tell from a crash (its log cut short at the tail: the last synced
   * writes gone, signing records among them), so that the validator can notice instead of signing
   * again what it signed before. The copy is written synchronously (durable-file.ts says why).
   */
  async putSigningRecord(name: string, value: Uint8Array): Promise<void> {
    await this.write(`recording what ${name} signs`, async () => {
      await this.db.put(signingKey(name), value, { sync: true });
      writeFileDurably(this.signingRecordPath(name), value);
    });
  }

  /** Where a signing record's file copy lives. */
  signingRecordPath(name: string): string {
    return join(this.dir, SIGNING_FILES_DIR, `${name}.bin`);
  }

  /** The file copy of a signing record, or undefined when there is none (a data directory from before copies). */
  getSigningRecordFile(name: string): Promise<Uint8Array | undefined> {
    return readFileIfExists(this.signingRecordPath(name));
  }

  /**
   * Writes the block, its receipts, tx index entries, certificate, canonical index, the state trie
   * nodes its execution produced and the new head pointer in one atomic, synced batch.
   */
  async commitBlock(rec: BlockCommitRecord): Promise<void> {
    const nodes = this.stateDb.takePending();
    const ops: BatchOp[] = [];
    for (const [k, v] of nodes) ops.push({ type: "put", key: stateNodeKey(k), value: v });
    ops.push({ type: "put", key: blockKey(rec.hash), value: rec.blockBytes });
    ops.push({ type: "put", key: receiptsKey(rec.hash), value: rec.receiptsBytes });
    rec.txHashes.forEach((h, i) => ops.push({ type: "put", key: txIndexKey(h), value: encodeTxLocation(rec.hash, i) }));
    if (rec.certificateBytes) ops.push({ type: "put", key: certificateKey(rec.hash), value: rec.certificateBytes });
    ops.push({ type: "put", key: canonicalKey(rec.number), value: rec.hash });
    if (rec.isGenesis) ops.push({ type: "put", key: GENESIS_KEY, value: rec.hash });
    ops.push({ type: "put", key: HEAD_KEY, value: rec.hash });
    try {
      await this.write(`writing block ${rec.number}`, () => this.db.batch(ops, { sync: true }));
    } catch (e) {
      this.stateDb.releaseCommitted(nodes, false);
      throw e;
    }
    this.stateDb.releaseCommitted(nodes);
  }
}
