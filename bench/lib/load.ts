// The bench's load: deterministic sender keys funded in the genesis, and transactions pre-signed
// outside the timed section and RLP-serialised, as a load generator would send them: EIP-1559 ETH
// transfers, or ERC-20 `transfer` calls on the OpenZeppelin test token, each to a fresh recipient.
import type { Common } from "@ethereumjs/common";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { bigIntToBytes, generateAddress, setLengthLeft, hexToBytes } from "@ethereumjs/util";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { addressOfPrivateKey, deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { keccak256 } from "../../src/primitives/hash.js";
import type { Genesis } from "../../src/primitives/types.js";
import { compileTestToken } from "../../test/helpers/solc.js";

const utf8 = new TextEncoder();

export interface Sender {
  privateKey: Uint8Array;
  address: Uint8Array;
}

/** 1,000,000 ETH per sender: covers any run's value + gas × max fee. */
const SENDER_BALANCE = 10n ** 24n;
/** Full blocks raise the base fee 12.5 % each; a high cap keeps long runs admissible throughout. */
export const MAX_FEE_PER_GAS = 1_000_000_000_000n;
export const MAX_PRIORITY_FEE_PER_GAS = 1_000_000_000n;
/** Gas limit of an ERC-20 transfer to a fresh recipient (~51.5k used: two SSTOREs, one of a new slot). */
export const ERC20_TRANSFER_GAS = 65_000n;
const TOKEN_SUPPLY = 10n ** 30n;
/** Token units each sender is given in the setup: far more than any run transfers. */
export const TOKENS_PER_SENDER = 10n ** 24n;

/** Sender i's key is keccak256("verity-bench-sender-i"): the same accounts in every run. */
export function benchSenders(count: number): Sender[] {
  const out: Sender[] = [];
  for (let i = 0; i < count; i++) {
    const privateKey = keccak256(utf8.encode(`verity-bench-sender-${i}`));
    if (!secp256k1.utils.isValidSecretKey(privateKey)) throw new Error(`bench sender key ${i} is not a valid secret key`);
    out.push({ privateKey, address: addressOfPrivateKey(privateKey) });
  }
  return out;
}

/** A fresh (never funded) recipient address per transfer. */
export function recipient(i: number): Uint8Array {
  return keccak256(utf8.encode(`verity-bench-recipient-${i}`)).subarray(12);
}

/** The dev genesis plus the bench senders. */
export function benchGenesis(senders: readonly Sender[]): Genesis {
  const genesis = devGenesis();
  const alloc = new Map(genesis.alloc);
  for (const s of senders)
    alloc.set(`0x${Buffer.from(s.address).toString("hex")}`, { balance: SENDER_BALANCE, nonce: 0n, code: new Uint8Array(0), storage: [] });
  return { ...genesis, alloc };
}

function sign1559(common: Common, key: Uint8Array, nonce: bigint, to: Uint8Array, value: bigint, gasLimit: bigint, data?: Uint8Array): Uint8Array {
  return createFeeMarket1559Tx(
    {
      chainId: common.chainId(),
      nonce,
      to,
      value,
      gasLimit,
      maxFeePerGas: MAX_FEE_PER_GAS,
      maxPriorityFeePerGas: MAX_PRIORITY_FEE_PER_GAS,
      ...(data ? { data } : {}),
    },
    { common },
  )
    .sign(key)
    .serialize();
}

/**
 * `count` transactions from `senders` round-robin (sender i % S, its next nonce), in the order a
 * load generator with one connection per sender would deliver them. `firstNonce` per sender
 * accounts for setup transactions the senders already sent (none do today).
 */
function roundRobin(count: number, senders: readonly Sender[], make: (s: Sender, nonce: bigint, i: number) => Uint8Array): Uint8Array[] {
  const raws: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const s = senders[i % senders.length]!;
    raws.push(make(s, BigInt(Math.floor(i / senders.length)), i));
  }
  return raws;
}

export function ethTransfers(common: Common, senders: readonly Sender[], count: number): Uint8Array[] {
  return roundRobin(count, senders, (s, nonce, i) => sign1559(common, s.privateKey, nonce, recipient(i), 1_000_000_000n + BigInt(i), 21_000n));
}

/** ABI call data of `transfer(address,uint256)`. */
export function erc20TransferData(to: Uint8Array, amount: bigint): Uint8Array {
  const data = new Uint8Array(4 + 64);
  data.set(hexToBytes("0xa9059cbb"), 0);
  data.set(setLengthLeft(to, 32), 4);
  data.set(setLengthLeft(bigIntToBytes(amount), 32), 36);
  return data;
}

export interface TokenSetup {
  token: Uint8Array;
  /** Deployment and one funding transfer per sender, from dev account 0 (untimed setup blocks). */
  setupTxs: Uint8Array[];
}

/** Creation code of the OpenZeppelin test token minting the whole supply to its deployer. */
export function tokenInitCode(): Uint8Array {
  const code = hexToBytes(compileTestToken().bytecode);
  const initCode = new Uint8Array(code.length + 32);
  initCode.set(code, 0);
  initCode.set(setLengthLeft(bigIntToBytes(TOKEN_SUPPLY), 32), code.length);
  return initCode;
}

/** Deploys the OpenZeppelin token from dev account 0 and gives every sender a token balance. */
export function tokenSetup(common: Common, senders: readonly Sender[]): TokenSetup {
  const deployer = deriveDevAccounts(1)[0]!;
  const initCode = tokenInitCode();
  const deploy = createFeeMarket1559Tx(
    { chainId: common.chainId(), nonce: 0n, gasLimit: 3_000_000n, maxFeePerGas: MAX_FEE_PER_GAS, maxPriorityFeePerGas: MAX_PRIORITY_FEE_PER_GAS, data: initCode },
    { common },
  )
    .sign(deployer.privateKey)
    .serialize();
  const token = generateAddress(deployer.address, bigIntToBytes(0n));
  const funding = senders.map((s, i) =>
    sign1559(common, deployer.privateKey, BigInt(i + 1), token, 0n, 100_000n, erc20TransferData(s.address, TOKENS_PER_SENDER)),
  );
  return { token, setupTxs: [deploy, ...funding] };
}

export function erc20Transfers(common: Common, senders: readonly Sender[], token: Uint8Array, count: number): Uint8Array[] {
  return roundRobin(count, senders, (s, nonce, i) =>
    sign1559(common, s.privateKey, nonce, token, 0n, ERC20_TRANSFER_GAS, erc20TransferData(recipient(i), 1n + BigInt(i))),
  );
}
