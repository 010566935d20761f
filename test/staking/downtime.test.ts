// Downtime: a genesis validator that never signs (its node does not run) is jailed at the first epoch
// end after its silence passes the absence bound, forfeits its share of that epoch's rewards (burned),
// and is gone from the set at the epoch the next snapshot governs; after the jail period its
// operator's unjail() (an ordinary transaction from a wallet) makes it a candidate again, it is
// elected, and once its node runs it signs certificates again. The supply invariant holds at every
// height, the ledger's burns included. Too-early unjail and unjail of a validator that is not jailed
// revert with named errors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys, genesisValidatorOf, type ValidatorKeys } from "../../src/chain/validator-keys.js";
import { VerityNode } from "../../src/node/node.js";
import { STAKE_HUB_ADDRESS } from "../../src/primitives/staking.js";
import type { Genesis } from "../../src/primitives/types.js";
import { STAKE_HUB_ABI } from "../../src/staking/stake-hub-artifact.js";
import { silentLogger } from "../../src/util/logger.js";
import { DEV } from "../helpers/rpc-node.js";
import { supplyByHeight } from "../helpers/supply.js";

const EPOCH = 8n;
const HUB = bytesToHex(STAKE_HUB_ADDRESS);
// Genesis validators operated from dev accounts, so that they can send transactions (unjail).
const keys: ValidatorKeys[] = [0, 1, 2, 3].map((i) => ({ ...devValidatorKeys(i), address: hexToBytes(DEV[i]!.address as `0x${string}`) }));
const absent = new Wallet(DEV[3]!.key);

let datadir: string;
let genesis: Genesis;
let node: VerityNode;
let provider: JsonRpcProvider;

async function start(validators: ValidatorKeys[]): Promise<void> {
  node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 100,
    devAccounts: [],
    validators,
    logger: silentLogger,
  });
  provider?.destroy();
  provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
}

beforeAll(async () => {
  datadir = mkdtempSync(join(tmpdir(), "verity-downtime-"));
  const dev = devGenesis();
  genesis = {
    ...dev,
    validators: keys.map((k) => genesisValidatorOf(k, 1000n)),
    // Silent for more than 20 heights (the bound here: 20 expected gaps of 1 block, at least 10) is downtime.
    staking: { ...dev.staking, epochLength: EPOCH, minDowntimeBlocks: 10n, downtimeGapFactor: 20n, jailEpochs: 2n },
  };
  // Validator 3's node is down: three of four (3,000 of 4,000 stake) still commit.
  await start(keys.slice(0, 3));
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
  if (datadir) rmSync(datadir, { recursive: true, force: true });
});

const hub = () => new Contract(HUB, STAKE_HUB_ABI, provider);
const view = async <T>(name: string, ...args: unknown[]) => (await hub().getFunction(name)(...args)) as T;
const members = async (epoch: bigint) => (await view<Array<{ validator: string }>>("epochSet", epoch)).map((m) => m.validator.toLowerCase());

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, seconds = 40): Promise<T> {
  for (let i = 0; i < seconds * 20; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within ${seconds} s`);
}

const revertName = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => null,
    (e: { data?: string }) => e,
  );
  return error === null ? null : hub().interface.parseError(error.data ?? "0x")?.name;
};

describe("downtime", () => {
  it("jails a silent validator at an epoch end, burns its forfeited rewards, and drops it from the set", async () => {
    const h = hub().connect(absent.connect(provider)) as Contract;
    expect(await revertName(h.getFunction("unjail").estimateGas())).toBe("NotJailed");
    // Silent since genesis: at the end of epoch 2 (height 24) it is 24 > 20 heights silent.
    const jailedAt = await waitFor("the jail", async () => {
      const v = await view<{ jailed: boolean }>("getValidator", absent.address);
      return v.jailed ? BigInt(await provider.getBlockNumber()) : undefined;
    });
    const v = await view<{ jailedUntilEpoch: bigint; lastSignedHeight: bigint }>("getValidator", absent.address);
    expect(v.lastSignedHeight).toBe(0n);
    expect(v.jailedUntilEpoch).toBe(2n + 1n + 2n);
    expect(await view<bigint>("totalBurned", { blockTag: Number(3n * EPOCH) })).toBeGreaterThan(0n);
    expect(await view<boolean>("getValidator", absent.address, { blockTag: Number(3n * EPOCH) - 1 }).then((x) => (x as unknown as { jailed: boolean }).jailed)).toBe(false);
    expect(jailedAt >= 3n * EPOCH).toBe(true);
    // The snapshot at the end of epoch 2 (for epoch 4) leaves it out; epoch 3's (taken earlier) still has it.
    expect(await members(3n)).toContain(absent.address.toLowerCase());
    expect(await members(4n)).not.toContain(absent.address.toLowerCase());
    expect(await revertName(h.getFunction("unjail").estimateGas())).toBe("JailPeriodNotOver");
  }, 60_000);

  it("returns after unjail(), and signs again once its node runs", async () => {
    await waitFor("epoch 5", async () => ((await view<bigint>("currentEpoch")) >= 5n ? true : undefined));
    const tx = await (hub().connect(absent.connect(provider)) as Contract).getFunction("unjail").send();
    const receipt = await tx.wait();
    expect(receipt?.status).toBe(1);
    const unjailedIn = (BigInt(receipt!.blockNumber) - 1n) / EPOCH;
    const back = unjailedIn + 2n;
    await waitFor("its return to the set", async () => ((await view<bigint>("currentEpoch")) > unjailedIn ? true : undefined));
    expect(await members(back)).toContain(absent.address.toLowerCase());
    // Its node comes back with all four keys; from epoch `back` its precommits are in certificates.
    await node.stop();
    await start(keys);
    const firstServing = back * EPOCH + 1n;
    await waitFor("its signature in a certificate", async () => {
      const s = await view<{ lastSignedHeight: bigint }>("getValidator", absent.address);
      return s.lastSignedHeight > firstServing ? true : undefined;
    });
  }, 90_000);

  it("keeps the supply invariant at every height, forfeited rewards burned", async () => {
    const burnedAt = new Map<bigint, bigint>();
    const head = BigInt(await provider.getBlockNumber());
    for (let n = 1n; n <= head; n++) burnedAt.set(n, await view<bigint>("totalBurned", { blockTag: Number(n) }));
    await node.stop();
    const rows = await supplyByHeight(datadir, genesis, async (n) => burnedAt.get(n) ?? 0n);
    expect(rows.length).toBeGreaterThan(Number(head));
    for (const row of rows.slice(0, Number(head) + 1)) expect(row.balances, `height ${row.height}`).toBe(row.expected);
  }, 120_000);
});
