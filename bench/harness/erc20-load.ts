// The load generator's ERC-20 load: the OpenZeppelin test token deployed over JSON-RPC by a
// bench-owned deployer (a fresh account whose nonce 0 is the deployment, so the token has the same
// address on every node and the transfers can be signed before any node starts), the ERC-20
// senders given ETH for gas and tokens in an untimed setup, then pre-signed `transfer(address,
// uint256)` calls, each to a fresh recipient. Fee fields are the ETH load's: every node under test
// accepts them, verity's default 1 ETH fee cap included (3,000,000 gas x 200 gwei = 0.6 ETH).
import { bigIntToBytes, bytesToHex, generateAddress, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import { keccak256 } from "../../src/primitives/hash.js";
import { ERC20_TRANSFER_GAS, erc20TransferData, TOKENS_PER_SENDER, tokenInitCode } from "../lib/load.js";
import { fundSenders, type LoadSender, loadSenders, type SignedLoad, signLoadTx, signRoundRobin } from "./load-txs.js";
import type { RpcClient } from "./rpc.js";

const utf8 = new TextEncoder();
/** The deployment uses ~568 k gas; the cap leaves room on every node (Ganache's blocks hold 6.7 M). */
const TOKEN_DEPLOY_GAS = 3_000_000n;
/** Giving a sender its tokens: one transfer to a fresh holder (~51.5 k used). */
const TOKEN_FUNDING_GAS = 100_000n;
const BALANCE_OF = "0x70a08231";

export interface Erc20Load {
  /** The token's address (0x hex), fixed by the deployer's address and nonce 0. */
  readonly token: string;
  readonly deployer: LoadSender;
  /** Raw transactions of the setup, from the deployer in nonce order: the deployment, then one token transfer per sender. */
  readonly setupTxs: readonly string[];
  /** The timed transfers, from senders of their own (not the ETH load's), from nonce 0. */
  readonly load: SignedLoad;
  /** Each sender's token balance once all of `load` is included and none reverted. */
  readonly finalBalances: readonly bigint[];
}

/** Token units the i-th transfer of the load moves: distinct, so a balance says which transfers ran. */
const amountOf = (i: number): bigint => 1n + BigInt(i);

export function signErc20Load(senderCount: number, total: number): Erc20Load {
  if (!Number.isInteger(senderCount) || senderCount < 1) throw new Error("at least one sender is needed");
  const deployer = loadSenders(1, "verity-loadgen-token-deployer")[0]!;
  const token = generateAddress(hexToBytes(deployer.address as `0x${string}`), bigIntToBytes(0n));
  const senders = loadSenders(senderCount, "verity-loadgen-erc20-sender");
  const setupTxs = [
    signLoadTx(deployer.privateKey, 0, { value: 0n, gasLimit: TOKEN_DEPLOY_GAS, data: tokenInitCode() }).raw,
    ...senders.map(
      (s, i) =>
        signLoadTx(deployer.privateKey, i + 1, { to: token, value: 0n, gasLimit: TOKEN_FUNDING_GAS, data: erc20TransferData(hexToBytes(s.address as `0x${string}`), TOKENS_PER_SENDER) }).raw,
    ),
  ];
  const finalBalances = senders.map(() => TOKENS_PER_SENDER);
  const load = signRoundRobin(senders, total, 0, (s, nonce, i) => {
    finalBalances[s]! -= amountOf(i);
    const to = keccak256(utf8.encode(`verity-loadgen-erc20-recipient-${s}-${nonce}`)).subarray(12);
    return { to: token, value: 0n, gasLimit: ERC20_TRANSFER_GAS, data: erc20TransferData(to, amountOf(i)) };
  });
  return { token: bytesToHex(token), deployer, setupTxs, load, finalBalances };
}

async function tokenBalances(client: RpcClient, token: string, holders: readonly LoadSender[]): Promise<bigint[]> {
  const data = (h: LoadSender) => `${BALANCE_OF}${bytesToHex(setLengthLeft(hexToBytes(h.address as `0x${string}`), 32)).slice(2)}`;
  const out = await client.batch<string>(holders.map((h) => ({ method: "eth_call", params: [{ to: token, data: data(h) }, "latest"] })));
  // A call to an address without code answers "0x": no balance yet.
  return out.map((r) => (r === "0x" ? 0n : BigInt(r)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Untimed: funds the deployer and the ERC-20 senders with ETH (from the dev accounts), sends the
 * deployment and the token transfers, and waits until every sender holds its tokens. Fails if the
 * node does not get there within `timeoutMs`.
 */
export async function setupToken(client: RpcClient, e: Erc20Load, timeoutMs = 60_000): Promise<void> {
  await fundSenders(client, [e.deployer, ...e.load.senders], timeoutMs);
  // Sequentially, so the deployer's nonces arrive in order on every node.
  for (const raw of e.setupTxs) await client.call("eth_sendRawTransaction", [raw]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const balances = await tokenBalances(client, e.token, e.load.senders);
    if (balances.every((b) => b >= TOKENS_PER_SENDER)) return;
    await sleep(100);
  }
  const code = await client.call<string>("eth_getCode", [e.token, "latest"]);
  throw new Error(`the ERC-20 senders did not get their tokens within ${timeoutMs / 1000} s on ${client.url} (token code ${(code.length - 2) / 2} bytes)`);
}

/** After a run that sent all of the load: every sender's token balance must show all its transfers ran (none reverted, none lost). */
export async function verifyTokenBalances(client: RpcClient, e: Erc20Load): Promise<string | null> {
  const balances = await tokenBalances(client, e.token, e.load.senders);
  for (let i = 0; i < balances.length; i++)
    if (balances[i] !== e.finalBalances[i]) return `ERC-20 sender ${i} (${e.load.senders[i]!.address}) holds ${balances[i]} tokens, expected ${e.finalBalances[i]} (a transfer reverted or is missing)`;
  return null;
}
