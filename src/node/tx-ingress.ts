// Admission of raw transactions into the pool: decode, refuse unsupported types, recover the sender
// once (natively; the recovered key is cached on the frozen tx object and reused by execution), read
// the sender's committed account, and hand everything to the pure TxPool. Rejections keep geth's
// wording so wallets and libraries recognise them.
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import type { Chain } from "../chain/chain.js";
import { decodeTransaction } from "../primitives/encoding.js";
import { nextBaseFee } from "../primitives/fees.js";
import type { TxPool } from "../chain/txpool/pool.js";
import type { AddResult } from "../chain/txpool/types.js";
import { UserError } from "../rpc/backend/port.js";
import type { StateReader } from "../evm/state-reader.js";

/** ethereumjs refuses some transactions while decoding them, before the pool sees them; say so in
 * the words geth uses for the same rejection, which clients match on. */
function gethWording(decodeError: string, chainId: bigint): string {
  if (/maxFeePerGas cannot be less than maxPriorityFeePerGas/.test(decodeError)) return "max priority fee per gas higher than max fee per gas";
  const cap = /gas limit (\d+) exceeds the maximum allowed by EIP-7825 \((\d+)\)/.exec(decodeError);
  if (cap) return `transaction gas limit too high (cap: ${cap[2]}, tx: ${cap[1]})`;
  const chain = /not matching the derived chain ID (\d+)/.exec(decodeError);
  if (chain) return `invalid chain id for signer: have ${chain[1]} want ${chainId}`;
  return `invalid transaction: ${decodeError}`;
}

export class TxIngress {
  constructor(
    private readonly common: Common,
    private readonly chain: Chain,
    private readonly state: StateReader,
    private readonly pool: TxPool,
    private readonly maxTxSize: number,
  ) {}

  decode(raw: Uint8Array): TypedTransaction {
    if (raw.length === 0) throw new UserError("empty transaction data");
    if (raw.length > this.maxTxSize) throw new UserError("oversized data");
    if (raw[0] === 3) throw new UserError("transaction type not supported: blob transactions (EIP-4844) are not accepted by this chain");
    if (raw[0] === 4) throw new UserError("transaction type not supported: set-code transactions (EIP-7702) are not accepted yet");
    try {
      return decodeTransaction(raw, this.common);
    } catch (e) {
      throw new UserError(gethWording((e as Error).message.replace(/ \(tx type=.*$/s, ""), this.common.chainId()));
    }
  }

  /** Admits `raw`; resolves to the pool's result or throws UserError with the rejection message. */
  async add(raw: Uint8Array): Promise<AddResult & { ok: true }> {
    const tx = this.decode(raw);
    let sender: Uint8Array;
    try {
      if (!tx.isSigned()) throw new Error("unsigned");
      sender = tx.getSenderAddress().bytes;
    } catch {
      throw new UserError("invalid sender");
    }
    const head = this.chain.head.header;
    const account = await this.state.account(head.stateRoot, sender);
    const result = this.pool.add(tx, sender, account, nextBaseFee(head, this.chain.genesis.params));
    if (!result.ok) throw new UserError(result.error.message);
    return result;
  }
}
