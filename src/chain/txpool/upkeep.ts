// Pool upkeep, a commit reaction (Chain.onCommitted): after each committed block, re-validates the
// pool against the new state of the senders the block touched (only senders can lose balance or
// advance their nonce: a block cannot make another account's pooled transaction invalid, so reading
// just these keeps this O(block)). Queued transactions the block made executable are announced
// through the TxService's "executable" event, as admissions are.
import { bytesToHex } from "@ethereumjs/util";
import type { Chain, CommittedBlock } from "../chain.js";
import type { StateReader } from "../../evm/state-reader.js";
import { nextBaseFee } from "../../primitives/fees.js";
import type { AccountState } from "../../primitives/types.js";
import type { Logger } from "../../util/logger.js";
import type { TxPool } from "./pool.js";
import type { TxService } from "./service.js";

export class PoolUpkeep {
  constructor(
    private readonly pool: TxPool,
    private readonly chain: Chain,
    private readonly state: StateReader,
    private readonly txs: Pick<TxService, "announceExecutable">,
    private readonly log: Logger,
  ) {}

  /** Re-validates the senders the block touched (and announces what it promoted). */
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
    this.txs.announceExecutable(result.promoted, "commit");
  }
}
