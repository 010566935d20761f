// The staking ledger on a real node, driven as a wallet drives it (ethers, plain contract calls with
// the committed ABI): a new validator registers with createValidator, enters the set two epochs
// later and signs certificates; a delegator delegates, undelegates and gets exactly its funds back
// after the unbonding period; bad input reverts with a named error and changes nothing; rewards are
// minted exactly by the formula (3 % to the foundation, halving at era boundaries), and the supply
// invariant holds at every height, summed over every account of the state trie.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Contract, JsonRpcProvider, Wallet, type TransactionReceipt } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { DEV_FOUNDATION, devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys, keysFromSeed, signingPublicKey, vrfPublicKeyOf, type ValidatorKeys } from "../../src/chain/validator-keys.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { VerityNode } from "../../src/node/node.js";
import { STAKE_HUB_ADDRESS, STAKE_UNIT_WEI } from "../../src/primitives/staking.js";
import type { Genesis } from "../../src/primitives/types.js";
import { provePossession } from "../../src/staking/proof-of-possession.js";
import { blockReward, mintedThrough, splitReward } from "../../src/staking/rewards.js";
import { STAKE_HUB_ABI, STAKE_HUB_RUNTIME_CODE } from "../../src/staking/stake-hub-artifact.js";
import { silentLogger } from "../../src/util/logger.js";
import { DEV } from "../helpers/rpc-node.js";
import { supplyByHeight } from "../helpers/supply.js";

const EPOCH = 8n;
const coins = (n: bigint) => n * STAKE_UNIT_WEI;
const HUB = bytesToHex(STAKE_HUB_ADDRESS);

let datadir: string;
let genesis: Genesis;
let node: VerityNode;
let provider: JsonRpcProvider;
let newcomer: ValidatorKeys;
const operator = new Wallet(DEV[5]!.key);
const delegator = new Wallet(DEV[6]!.key);
const stranger = new Wallet(DEV[7]!.key);

beforeAll(async () => {
  datadir = mkdtempSync(join(tmpdir(), "verity-staking-"));
  const dev = devGenesis();
  // Short epochs and eras so that a test run crosses several of each.
  genesis = { ...dev, staking: { ...dev.staking, epochLength: EPOCH, unbondingEpochs: 2n, halvingInterval: 24n, initialBlockReward: coins(2n) + 7n } };
  // The newcomer's consensus keys, held by this node from the start: its engine takes part once elected.
  newcomer = { ...keysFromSeed(new TextEncoder().encode("staking test newcomer")), address: hexToBytes(operator.address as `0x${string}`) };
  node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 100,
    devAccounts: deriveDevAccounts().map((a) => a.address),
    validators: [newcomer, ...genesis.validators.map((_, i) => devValidatorKeys(i))],
    logger: silentLogger,
  });
  provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
  if (datadir) rmSync(datadir, { recursive: true, force: true });
});

const hub = (signer?: Wallet) => new Contract(HUB, STAKE_HUB_ABI, signer ? signer.connect(provider) : provider);

async function send(signer: Wallet, method: string, args: unknown[], value = 0n): Promise<TransactionReceipt> {
  const tx = (await hub(signer).getFunction(method).send(...args, { value })) as { wait(): Promise<TransactionReceipt | null> };
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`${method} failed`);
  return receipt;
}

async function waitForHeight(height: bigint): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (BigInt(await provider.getBlockNumber()) >= height) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`height ${height} not reached in 30 s`);
}

const currentEpoch = async () => (await hub().getFunction("currentEpoch")()) as bigint;
const members = async (epoch: bigint) => ((await hub().getFunction("epochSet")(epoch)) as Array<{ validator: string; stake: bigint }>).map((m) => m.validator.toLowerCase());

describe("the staking ledger", () => {
  it("is deployed in the genesis state with the genesis validators as the sets of epochs 0 and 1", async () => {
    expect(await provider.getCode(HUB)).toBe(STAKE_HUB_RUNTIME_CODE);
    const genesisSet = genesis.validators.map((v) => bytesToHex(v.address));
    expect(await members(0n)).toEqual(genesisSet);
    expect(await members(1n)).toEqual(genesisSet);
    const v = (await hub().getFunction("getValidator")(genesisSet[0])) as { stake: bigint; selfStake: bigint };
    expect(v.stake).toBe(coins(1000n));
    expect(v.selfStake).toBe(coins(1000n));
  });

  it("refuses bad input with a named error and changes nothing", async () => {
    const crypto = createEd25519EcvrfCrypto();
    const k = keysFromSeed(new TextEncoder().encode("bad input"));
    const signing = bytesToHex(signingPublicKey(k.signingSecretKey));
    const vrf = bytesToHex(vrfPublicKeyOf(k.vrfSecretKey));
    const pop = bytesToHex(provePossession(crypto, genesis.params.chainId, hexToBytes(stranger.address as `0x${string}`), k.signingSecretKey, k.vrfSecretKey));
    const genesisKey = bytesToHex(genesis.validators[0]!.signingKey);
    const h = hub(stranger);
    const reverts = async (method: string, args: unknown[], value: bigint, name: string) => {
      const error = await h
        .getFunction(method)
        .estimateGas(...args, { value })
        .then(() => null, (e: { data?: string }) => e);
      expect(error, `${method} should revert with ${name}`).not.toBeNull();
      expect(h.interface.parseError(error!.data ?? "0x")?.name).toBe(name);
    };
    const before = await provider.getBalance(stranger.address);
    await reverts("createValidator", [signing, vrf, pop, 500, "x"], coins(99n), "BelowMinimumStake");
    await reverts("createValidator", [genesisKey, vrf, pop, 500, "x"], coins(100n), "DuplicateKey");
    await reverts("createValidator", [signing, vrf, "0x1234", 500, "x"], coins(100n), "MalformedKeys");
    await reverts("createValidator", [signing, signing, pop, 500, "x"], coins(100n), "MalformedKeys");
    await reverts("createValidator", [signing, vrf, pop, 10_001, "x"], coins(100n), "CommissionTooHigh");
    await reverts("delegate", [stranger.address], coins(1n), "UnknownValidator");
    await reverts("undelegate", [bytesToHex(genesis.validators[0]!.address), coins(1n)], 0n, "InsufficientDelegation");
    await reverts("withdraw", [], 0n, "NothingToWithdraw");
    await reverts("unjail", [], 0n, "UnknownValidator");
    // A real transaction that reverts: the state is untouched but for the gas it paid.
    const tx = await h.getFunction("delegate").send(stranger.address, { value: coins(1n), gasLimit: 100_000n });
    const receipt = await provider.waitForTransaction(tx.hash);
    expect(receipt?.status).toBe(0);
    const after = await provider.getBalance(stranger.address);
    expect(before - after).toBe(receipt!.gasUsed * receipt!.gasPrice);
    expect(await provider.getBalance(HUB)).toBeGreaterThan(0n);
  });

  it("elects a validator registered from a wallet two epochs later, and it signs certificates", async () => {
    const crypto = createEd25519EcvrfCrypto();
    const pop = provePossession(crypto, genesis.params.chainId, newcomer.address, newcomer.signingSecretKey, newcomer.vrfSecretKey);
    const receipt = await send(
      operator,
      "createValidator",
      [bytesToHex(signingPublicKey(newcomer.signingSecretKey)), bytesToHex(vrfPublicKeyOf(newcomer.vrfSecretKey)), bytesToHex(pop), 1_000, "newcomer"],
      coins(200n),
    );
    // A registration whose proof of possession was made for another operator: the ledger takes it
    // (it cannot check ed25519), the node never elects it.
    const forger = keysFromSeed(new TextEncoder().encode("staking test forger"));
    const wrongPop = provePossession(crypto, genesis.params.chainId, newcomer.address, forger.signingSecretKey, forger.vrfSecretKey);
    await send(
      stranger,
      "createValidator",
      [bytesToHex(signingPublicKey(forger.signingSecretKey)), bytesToHex(vrfPublicKeyOf(forger.vrfSecretKey)), bytesToHex(wrongPop), 0, "forger"],
      coins(5_000n),
    );
    const created = receipt.logs.map((l) => hub().interface.parseLog(l)).find((l) => l?.name === "ValidatorCreated");
    expect(created?.args[0]).toBe(operator.address);
    // Registered during epoch e: it is a candidate when e ends, so the set of e + 2 holds it.
    const e = (BigInt(receipt.blockNumber) - 1n) / EPOCH;
    await waitForHeight((e + 1n) * EPOCH + 1n);
    expect(await members(e + 2n)).toContain(operator.address.toLowerCase());
    const candidates = ((await hub().getFunction("candidates")()) as Array<{ validator: string }>).map((c) => c.validator.toLowerCase());
    expect(candidates).toContain(stranger.address.toLowerCase());
    for (let epoch = e + 2n; epoch <= e + 3n; epoch++) expect(await members(epoch)).not.toContain(stranger.address.toLowerCase());
    expect(await members(e + 1n)).not.toContain(operator.address.toLowerCase());
    // Serving from the first height of e + 2: its precommits appear in the certificates blocks carry.
    const firstServing = (e + 2n) * EPOCH + 1n;
    await waitForHeight(firstServing + EPOCH);
    const v = (await hub().getFunction("getValidator")(operator.address)) as { lastSignedHeight: bigint; stake: bigint };
    expect(v.lastSignedHeight).toBeGreaterThan(firstServing);
    // The same over the verity_ namespace, as an explorer reads it.
    const listed = (await provider.send("verity_getValidators", [`0x${(e + 2n).toString(16)}`])) as Array<{ address: string; status: string; commissionBps: number }>;
    expect(listed.find((m) => m.address === operator.address)).toMatchObject({ status: "active", commissionBps: 1_000 });
    expect(listed.map((m) => m.address)).not.toContain(stranger.address);
    const epoch = (await provider.send("verity_getEpoch", [])) as { epoch: string; firstHeight: string; lastHeight: string };
    expect(BigInt(epoch.lastHeight) - BigInt(epoch.firstHeight) + 1n).toBe(EPOCH);
  }, 60_000);

  it("gives a delegator exactly its funds back after the unbonding period, not before", async () => {
    await send(delegator, "delegate", [operator.address], coins(50n));
    const [, delegatedWorth] = (await hub().getFunction("delegationOf")(operator.address, delegator.address)) as [bigint, bigint];
    // The pool's share price can only have risen since the delegation (rewards), by less than a coin here.
    expect(delegatedWorth >= coins(50n) - 1n).toBe(true);
    // Everything, at the share price when it runs (an epoch end may raise it after it was read).
    const undelegated = await send(delegator, "undelegateAll", [operator.address], 0n);
    const [sharesLeft] = (await hub().getFunction("delegationOf")(operator.address, delegator.address)) as [bigint, bigint];
    expect(sharesLeft).toBe(0n);
    const entries = (await hub().getFunction("unbondingsOf")(delegator.address)) as Array<{ amount: bigint; completeEpoch: bigint }>;
    expect(entries.length).toBe(1);
    const worth = entries[0]!.amount;
    expect(worth >= delegatedWorth).toBe(true);
    const [, worthBefore] = (await hub().getFunction("delegationOf")(operator.address, delegator.address, { blockTag: undelegated.blockNumber - 1 })) as [bigint, bigint];
    expect(worth).toBe(worthBefore);
    const completeEpoch = entries[0]!.completeEpoch;
    const positions = (await provider.send("verity_getStakingPositions", [delegator.address])) as { delegations: unknown[]; unbondings: Array<{ amount: string; completeEpoch: string }> };
    expect(positions.delegations).toEqual([]);
    expect(positions.unbondings.map((u) => [BigInt(u.amount), BigInt(u.completeEpoch)])).toEqual([[worth, completeEpoch]]);
    // The epoch the undelegation ran in (the state before its block: a block that ends an epoch moves it on after its transactions).
    expect(completeEpoch).toBe(((await hub().getFunction("currentEpoch")({ blockTag: undelegated.blockNumber - 1 })) as bigint) + 2n);
    const early = await hub(delegator)
      .getFunction("withdraw")
      .estimateGas()
      .then(() => null, (e: { data?: string }) => e);
    expect(hub().interface.parseError(early?.data ?? "0x")?.name).toBe("NothingToWithdraw");
    // The ledger's epoch advances at each epoch's last block.
    await waitForHeight(completeEpoch * EPOCH + 1n);
    expect(await currentEpoch()).toBeGreaterThanOrEqual(completeEpoch);
    const before = await provider.getBalance(delegator.address);
    const withdrawn = await send(delegator, "withdraw", [], 0n);
    const after = await provider.getBalance(delegator.address);
    expect(after - before).toBe(worth - withdrawn.gasUsed * withdrawn.gasPrice);
    expect((await hub().getFunction("unbondingsOf")(delegator.address)) as unknown[]).toEqual([]);
    expect(undelegated.blockNumber).toBeLessThan(withdrawn.blockNumber);
  }, 60_000);

  it("mints exactly the formula's rewards, 3 % to the foundation, across era boundaries", async () => {
    await waitForHeight(2n * genesis.staking.halvingInterval + 2n); // two halvings behind us
    const head = BigInt(await provider.getBlockNumber());
    let foundation = 0n;
    for (let h = 1n; h <= head; h++) foundation += splitReward(blockReward(h, genesis.staking), genesis.staking).foundation;
    expect(await provider.getBalance(bytesToHex(DEV_FOUNDATION), head)).toBe(foundation);
    expect(blockReward(genesis.staking.halvingInterval + 1n, genesis.staking)).toBe((coins(2n) + 7n) / 2n);
    // verity_getSupply: genesis + minted - burned fees (summed here from the headers) = total; staked = the ledger's balance.
    let fees = 0n;
    for (let h = 1; h <= Number(head); h++) {
      const b = (await provider.send("eth_getBlockByNumber", [`0x${h.toString(16)}`, false])) as { baseFeePerGas: string; gasUsed: string };
      fees += BigInt(b.baseFeePerGas) * BigInt(b.gasUsed);
    }
    const supply = (await provider.send("verity_getSupply", [`0x${head.toString(16)}`])) as Record<string, string>;
    const genesisSupply = [...genesis.alloc.values()].reduce((s, a) => s + a.balance, 0n) + genesis.validators.reduce((s, v) => s + coins(v.stake), 0n);
    expect(BigInt(supply.genesis!)).toBe(genesisSupply);
    expect(BigInt(supply.burnedFees!)).toBe(fees);
    expect(BigInt(supply.total!)).toBe(genesisSupply + mintedThrough(head, genesis.staking) - fees);
    expect(BigInt(supply.staked!)).toBe(await provider.getBalance(HUB, head));
    // The ledger accounts for every wei it holds.
    const [pools, unbonding, commission, pending] = (await hub().getFunction("totalHeld")({ blockTag: Number(head) })) as bigint[];
    expect(pools! + unbonding! + commission! + pending!).toBe(await provider.getBalance(HUB, head));
  });
});

describe("the supply invariant", () => {
  it("holds at every height: genesis supply + minted - burned = the sum of all balances", async () => {
    await node.stop();
    // No one was jailed or slashed in this run: the ledger burned nothing.
    const rows = await supplyByHeight(datadir, genesis, async () => 0n);
    expect(rows.length).toBeGreaterThan(2 * Number(genesis.staking.halvingInterval));
    for (const row of rows) expect(row.balances, `height ${row.height}`).toBe(row.expected);
  }, 120_000);
});
