// The canonical chain: genesis bootstrap, the head, reads of blocks/receipts/tx locations (with small
// caches in front of LevelDB), and commit of finalised blocks with their receipts and certificate in
// one atomic batch. Blocks are final once committed: the chain only ever appends.
import { EventEmitter } from "node:events";
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { ChainStore } from "../storage/chain-store.js";
import { decodeBlock, decodeStoredReceipts, EMPTY_EVIDENCE_HASH, encodeBlock, encodeStoredReceipts, hashHeader } from "../primitives/encoding.js";
import { EMPTY_TRIE_ROOT, ZERO_ADDRESS, ZERO_HASH } from "../primitives/hash.js";
import { genesisToJson } from "./genesis-json.js";
import type { Block, BlockHeader, Genesis, Hash32, TxLocation, TxReceipt } from "../primitives/types.js";
import { LruCache } from "../util/lru.js";

/** How a block reached the chain: agreed by this node's consensus, or imported with a certificate
 * proving it final (sync, a peer's announcement). */
export type CommitOrigin = "consensus" | "import";

export interface CommittedBlock {
  block: Block;
  receipts: TxReceipt[];
  /** The block as stored (and as peers receive it). */
  blockBytes: Uint8Array;
  /** Its commit certificate (encoded), absent only where a caller commits without one (tests, benchmarks). */
  certificateBytes: Uint8Array | null;
  /** Pool transactions the block's builder tried and left out (their senders' state is worth a re-read). */
  skipped: readonly TypedTransaction[];
  origin: CommitOrigin;
}

/** What commit() passes along besides the block and receipts. */
export interface CommitExtras {
  certificateBytes?: Uint8Array;
  /** The block's encoding, when the caller already made it (encodeBlock(block), not received bytes). */
  blockBytes?: Uint8Array;
  skipped?: readonly TypedTransaction[];
  origin?: CommitOrigin;
}

/**
 * A reaction to a committed block that must finish before the next block is built (pool upkeep:
 * the next proposal must not offer what this block included). Awaited in registration order after
 * the block is durable; one that throws is reported through onReactionError and does not stop the
 * others, nor undo the commit.
 */
export type CommitReaction = (committed: CommittedBlock) => Promise<void> | void;

export interface ChainEvents {
  block: [CommittedBlock];
}

/** What only the rooms above the chain know about its genesis block: its state (evm/ writes the
 * allocation) and height 1's sortition seed (consensus/ derives it); the composition root hands both in. */
export interface GenesisBootstrap {
  /** Writes the allocation into the state database and returns its root. */
  buildState(): Promise<Hash32>;
  /** Height 1's sortition seed for a genesis with this state root. */
  seed(stateRoot: Hash32): Hash32;
  /** The hash of height 1's validator set (the genesis validators), which the genesis header commits to. */
  nextValidatorsHash(): Hash32;
}

export function genesisHeader(genesis: Genesis, stateRoot: Hash32, seed: Hash32, nextValidatorsHash: Hash32): BlockHeader {
  return {
    parentHash: ZERO_HASH,
    number: 0n,
    timestamp: genesis.timestamp,
    proposer: ZERO_ADDRESS,
    stateRoot,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    gasLimit: genesis.params.gasLimit,
    gasUsed: 0n,
    baseFeePerGas: genesis.params.initialBaseFee,
    extraData: genesis.extraData,
    round: 0,
    proposerVrfProof: new Uint8Array(0),
    // Height 1's sortition seed, fixed by the genesis itself (its chain id and allocation).
    seed,
    lastCommitHash: ZERO_HASH,
    evidenceHash: EMPTY_EVIDENCE_HASH,
    nextValidatorsHash,
  };
}

export class Chain extends EventEmitter<ChainEvents> {
  private headBlock!: Block;
  private readonly blocks = new LruCache<string, Block>(256);
  private readonly receipts = new LruCache<string, TxReceipt[]>(256);
  /** Encoded size of blocks read or committed here, known from their bytes (RPC's `size`). */
  private readonly sizes = new WeakMap<Block, number>();
  private readonly reactions: CommitReaction[] = [];
  /** Told when a commit reaction throws (the root logs it). */
  onReactionError: (error: unknown, committed: CommittedBlock) => void = () => {};

  private constructor(
    readonly store: ChainStore,
    readonly common: Common,
    readonly genesis: Genesis,
  ) {
    super();
  }

  /**
   * Opens the chain in `store`. An empty store gets the genesis block (bootstrap writes the
   * allocation into store.stateDb and names the seed); a non-empty one must hold the same genesis.
   */
  static async open(store: ChainStore, common: Common, genesis: Genesis, bootstrap: GenesisBootstrap): Promise<Chain> {
    const chain = new Chain(store, common, genesis);
    const storedGenesis = await store.getGenesisHash();
    if (storedGenesis === undefined) {
      const stateRoot = await bootstrap.buildState();
      const header = genesisHeader(genesis, stateRoot, bootstrap.seed(stateRoot), bootstrap.nextValidatorsHash());
      const block: Block = { header, hash: hashHeader(header), transactions: [], lastCommit: new Uint8Array(0), evidence: [] };
      await store.putMeta("genesis.json", new TextEncoder().encode(genesisToJson(genesis)));
      await store.commitBlock({
        hash: block.hash,
        number: 0n,
        blockBytes: encodeBlock(block),
        receiptsBytes: encodeStoredReceipts([]),
        txHashes: [],
        isGenesis: true,
      });
    }
    const headHash = await store.getHeadHash();
    if (!headHash) throw new Error("database has a genesis but no head: it is corrupt");
    const head = await chain.getBlockByHash(headHash);
    if (!head) throw new Error(`database head ${bytesToHex(headHash)} has no block: it is corrupt`);
    chain.headBlock = head;
    const genesisBlock = await chain.getBlockByNumber(0n);
    if (storedGenesis !== undefined && genesisBlock) {
      const expected = genesisHeader(genesis, genesisBlock.header.stateRoot, bootstrap.seed(genesisBlock.header.stateRoot), bootstrap.nextValidatorsHash());
      if (!equalsBytes(hashHeader(expected), genesisBlock.hash))
        throw new Error(
          `the data dir holds a chain with a different genesis (chain id or parameters differ from the genesis given); use another --datadir`,
        );
    }
    return chain;
  }

  get head(): Block {
    return this.headBlock;
  }

  async getBlockByHash(hash: Hash32): Promise<Block | null> {
    const key = bytesToHex(hash);
    const cached = this.blocks.get(key);
    if (cached) return cached;
    const bytes = await this.store.getBlockBytes(hash);
    if (!bytes) return null;
    const block = decodeBlock(bytes, this.common);
    this.sizes.set(block, bytes.length);
    this.blocks.set(key, block);
    return block;
  }

  async getCanonicalHash(number: bigint): Promise<Hash32 | undefined> {
    if (number === this.headBlock?.header.number) return this.headBlock.hash;
    return this.store.getCanonicalHash(number);
  }

  async getBlockByNumber(number: bigint): Promise<Block | null> {
    if (number < 0n) return null;
    const hash = await this.getCanonicalHash(number);
    return hash ? this.getBlockByHash(hash) : null;
  }

  async getReceipts(blockHash: Hash32): Promise<TxReceipt[] | null> {
    const key = bytesToHex(blockHash);
    const cached = this.receipts.get(key);
    if (cached) return cached;
    const bytes = await this.store.getReceiptsBytes(blockHash);
    if (!bytes) return null;
    const receipts = decodeStoredReceipts(bytes);
    this.receipts.set(key, receipts);
    return receipts;
  }

  async getTxLocation(txHash: Hash32): Promise<TxLocation | null> {
    const loc = await this.store.getTxLocation(txHash);
    if (!loc) return null;
    const block = await this.getBlockByHash(loc.blockHash);
    if (!block) return null;
    return { blockHash: loc.blockHash, blockNumber: block.header.number, index: loc.index };
  }

  async getCertificate(blockHash: Hash32): Promise<Uint8Array | null> {
    return (await this.store.getCertificateBytes(blockHash)) ?? null;
  }

  /** The block's encoded size in bytes, without re-encoding blocks that came from bytes. */
  blockSize(block: Block): number {
    let size = this.sizes.get(block);
    if (size === undefined) {
      size = encodeBlock(block).length;
      this.sizes.set(block, size);
    }
    return size;
  }

  /** Registers a reaction to every committed block (see CommitReaction); returns its removal. */
  onCommitted(reaction: CommitReaction): () => void {
    this.reactions.push(reaction);
    return () => {
      const i = this.reactions.indexOf(reaction);
      if (i >= 0) this.reactions.splice(i, 1);
    };
  }

  /**
   * Appends a finalised block (the caller executed it on the head's state: its stateRoot matches),
   * then emits "block" (synchronous listeners: RPC events) and awaits the commit reactions.
   */
  async commit(block: Block, receipts: TxReceipt[], extras: CommitExtras = {}): Promise<void> {
    const { certificateBytes } = extras;
    const head = this.headBlock;
    if (block.header.number !== head.header.number + 1n || !equalsBytes(block.header.parentHash, head.hash))
      throw new Error(`block ${block.header.number} ${bytesToHex(block.hash)} does not extend the head ${head.header.number}`);
    const blockBytes = extras.blockBytes ?? encodeBlock(block);
    this.sizes.set(block, blockBytes.length);
    await this.store.commitBlock({
      hash: block.hash,
      number: block.header.number,
      blockBytes,
      receiptsBytes: encodeStoredReceipts(receipts),
      txHashes: block.transactions.map((tx) => tx.hash()),
      ...(certificateBytes ? { certificateBytes } : {}),
    });
    const key = bytesToHex(block.hash);
    this.blocks.set(key, block);
    this.receipts.set(key, receipts);
    this.headBlock = block;
    const committed: CommittedBlock = {
      block,
      receipts,
      blockBytes,
      certificateBytes: certificateBytes ?? null,
      skipped: extras.skipped ?? [],
      origin: extras.origin ?? "consensus",
    };
    this.emit("block", committed);
    for (const reaction of [...this.reactions]) {
      try {
        await reaction(committed);
      } catch (e) {
        this.onReactionError(e, committed);
      }
    }
  }
}
