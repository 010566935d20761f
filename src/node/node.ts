// The composition root: builds storage -> chain -> evm -> tx pool -> block production -> rpc from
// one options object, and closes them in reverse order. The CLI only turns flags into NodeOptions.
import { bytesToHex } from "@ethereumjs/util";
import { ChainStore } from "../storage/chain-store.js";
import { Chain } from "../chain/chain.js";
import { BlockBuilder } from "../chain/block-builder.js";
import type { Genesis } from "../chain/types.js";
import { TxPool } from "../chain/txpool.js";
import { DEFAULT_TXPOOL_CONFIG } from "../chain/txpool-types.js";
import { createChainCommon } from "../evm/common.js";
import { secp256k1Backend } from "../evm/crypto.js";
import { buildGenesisState } from "../evm/genesis-state.js";
import { BlockExecutor } from "../evm/executor.js";
import { CallExecutor } from "../evm/call.js";
import { startRpcServer } from "../rpc/server.js";
import type { Logger } from "../util/logger.js";
import { NodeRpcBackend } from "./rpc-backend.js";
import { StateReader } from "./state-reader.js";
import { TxIngress } from "./tx-ingress.js";
import { DevSealer } from "./dev-sealer.js";
import { PoolAdapter } from "./pool-adapter.js";

export const CLIENT_VERSION = `verity/v0.1.0/${process.platform}-${process.arch}/node${process.versions.node}`;

export interface NodeOptions {
  datadir: string;
  genesis: Genesis;
  http: { host: string; port: number; corsDomains: string[]; vhosts: string[] };
  /** Milliseconds between blocks; 0 = seal as soon as transactions wait. */
  blockTimeMs: number;
  /** Addresses whose keys this node holds for eth_accounts (dev mode). */
  devAccounts: Uint8Array[];
  /** The validator address this node produces blocks as. */
  proposer: Uint8Array;
  logger: Logger;
}

export class VerityNode {
  private constructor(
    readonly chain: Chain,
    readonly pool: TxPool,
    readonly rpcUrl: string,
    private readonly closers: Array<() => Promise<void>>,
  ) {}

  static async start(o: NodeOptions): Promise<VerityNode> {
    const log = o.logger;
    const closers: Array<() => Promise<void>> = [];
    const closeAll = async () => {
      for (const c of closers.splice(0).reverse()) await c().catch((e: Error) => log.error("shutdown step failed", { error: e }));
    };
    try {
      const common = createChainCommon(o.genesis.params.chainId);
      const store = await ChainStore.open(o.datadir);
      closers.push(() => store.close());
      const chain = await Chain.open(store, common, o.genesis, () => buildGenesisState(store.stateDb, common, o.genesis.alloc));
      log.info("chain opened", {
        datadir: o.datadir,
        chainId: o.genesis.params.chainId,
        head: chain.head.header.number,
        hash: bytesToHex(chain.head.hash),
        senderRecovery: secp256k1Backend,
      });
      const blockHashes = (n: bigint) => chain.getCanonicalHash(n);
      const executor = await BlockExecutor.create(common, store.stateDb, chain.head.header.stateRoot, blockHashes);
      const builder = new BlockBuilder(chain, executor);
      const state = new StateReader(store.stateDb, common);
      const pool = new TxPool({
        ...DEFAULT_TXPOOL_CONFIG,
        chainId: o.genesis.params.chainId,
        blockGasLimit: o.genesis.params.gasLimit,
        minBaseFee: o.genesis.params.minBaseFee,
      });
      const ingress = new TxIngress(common, chain, state, pool, DEFAULT_TXPOOL_CONFIG.maxTxSize);
      const adapter = new PoolAdapter(pool, chain, state, log.child("txpool"));
      const sealer = new DevSealer({
        chain,
        builder,
        candidates: adapter,
        onCommitted: (block, receipts, skipped) => adapter.onBlockCommitted(block, receipts, skipped),
        proposer: o.proposer,
        blockTimeMs: o.blockTimeMs,
        logger: log.child("producer"),
      });
      const backend = new NodeRpcBackend({
        chain,
        state,
        calls: new CallExecutor(common, store.stateDb, blockHashes),
        pool: adapter,
        submit: async (raw) => {
          const r = await ingress.add(raw);
          if (r.status === "pending") sealer.notifyPending();
          return r.tx.hash;
        },
        clientVersion: CLIENT_VERSION,
        devAccounts: o.devAccounts,
        peerCount: () => 0,
        syncing: () => null,
        minSuggestedTip: 1_000_000_000n,
      });
      const rpc = await startRpcServer({
        backend,
        host: o.http.host,
        port: o.http.port,
        corsDomains: o.http.corsDomains,
        vhosts: o.http.vhosts,
        logger: log.child("rpc"),
      });
      closers.push(() => rpc.close());
      sealer.start();
      closers.push(() => sealer.stop());
      log.info("JSON-RPC listening", { url: rpc.url });
      return new VerityNode(chain, pool, rpc.url, closers);
    } catch (e) {
      await closeAll();
      throw e;
    }
  }

  /** Stops block production, then the RPC server, then closes the database. */
  async stop(): Promise<void> {
    for (const c of this.closers.splice(0).reverse()) await c();
  }
}
