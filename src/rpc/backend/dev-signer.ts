// The dev chain's unlocked accounts (anvil's and hardhat's behaviour): eth_sendTransaction,
// eth_signTransaction, eth_sign / personal_sign and eth_signTypedData_v4 sign with the keys of the
// well-known dev mnemonic. The node is told only the dev addresses; their keys are derived on first
// use (BIP-39 seed stretching takes a moment), and an address the mnemonic does not yield is refused.
import type { Common } from "@ethereumjs/common";
import { createTx, type TypedTransaction, type TypedTxData } from "@ethereumjs/tx";
import { bytesToHex, utf8ToBytes } from "@ethereumjs/util";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { DEV_ACCOUNT_COUNT, deriveDevAccounts } from "../../chain/dev-accounts.js";
import { keccak256 } from "../../primitives/hash.js";
import type { Address20 } from "../../primitives/types.js";
import { ethjsReason } from "../../evm/call.js";
import { UserError, type BlockSelector, type DevSigner, type TransactionRequest, type TypedData } from "./port.js";
import { type CallRequest } from "../../evm/types.js";
import { hashTypedData } from "./eip712.js";

/** What filling in a transaction's defaults reads from the node. */
export interface FillSource {
  readonly chainId: bigint;
  getNonce(address: Address20, at: BlockSelector): Promise<bigint>;
  estimateGas(request: CallRequest, at: BlockSelector): Promise<bigint>;
  gasPrice(): Promise<bigint>;
  maxPriorityFeePerGas(): Promise<bigint>;
  nextBaseFee(): Promise<bigint>;
}

/** r ‖ s ‖ v with v = 27 + recovery id: the signature shape eth_sign and EIP-712 signers return. */
function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const recovered = secp256k1.sign(digest, privateKey, { prehash: false, format: "recovered" });
  const out = new Uint8Array(65);
  out.set(recovered.subarray(1), 0);
  out[64] = 27 + recovered[0]!;
  return out;
}

/** EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" + length + message). */
export function personalMessageDigest(message: Uint8Array): Uint8Array {
  const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${message.length}`);
  const bytes = new Uint8Array(prefix.length + message.length);
  bytes.set(prefix);
  bytes.set(message, prefix.length);
  return keccak256(bytes);
}

export class NodeDevSigner implements DevSigner {
  private keys: Map<string, Uint8Array> | null = null;

  constructor(
    private readonly addresses: Address20[],
    private readonly common: Common,
    private readonly node: FillSource,
  ) {}

  accounts(): Address20[] {
    return this.addresses;
  }

  private keyOf(address: Address20): Uint8Array {
    const wanted = bytesToHex(address);
    if (!this.addresses.some((a) => bytesToHex(a) === wanted)) throw new UserError("unknown account");
    if (this.keys === null) {
      const derived = deriveDevAccounts(Math.max(DEV_ACCOUNT_COUNT, this.addresses.length));
      this.keys = new Map(derived.map((a) => [bytesToHex(a.address), a.privateKey]));
    }
    const key = this.keys.get(wanted);
    if (key === undefined) throw new UserError(`unknown account: ${wanted} is not an account of the dev mnemonic`);
    return key;
  }

  async signMessage(address: Address20, message: Uint8Array): Promise<Uint8Array> {
    return signDigest(personalMessageDigest(message), this.keyOf(address));
  }

  async signTypedData(address: Address20, typedData: TypedData): Promise<Uint8Array> {
    const key = this.keyOf(address);
    return signDigest(hashTypedData(typedData), key);
  }

  /** geth's setDefaults: chain id, envelope type, fees, nonce and gas filled where the caller left them out. */
  async signTransaction(request: TransactionRequest & { from: Address20 }): Promise<TypedTransaction> {
    const key = this.keyOf(request.from);
    const chainId = this.node.chainId;
    if (request.chainId !== undefined && request.chainId !== chainId) {
      throw new UserError(`chainId does not match node's (have=${request.chainId}, want=${chainId})`);
    }
    if (request.to === undefined && (request.data === undefined || request.data.length === 0)) {
      throw new UserError("contract creation without any data provided");
    }
    const type = request.type ?? (request.gasPrice !== undefined ? (request.accessList ? 1 : 0) : 2);
    if (type !== 0 && type !== 1 && type !== 2) throw new UserError(`transaction type ${type} is not supported by the dev signer`);
    const filled: CallRequest = { ...request };
    if (type === 2) {
      if (request.gasPrice !== undefined) throw new UserError("gasPrice is not allowed in an EIP-1559 (type 2) transaction");
      const tip = request.maxPriorityFeePerGas ?? (await this.node.maxPriorityFeePerGas());
      const maxFee = request.maxFeePerGas ?? 2n * (await this.node.nextBaseFee()) + tip;
      if (maxFee < tip) throw new UserError(`maxFeePerGas (${maxFee}) < maxPriorityFeePerGas (${tip})`);
      filled.maxPriorityFeePerGas = tip;
      filled.maxFeePerGas = maxFee;
    } else {
      if (request.maxFeePerGas !== undefined || request.maxPriorityFeePerGas !== undefined) {
        throw new UserError(`maxFeePerGas and maxPriorityFeePerGas are not allowed in a type ${type} transaction`);
      }
      filled.gasPrice = request.gasPrice ?? (await this.node.gasPrice());
    }
    filled.nonce = request.nonce ?? (await this.node.getNonce(request.from, "pending"));
    filled.gas = request.gas ?? (await this.node.estimateGas(filled, "pending"));

    const accessList = filled.accessList?.map((e) => ({ address: bytesToHex(e.address), storageKeys: e.storageKeys.map((k) => bytesToHex(k)) }));
    const base = { to: filled.to, value: filled.value ?? 0n, data: filled.data ?? new Uint8Array(), gasLimit: filled.gas, nonce: filled.nonce };
    const data: TypedTxData =
      type === 2
        ? { ...base, type, chainId, maxFeePerGas: filled.maxFeePerGas, maxPriorityFeePerGas: filled.maxPriorityFeePerGas, accessList: accessList ?? [] }
        : type === 1
          ? { ...base, type, chainId, gasPrice: filled.gasPrice, accessList: accessList ?? [] }
          : { ...base, type, gasPrice: filled.gasPrice };
    let tx: TypedTransaction;
    try {
      tx = createTx(data, { common: this.common });
    } catch (e) {
      // A field @ethereumjs/tx refuses (a nonce of 2^64 - 1, gas x price above 2^256 - 1): the caller's.
      throw new UserError(`invalid transaction: ${ethjsReason(e)}`);
    }
    return tx.sign(key);
  }
}
