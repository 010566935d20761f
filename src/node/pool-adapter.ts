// Connects the pure TxPool to the node: offers candidates to block production, answers RPC's pool
// lookups, and after each committed block re-validates the pool against the new state of the
// senders the block touched (only senders can lose balance or advance their nonce: a block cannot
// make another account's pooled transaction invalid, so reading just these keeps this O(block)).
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import type { Chain } from "../chain/chain.js";
import { nextBaseFee } from "../primitives/fees.js";
import type { TxPool } from "../chain/txpool/pool.js";
import type { AccountState } from "../primitives/types.js";
import type { TxCandidates } from "../evm/executor.js";
import type { CandidateSource } from "../chain/block-producer.js";
import type { CommittedBlock } from "../chain/chain.js";
import type { Logger } from "../util/logger.js";
import type { PoolView } from "../rpc/backend/node-backend.js";
import type { StateReader } from "../evm/state-reader.js";

export class PoolAdapter implements CandidateSource, PoolView {
  constructor(
    private readonly pool: TxPool,
    private readonly chain: Chain,
    private readonly state: StateReader,
    private readonly log: Logger,
  ) {}

  select(baseFee: bigint, gasLimit: bigint): TxCandidates {
    return this.pool.selectForBlock({ baseFee, gasLimit });
  }

  pendingCount(): number {
    return this.pool.stats().pending;
  }

  known(hash: Uint8Array): TypedTransaction | undefined {
    return this.pool.get(hash)?.tx;
  }

  get(hash: Uint8Array): { tx: TypedTransaction; sender: Uint8Array } | undefined {
    const p = this.pool.get(hash);
    return p ? { tx: p.tx, sender: p.sender } : undefined;
  }

  pendingNonce(sender: Uint8Array, accountNonce: bigint): bigint {
    return this.pool.pendingNonce(sender, accountNonce);
  }

  /** Pool upkeep, a commit reaction (Chain.onCommitted): re-validates the senders the block touched. */
  async onBlockCommitted({ block, skipped }: CommittedBlock): Promise<void> {
    const senders = new Map<string, Uint8Array>();
    for (const tx of [...block.transactions, ...skipped]) {
      // The pool recovered and kept each sender at admission; getSenderAddress would hash the
      // public key again (a keccak per transaction). A block's transactions may come from elsewhere.
      const pooled = this.pool.get(tx.hash());
      if (pooled !== undefined) senders.set(pooled.senderHex, pooled.sender);
      else {
        const s = tx.getSenderAddress().bytes;
        senders.set(bytesToHex(s), s);
      }
    }
    const accounts = new Map<string, AccountState>();
    for (const [key, addr] of senders) accounts.set(key, await this.state.account(block.header.stateRoot, addr));
    const result = this.pool.onBlockCommitted({
      includedHashes: block.transactions.map((tx) => tx.hash()),
      accountOf: (sender) => accounts.get(bytesToHex(sender)),
      baseFee: nextBaseFee(block.header, this.chain.genesis.params),
    });
    for (const d of result.dropped)
      if (d.reason !== "included") this.log.debug("dropped transaction", { hash: d.tx.hashHex, reason: d.reason });
  }
}
