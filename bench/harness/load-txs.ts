// The load generator's transactions: deterministic sender keys (not the dev accounts, so every node
// under test starts them at nonce 0), EIP-1559 ETH transfers pre-signed before anything is timed,
// and the untimed setup that funds the senders from the dev accounts every node ships with.
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { addressOfPrivateKey, deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { createChainCommon } from "../../src/evm/common.js";
import type { RpcClient } from "./rpc.js";

const utf8 = new TextEncoder();

/** Every node under test runs chain id 31337 (anvil's and hardhat's default; ganache and verity are told so). */
export const LOAD_CHAIN_ID = 31_337n;
/** High enough that base-fee growth over a long run of full blocks never makes a transfer inadmissible. */
export const LOAD_MAX_FEE_PER_GAS = 200_000_000_000n;
export const LOAD_PRIORITY_FEE_PER_GAS = 1_000_000_000n;
/** Per sender: covers ~200,000 transfers at the maximum fee. */
export const SENDER_FUNDING_WEI = 1_000n * 10n ** 18n;

export interface LoadSender {
  readonly privateKey: Uint8Array;
  readonly address: string;
}

export interface LoadTx {
  readonly raw: string;
  readonly hash: string;
  readonly sender: number;
  readonly nonce: number;
}

export interface SignedLoad {
  readonly senders: readonly LoadSender[];
  /** perSender[s] holds sender s's transfers in nonce order. */
  readonly perSender: readonly (readonly LoadTx[])[];
  readonly total: number;
  readonly signSeconds: number;
}

/** Sender i's key is keccak256("<seed>-i"): the same accounts in every run; another seed, other accounts. */
export function loadSenders(count: number, seed = "verity-loadgen-sender"): LoadSender[] {
  return Array.from({ length: count }, (_, i) => {
    const privateKey = keccak256(utf8.encode(`${seed}-${i}`));
    if (!secp256k1.utils.isValidSecretKey(privateKey)) throw new Error(`load sender key ${i} is not a valid secret key`);
    return { privateKey, address: bytesToHex(addressOfPrivateKey(privateKey)) };
  });
}

/** What one load transaction does; an ETH transfer unless told otherwise. */
export interface LoadCall {
  /** None: a contract creation. */
  readonly to?: Uint8Array;
  readonly value: bigint;
  readonly gasLimit?: bigint;
  readonly data?: Uint8Array;
}

const common = createChainCommon(LOAD_CHAIN_ID);

/** An EIP-1559 transaction on the load's chain id and fee caps, signed and RLP-serialised. */
export function signLoadTx(key: Uint8Array, nonce: number, call: LoadCall): { raw: string; hash: string } {
  const tx = createFeeMarket1559Tx(
    {
      chainId: LOAD_CHAIN_ID,
      nonce: BigInt(nonce),
      ...(call.to ? { to: call.to } : {}),
      value: call.value,
      gasLimit: call.gasLimit ?? 21_000n,
      maxFeePerGas: LOAD_MAX_FEE_PER_GAS,
      maxPriorityFeePerGas: LOAD_PRIORITY_FEE_PER_GAS,
      ...(call.data ? { data: call.data } : {}),
    },
    { common },
  ).sign(key);
  const raw = tx.serialize();
  return { raw: bytesToHex(raw), hash: bytesToHex(keccak256(raw)) };
}

/**
 * `total` transfers spread evenly over `senderCount` senders (the i-th from sender i % S), each to a
 * fresh address, with nonces from `firstNonce` (a later load on the same node continues where an
 * earlier one of `firstNonce` transfers per sender ended). With `recipients`, the i-th goes to the
 * (i % recipients)-th of that many fresh addresses instead, so each of them is paid more than once.
 */
export function signLoad(senderCount: number, total: number, firstNonce = 0, recipients?: number): SignedLoad {
  if (!Number.isInteger(senderCount) || senderCount < 1) throw new Error("at least one sender is needed");
  return signRoundRobin(loadSenders(senderCount), total, firstNonce, (s, nonce, i) => {
    const seed = recipients === undefined ? `verity-loadgen-recipient-${s}-${nonce}` : `verity-loadgen-shared-recipient-${i % recipients}`;
    return { to: keccak256(utf8.encode(seed)).subarray(12), value: 1n + BigInt(i) };
  });
}

/**
 * `total` transactions from `senders`, the i-th from sender i % S at its next nonce (from
 * `firstNonce`), doing what `call(sender, nonce, i)` says. Signing time is in `signSeconds`.
 */
export function signRoundRobin(senders: readonly LoadSender[], total: number, firstNonce: number, call: (sender: number, nonce: number, i: number) => LoadCall): SignedLoad {
  if (senders.length < 1) throw new Error("at least one sender is needed");
  const t0 = performance.now();
  const perSender: LoadTx[][] = senders.map(() => []);
  for (let i = 0; i < total; i++) {
    const s = i % senders.length;
    const nonce = firstNonce + perSender[s]!.length;
    perSender[s]!.push({ ...signLoadTx(senders[s]!.privateKey, nonce, call(s, nonce, i)), sender: s, nonce });
  }
  return { senders, perSender, total, signSeconds: (performance.now() - t0) / 1000 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Funds every sender from the dev accounts (sender i from dev account i % 10) and waits until all
 * balances show. Not timed. Fails if the node does not get there within `timeoutMs`.
 */
export async function fundSenders(client: RpcClient, senders: readonly LoadSender[], timeoutMs = 60_000): Promise<void> {
  const dev = deriveDevAccounts(10);
  const nonces = await client.batch<string>(dev.map((d) => ({ method: "eth_getTransactionCount", params: [bytesToHex(d.address), "pending"] })));
  const next = nonces.map((n) => Number(BigInt(n)));
  const raws = senders.map((s, i) => {
    const funder = i % dev.length;
    const to = Uint8Array.from(Buffer.from(s.address.slice(2), "hex"));
    return signLoadTx(dev[funder]!.privateKey, next[funder]!++, { to, value: SENDER_FUNDING_WEI }).raw;
  });
  // Sequentially, so each funder's nonces arrive in order on every node.
  for (const raw of raws) await client.call("eth_sendRawTransaction", [raw]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const balances = await client.batch<string>(senders.map((s) => ({ method: "eth_getBalance", params: [s.address, "latest"] })));
    if (balances.every((b) => BigInt(b) >= SENDER_FUNDING_WEI)) return;
    await sleep(100);
  }
  throw new Error(`the load senders were not funded within ${timeoutMs / 1000} s on ${client.url}`);
}

/**
 * What a run left on the chain, per sender (load.senders order): `accepted` transfers taken by the
 * node, of which at least `included` were seen in blocks (default: all accepted). Both are nonce
 * prefixes, since each sender's transfers go out in nonce order and sending stops, never skips.
 */
export interface NonceExpectation {
  readonly accepted: readonly number[];
  readonly included?: readonly number[];
  /**
   * "pending": the node's pool counts too (chain nonce plus its pooled transfers contiguous from it),
   * so on the node a sender's transfers went to, accepted = chain + pool exactly unless one was
   * lost, however many are still waiting for a block. Default "latest".
   */
  readonly tag?: "latest" | "pending";
  /** Only these senders (indices into load.senders); default all. */
  readonly senders?: readonly number[];
}

/**
 * After a run: every sender's nonce must be one past its last accepted transfer's (nothing lost,
 * nothing extra); by default every transfer of `load` counts as accepted. When some accepted ones
 * were still pending as the run ended, the chain may include them while this looks, so the nonce
 * must lie between the included and the accepted prefix; exact again when `included` = `accepted`.
 */
export async function verifyNonces(client: RpcClient, load: SignedLoad, expected?: NonceExpectation): Promise<string | null> {
  const which = expected?.senders ?? load.senders.map((_, i) => i);
  if (which.length === 0) return null;
  const tag = expected?.tag ?? "latest";
  const counts = await client.batch<string>(which.map((i) => ({ method: "eth_getTransactionCount", params: [load.senders[i]!.address, tag] })));
  for (const [k, i] of which.entries()) {
    const planned = load.perSender[i]!;
    if (planned.length === 0) continue;
    const accepted = expected?.accepted[i] ?? planned.length;
    const included = expected?.included?.[i] ?? accepted;
    if (accepted > planned.length || included > accepted) throw new Error(`sender ${i}: ${included} included of ${accepted} accepted of ${planned.length} planned is impossible`);
    const first = planned[0]!.nonce;
    const got = Number(BigInt(counts[k]!));
    const [lo, hi] = tag === "pending" ? [first + accepted, first + accepted] : [first + included, first + accepted];
    if (got < lo || got > hi) return `sender ${i} (${load.senders[i]!.address}) has ${tag === "pending" ? "pending " : ""}nonce ${got}, expected ${lo === hi ? String(hi) : `${lo}..${hi}`}`;
  }
  return null;
}
