// Issue 11, "done when" 1: on a localnet of four validator processes, the fifth node (the RPC node,
// started as a non-validator holding consensus keys made with `verity staking keys`) registers with
// createValidator sent through ethers, is in the set two epochs later, signs certificates and earns
// rewards; a delegator delegates to it, undelegates, and gets exactly its funds back after the
// unbonding period; the chain never stops and every node agrees on the chain across the set change.
import { bytesToHex } from "@ethereumjs/util";
import { Contract, JsonRpcProvider, Wallet, type TransactionReceipt } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStaking } from "../../src/cli/staking.js";
import { devStakingParams } from "../../src/chain/dev-genesis.js";
import { STAKE_HUB_ADDRESS, STAKE_UNIT_WEI } from "../../src/primitives/staking.js";
import { STAKE_HUB_ABI } from "../../src/staking/stake-hub-artifact.js";
import { DEV } from "../helpers/rpc-node.js";
import { Localnet, blockAt, blockNumber, certificateSigners, waitUntil } from "../helpers/localnet.js";

const EPOCH = devStakingParams().epochLength;
const UNBONDING = devStakingParams().unbondingEpochs;
const HUB = bytesToHex(STAKE_HUB_ADDRESS);
const operator = new Wallet(DEV[5]!.key);
const delegator = new Wallet(DEV[6]!.key);

let net: Localnet;
let provider: JsonRpcProvider;

beforeAll(async () => {
  net = await Localnet.create({ validators: 4, blockTime: 0.5 });
  // The fifth node holds consensus keys bound to the operator's address before it starts.
  await runStaking(["keys", "--datadir", net.node("rpc").datadir, "--operator", operator.address, "--chain-id", "31337"]);
  await net.startAll();
  provider = new JsonRpcProvider(net.url("rpc"), undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
}, 120_000);

afterAll(async () => {
  provider?.destroy();
  await net?.stop();
}, 60_000);

const hub = (signer?: Wallet) => new Contract(HUB, STAKE_HUB_ABI, signer ? signer.connect(provider) : provider);
const view = async <T>(name: string, ...args: unknown[]) => (await hub().getFunction(name)(...args)) as T;

async function send(signer: Wallet, method: string, args: unknown[], value = 0n): Promise<TransactionReceipt> {
  const tx = (await hub(signer).getFunction(method).send(...args, { value })) as { wait(): Promise<TransactionReceipt | null> };
  const receipt = await tx.wait();
  if (receipt?.status !== 1) throw new Error(`${method} failed`);
  return receipt;
}

describe("localnet: a fifth node joins the validator set through the staking ledger", () => {
  it("is elected two epochs after createValidator, signs certificates and earns rewards; a delegator gets its funds back", async () => {
    await waitUntil("the chain at height 2", async () => (await blockNumber(net.url("rpc"))) >= 2n, 60_000);
    const pop = JSON.parse(await runStaking(["keys", "--datadir", net.node("rpc").datadir, "--operator", operator.address, "--chain-id", "31337"])) as Record<string, string>;
    const created = await send(operator, "createValidator", [pop.signingKey, pop.vrfKey, pop.proofOfPossession, 1_000, "fifth node"], 150n * STAKE_UNIT_WEI);
    const e = (BigInt(created.blockNumber) - 1n) / EPOCH;

    // The delegator's round trip runs while the election waits.
    await send(delegator, "delegate", [operator.address], 10n * STAKE_UNIT_WEI);
    const undelegated = await send(delegator, "undelegateAll", [operator.address]);
    const [{ completeEpoch, amount: worth }] = await view<Array<{ completeEpoch: bigint; amount: bigint }>>("unbondingsOf", delegator.address);
    expect(worth).toBe((await view<[bigint, bigint]>("delegationOf", operator.address, delegator.address, { blockTag: undelegated.blockNumber - 1 }))[1]);
    expect(completeEpoch).toBe((await view<bigint>("currentEpoch", { blockTag: undelegated.blockNumber - 1 })) + UNBONDING);

    // Elected for epoch e + 2.
    const serving = (e + 2n) * EPOCH + 1n;
    await waitUntil("the first height of epoch e + 2", async () => (await blockNumber(net.url("rpc"))) >= serving, 120_000, 500);
    expect((await view<Array<{ validator: string }>>("epochSet", e + 2n)).map((m) => m.validator)).toContain(operator.address);
    expect((await view<Array<{ validator: string }>>("epochSet", e + 1n)).map((m) => m.validator)).not.toContain(operator.address);

    // Its precommits are in the certificates blocks carry (sampled committees: not necessarily every one).
    let signed: bigint | null = null;
    await waitUntil(
      "a certificate with the fifth node's precommit",
      async () => {
        const head = await blockNumber(net.url("rpc"));
        for (let h = serving; h < head && signed === null; h++) {
          const signers = await certificateSigners(net.url("validator-0"), 31337n, h);
          if (signers?.includes(operator.address.toLowerCase())) signed = h;
        }
        return signed !== null;
      },
      60_000,
      500,
    );

    // Withdraw after the unbonding period: exactly the undelegated amount, less the gas of the withdrawal.
    await waitUntil("the unbonding to mature", async () => (await view<bigint>("currentEpoch")) >= completeEpoch, 120_000, 500);
    const before = await provider.getBalance(delegator.address);
    const withdrawn = await send(delegator, "withdraw", []);
    expect((await provider.getBalance(delegator.address)) - before).toBe(worth - withdrawn.gasUsed * withdrawn.gasPrice);

    // Rewards: after an epoch it served in has ended, its pool holds more than its self-stake.
    await waitUntil("the end of epoch e + 2", async () => (await view<bigint>("currentEpoch")) > e + 2n, 120_000, 500);
    const v = await view<{ stake: bigint; selfStake: bigint }>("getValidator", operator.address);
    expect(v.stake).toBeGreaterThan(150n * STAKE_UNIT_WEI);
    expect(await view<bigint>("claimable", operator.address)).toBeGreaterThan(0n); // its 10 % commission

    // The chain never stopped, and all five nodes agree on it across the set change.
    const h = await blockNumber(net.url("rpc"));
    await waitUntil("every node past the set change", async () => (await Promise.all(net.nodes.map((n) => blockNumber(net.url(n.name))))).every((x) => x >= h), 30_000);
    const hashes = await Promise.all(net.nodes.map(async (n) => (await blockAt(net.url(n.name), h))?.hash));
    expect(new Set(hashes).size).toBe(1);
  }, 420_000);
});
