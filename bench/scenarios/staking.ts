// Scenario `staking`: a chain whose validator set changes, epoch by epoch, as the staking ledger
// decides: one in-process node runs four genesis validators' keys but one (validator 3: its node is
// "down", so it is jailed for downtime), and a newcomer that registers through the ledger at the
// start; a delegator delegates to the newcomer; evidence of an equivocation by validator 2 is
// submitted after the second epoch (it is slashed and tombstoned). The table is read back from the
// ledger at each epoch's last block: set size, W, the rewards minted to validators and the
// foundation, what the ledger burned, who is jailed or tombstoned, and the supply check.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys, genesisValidatorOf, keysFromSeed, signingPublicKey, vrfPublicKeyOf, type ValidatorKeys } from "../../src/chain/validator-keys.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { encodeEvidence, votesEvidence } from "../../src/consensus/evidence.js";
import { voteSignBytes, type Vote } from "../../src/consensus/messages.js";
import { VerityNode } from "../../src/node/node.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { STAKE_HUB_ADDRESS, STAKE_UNIT_WEI } from "../../src/primitives/staking.js";
import type { Genesis } from "../../src/primitives/types.js";
import { provePossession } from "../../src/staking/proof-of-possession.js";
import { blockReward, splitReward } from "../../src/staking/rewards.js";
import { STAKE_HUB_ABI } from "../../src/staking/stake-hub-artifact.js";
import { silentLogger } from "../../src/util/logger.js";
import { barChartSpec } from "../harness/charts.js";
import type { ScenarioOutput } from "../harness/results.js";
import { pick, type BenchOptions, type Scenario } from "../harness/scenario.js";

const coinsOf = (wei: bigint) => Number(wei / 10n ** 14n) / 10_000;

interface EpochRow {
  epoch: number;
  setSize: number;
  totalStakeCoins: number;
  mintedToValidatorsCoins: number;
  mintedToFoundationCoins: number;
  burnedByLedgerCoins: number;
  jailed: number;
  tombstoned: number;
  supplyMatches: boolean;
}

async function run(o: BenchOptions): Promise<ScenarioOutput<{ rows: EpochRow[] }>> {
  const epochs = pick(o.heights, o.quick, 5, 10);
  const epochLength = o.quick ? 8n : 16n;
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-staking-"));
  const accounts = deriveDevAccounts(10);
  const keys: ValidatorKeys[] = [0, 1, 2, 3].map((i) => ({ ...devValidatorKeys(i), address: accounts[i]!.address }));
  const dev = devGenesis();
  const genesis: Genesis = {
    ...dev,
    validators: keys.map((k) => genesisValidatorOf(k, 1000n)),
    staking: { ...dev.staking, epochLength, minDowntimeBlocks: 2n * epochLength, jailEpochs: 2n },
  };
  const operator = new Wallet(bytesToHex(accounts[5]!.privateKey));
  const newcomer: ValidatorKeys = { ...keysFromSeed(new TextEncoder().encode("bench newcomer")), address: hexToBytes(operator.address as `0x${string}`) };
  const node = await VerityNode.start({
    datadir: dir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 100,
    devAccounts: [],
    validators: [newcomer, ...keys.slice(0, 3)],
    logger: silentLogger,
  });
  const provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  try {
    const crypto = createEd25519EcvrfCrypto();
    const hub = (w?: Wallet) => new Contract(bytesToHex(STAKE_HUB_ADDRESS), STAKE_HUB_ABI, w ? w.connect(provider) : provider);
    const pop = provePossession(crypto, genesis.params.chainId, newcomer.address, newcomer.signingSecretKey, newcomer.vrfSecretKey);
    await (await hub(operator).getFunction("createValidator").send(bytesToHex(signingPublicKey(newcomer.signingSecretKey)), bytesToHex(vrfPublicKeyOf(newcomer.vrfSecretKey)), bytesToHex(pop), 1_000, "newcomer", { value: 300n * STAKE_UNIT_WEI })).wait();
    const delegator = new Wallet(bytesToHex(accounts[6]!.privateKey));
    await (await hub(delegator).getFunction("delegate").send(operator.address, { value: 700n * STAKE_UNIT_WEI })).wait();
    const waitFor = async (height: bigint) => {
      while (BigInt(await provider.getBlockNumber()) < height) await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor(2n * epochLength + 1n);
    const offender = keys[2]!;
    const h = (await provider.getBlockNumber()) - 1;
    const vote = (value: string): Vote => {
      const unsigned = { step: "precommit" as const, height: h, round: 0, valueHash: keccak256(new TextEncoder().encode(value)), voter: offender.address };
      return { kind: "vote", ...unsigned, vrfProof: new Uint8Array(80), signature: crypto.sign(offender.signingSecretKey, voteSignBytes(genesis.params.chainId, unsigned)) };
    };
    await provider.send("verity_submitEvidence", [bytesToHex(encodeEvidence(votesEvidence(vote("a"), vote("b"))))]);
    await waitFor(BigInt(epochs) * epochLength + 1n);

    const rows: EpochRow[] = [];
    for (let e = 0; e < epochs; e++) {
      const last = (BigInt(e) + 1n) * epochLength;
      const at = { blockTag: Number(last) };
      const set = (await hub().getFunction("epochSet")(BigInt(e), at)) as Array<{ validator: string; stake: bigint }>;
      let validators = 0n;
      let foundation = 0n;
      for (let n = BigInt(e) * epochLength + 1n; n <= last; n++) {
        const split = splitReward(blockReward(n, genesis.staking), genesis.staking);
        validators += split.validators;
        foundation += split.foundation;
      }
      const burned = ((await hub().getFunction("totalBurned")(at)) as bigint) - (e === 0 ? 0n : ((await hub().getFunction("totalBurned")({ blockTag: Number(last - epochLength) })) as bigint));
      let jailed = 0;
      let tombstoned = 0;
      for (const k of [...keys, newcomer]) {
        const v = (await hub().getFunction("getValidator")(bytesToHex(k.address), at)) as { jailed: boolean; tombstoned: boolean };
        if (v.tombstoned) tombstoned++;
        else if (v.jailed) jailed++;
      }
      // The ledger's books: everything it holds is its balance.
      const [pools, unbonding, commission, pending] = (await hub().getFunction("totalHeld")(at)) as bigint[];
      const supplyMatches = pools! + unbonding! + commission! + pending! === (await provider.getBalance(bytesToHex(STAKE_HUB_ADDRESS), last));
      rows.push({
        epoch: e,
        setSize: set.length,
        totalStakeCoins: coinsOf(set.reduce((s, m) => s + m.stake, 0n)),
        mintedToValidatorsCoins: coinsOf(validators),
        mintedToFoundationCoins: coinsOf(foundation),
        burnedByLedgerCoins: coinsOf(burned),
        jailed,
        tombstoned,
        supplyMatches,
      });
    }
    return {
      scenario: "staking",
      status: rows.every((r) => r.supplyMatches) ? "ok" : "failed",
      ...(rows.every((r) => r.supplyMatches) ? {} : { statusReason: "the ledger's holdings differ from its balance" }),
      options: { ...o, outDir: undefined },
      notes: [
        `${epochs} epochs of ${epochLength} heights at 100 ms blocks, one in-process node. Genesis validators 0-3 (1,000 coins each); validator 3's node is down; a newcomer registers with 300 coins at the start and is delegated 700; validator 2 equivocates after epoch 1 (evidence submitted over verity_submitEvidence).`,
        "Each row is read at the epoch's last block (after its endEpoch): the set that governed the epoch, the rewards minted during it (by the formula), what the ledger burned during it (forfeited rewards of jailed members, slashes), and whether the ledger's holdings equal its balance.",
      ],
      tables: [
        {
          title: "Epoch by epoch",
          columns: ["epoch", "set size", "W (coins)", "minted to validators (coins)", "to the foundation (coins)", "burned by the ledger (coins)", "jailed", "tombstoned", "ledger books balance"],
          rows: rows.map((r) => [String(r.epoch), String(r.setSize), r.totalStakeCoins.toFixed(4), r.mintedToValidatorsCoins.toFixed(4), r.mintedToFoundationCoins.toFixed(4), r.burnedByLedgerCoins.toFixed(4), String(r.jailed), String(r.tombstoned), r.supplyMatches ? "yes" : "NO"]),
        },
      ],
      charts: [
        {
          name: "stake",
          title: "Total stake of each epoch's set",
          spec: barChartSpec({ title: "W of each epoch's validator set (coins)", categoryTitle: "epoch", valueTitle: "coins", points: rows.map((r) => ({ category: `epoch ${r.epoch} (${r.setSize} validators)`, value: r.totalStakeCoins })) }),
        },
      ],
      data: { rows },
    };
  } finally {
    provider.destroy();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const stakingScenario: Scenario = {
  name: "staking",
  summary: "a chain whose validator set changes through the staking ledger: join, delegation, downtime jail, slash; epoch-by-epoch table",
  run,
};
