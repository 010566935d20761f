// Genesis vesting (issue 11): allocations with a cliff and linear or stepwise unlocks, held by the
// vesting ledger (contracts/Vesting.sol at 0x…1001) and claimed by each beneficiary from its own
// wallet. Checked against the schedule's formula computed here independently, wei-exact; the supply
// invariant counts what the ledger still holds; bad genesis sections fail naming the field.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Contract, JsonRpcProvider, Wallet, type TransactionReceipt } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { genesisToJson, parseGenesis } from "../../src/chain/genesis-json.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { VerityNode } from "../../src/node/node.js";
import { genesisSupply, STAKE_HUB_ADDRESS, VESTING_ADDRESS } from "../../src/primitives/staking.js";
import type { Genesis, VestingAllocation } from "../../src/primitives/types.js";
import { STAKE_HUB_ABI } from "../../src/staking/stake-hub-artifact.js";
import { VESTING_ABI } from "../../src/staking/vesting-artifact.js";
import { silentLogger } from "../../src/util/logger.js";
import { rpcCall as rpc } from "../helpers/process.js";
import { DEV } from "../helpers/rpc-node.js";
import { supplyByHeight } from "../helpers/supply.js";

const COIN = 10n ** 18n;
const VESTING = bytesToHex(VESTING_ADDRESS);
const now = BigInt(Math.floor(Date.now() / 1000));
const investor = new Wallet(DEV[5]!.key);
const team = new Wallet(DEV[6]!.key);
const adviser = new Wallet(DEV[7]!.key);
const outsider = new Wallet(DEV[8]!.key);
const addr = (w: Wallet) => hexToBytes(w.address as `0x${string}`);

// Investor: 10 % at start, the rest in ten monthly steps (here 100 s), begun 250 s ago (two steps in).
// Team: 5 % at start, the rest after a lock far beyond the test. Adviser: linear, starting in the future.
const schedules: VestingAllocation[] = [
  { beneficiary: addr(investor), total: 1_000n * COIN, start: now - 250n, cliff: 0n, duration: 1_000n, step: 100n, initialBps: 1_000 },
  { beneficiary: addr(team), total: 2_000n * COIN + 7n, start: now - 10n, cliff: 94_608_000n, duration: 94_608_000n, step: 0n, initialBps: 500 },
  { beneficiary: addr(adviser), total: 400n * COIN, start: now + 100_000n, cliff: 0n, duration: 126_144_000n, step: 0n, initialBps: 0 },
];

/** The schedule's formula, written independently of the contract. */
function vestedAt(a: VestingAllocation, t: bigint): bigint {
  if (t < a.start) return 0n;
  const initial = (a.total * BigInt(a.initialBps)) / 10_000n;
  let elapsed = t - a.start;
  if (elapsed < a.cliff) return initial;
  if (a.duration === 0n || elapsed >= a.duration) return a.total;
  if (a.step > 0n) elapsed -= elapsed % a.step;
  return initial + ((a.total - initial) * elapsed) / a.duration;
}

let datadir: string;
let genesis: Genesis;
let node: VerityNode;
let provider: JsonRpcProvider;

beforeAll(async () => {
  datadir = mkdtempSync(join(tmpdir(), "verity-vesting-"));
  genesis = { ...devGenesis(), vesting: schedules };
  node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 100,
    devAccounts: [],
    validators: [0, 1, 2, 3].map((i) => devValidatorKeys(i)),
    logger: silentLogger,
  });
  provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
  if (datadir) rmSync(datadir, { recursive: true, force: true });
});

const ledger = (w?: Wallet) => new Contract(VESTING, VESTING_ABI, w ? w.connect(provider) : provider);
const revertOf = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => null,
    (e: { data?: string }) => e,
  );
  if (error === null) return null;
  const parsed = ledger().interface.parseError(error.data ?? "0x");
  return parsed ? { name: parsed.name, args: [...parsed.args] } : null;
};

describe("genesis vesting", () => {
  it("mints every allocation into the vesting ledger at genesis", async () => {
    const total = schedules.reduce((s, a) => s + a.total, 0n);
    expect(await provider.getBalance(VESTING, 0)).toBe(total);
    expect(await ledger().getFunction("totalAllocated")({ blockTag: 0 })).toBe(total);
    expect(((await ledger().getFunction("beneficiaries")({ blockTag: 0 })) as string[]).map((a) => a.toLowerCase())).toEqual(schedules.map((a) => bytesToHex(a.beneficiary)));
    expect(genesisSupply(genesis) - genesisSupply({ ...genesis, vesting: [] })).toBe(total);
  });

  it("unlocks by the schedule's formula, wei-exact, at any time", async () => {
    for (const a of schedules) {
      const offsets = [-1n, 0n, 1n, 99n, 100n, 101n, 250n, 999n, a.cliff - 1n, a.cliff, a.duration / 2n, a.duration - 1n, a.duration, a.duration + 5n];
      for (const dt of offsets) {
        const t = a.start + dt;
        if (t < 0n) continue;
        const got = (await ledger().getFunction("vestedAt")(bytesToHex(a.beneficiary), t)) as bigint;
        expect(got, `${bytesToHex(a.beneficiary)} at start${dt >= 0n ? "+" : ""}${dt}`).toBe(vestedAt(a, t));
      }
    }
    // The stepwise investor schedule unlocks in whole steps of 10 % of the rest.
    const inv = schedules[0]!;
    expect(vestedAt(inv, inv.start + 199n)).toBe(100n * COIN + 90n * COIN);
  });

  it("pays a beneficiary exactly what has unlocked when it claims, and leaves nothing claimable", async () => {
    const before = await provider.getBalance(investor.address);
    const tx = await ledger(investor).getFunction("claim").send();
    const receipt = (await tx.wait()) as TransactionReceipt;
    expect(receipt.status).toBe(1);
    const blockTime = BigInt((await provider.getBlock(receipt.blockNumber))!.timestamp);
    const claimed = ledger().interface.parseLog(receipt.logs[0]!)!;
    expect(claimed.name).toBe("Claimed");
    expect(claimed.args[1]).toBe(vestedAt(schedules[0]!, blockTime));
    const after = await provider.getBalance(investor.address, receipt.blockNumber);
    expect(after).toBe(before + (claimed.args[1] as bigint) - receipt.gasUsed * receipt.gasPrice);
    const position = await rpc<Record<string, string | number> | null>(node.rpcUrl, "verity_getVesting", [investor.address, `0x${receipt.blockNumber.toString(16)}`]);
    expect(position).not.toBeNull();
    expect(BigInt(position!.claimed as string)).toBe(claimed.args[1]);
    expect(BigInt(position!.claimable as string)).toBe(0n);
    expect(BigInt(position!.locked as string)).toBe(schedules[0]!.total - (claimed.args[1] as bigint));
    expect(BigInt(position!.total as string)).toBe(schedules[0]!.total);
  });

  it("refuses claims with named errors: locked until the cliff, not started, no schedule", async () => {
    // The team's 5 % is claimable now, the rest only after the lock.
    const first = await (await ledger(team).getFunction("claim").send()).wait();
    expect(first?.status).toBe(1);
    const teamSchedule = schedules[1]!;
    expect(await revertOf(ledger(team).getFunction("claim").estimateGas())).toEqual({ name: "NothingToClaim", args: [team.address, teamSchedule.start + teamSchedule.cliff] });
    const adv = schedules[2]!;
    expect(await revertOf(ledger(adviser).getFunction("claim").estimateGas())).toEqual({ name: "NothingToClaim", args: [adviser.address, adv.start] });
    expect(await revertOf(ledger(outsider).getFunction("claim").estimateGas())).toEqual({ name: "NoSchedule", args: [outsider.address] });
    // Only the node (at genesis) allocates.
    expect((await revertOf(ledger(outsider).getFunction("allocate").estimateGas([], { value: 0 })))?.name).toBe("NotSystem");
    expect(await rpc(node.rpcUrl, "verity_getVesting", [outsider.address])).toBeNull();
  });

  it("counts what the ledger holds in the supply, and keeps the invariant at every height", async () => {
    const head = BigInt(await provider.getBlockNumber());
    const s = await rpc<Record<string, string>>(node.rpcUrl, "verity_getSupply", [`0x${head.toString(16)}`]);
    const held = await provider.getBalance(VESTING, head);
    expect(BigInt(s.vesting!)).toBe(held);
    expect(held).toBe((await ledger().getFunction("locked")({ blockTag: Number(head) })) as bigint);
    expect(BigInt(s.genesis!)).toBe(genesisSupply(genesis));
    const hub = new Contract(bytesToHex(STAKE_HUB_ADDRESS), STAKE_HUB_ABI, provider);
    const burnedAt = new Map<bigint, bigint>();
    for (let n = 1n; n <= head; n++) burnedAt.set(n, (await hub.getFunction("totalBurned")({ blockTag: Number(n) })) as bigint);
    await node.stop();
    const rows = await supplyByHeight(datadir, genesis, async (n) => burnedAt.get(n) ?? 0n);
    expect(rows.length).toBeGreaterThan(Number(head));
    for (const row of rows.slice(0, Number(head) + 1)) expect(row.balances, `height ${row.height}`).toBe(row.expected);
  }, 60_000);
});

describe("the genesis vesting section", () => {
  const base = () => JSON.parse(genesisToJson({ ...devGenesis(), vesting: schedules })) as { vesting: Array<Record<string, unknown>> };
  const parseWith = (change: (g: { vesting: Array<Record<string, unknown>> }) => void) => {
    const g = base();
    change(g);
    return () => parseGenesis(JSON.stringify(g));
  };

  it("round-trips through the genesis file", () => {
    expect(parseGenesis(genesisToJson({ ...devGenesis(), vesting: schedules })).vesting).toEqual(schedules);
    expect(parseGenesis(genesisToJson(devGenesis())).vesting).toEqual([]);
  });

  it("refuses bad allocations naming the field", () => {
    expect(parseWith((g) => (g.vesting[0]!.cliff = "2000"))).toThrow("vesting[0].cliff: must not exceed the duration");
    expect(parseWith((g) => (g.vesting[1]!.beneficiary = g.vesting[0]!.beneficiary))).toThrow("vesting[1].beneficiary");
    expect(parseWith((g) => (g.vesting[2]!.amount = "0"))).toThrow("vesting[2].amount: must be positive");
    expect(parseWith((g) => (g.vesting[0]!.initialUnlockBps = 10_001))).toThrow("vesting[0].initialUnlockBps: must be at most 10000");
    expect(parseWith((g) => (g.vesting[0]!.unlock = "monthly"))).toThrow("vesting[0].unlock: unknown key");
    expect(parseWith((g) => (g.vesting[0]!.step = "5000"))).toThrow("vesting[0].step");
    expect(parseWith((g) => (g.vesting[0]!.beneficiary = "0x" + "00".repeat(20)))).toThrow("vesting[0].beneficiary: must not be the zero address");
  });
});
