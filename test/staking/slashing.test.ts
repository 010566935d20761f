// Equivocation, end to end on a real node: evidence of a genesis validator signing two different
// precommits for one height and round is submitted over JSON-RPC (verity_submitEvidence, as
// CometBFT's broadcast_evidence), carried in a block under the header's evidenceHash, verified against
// that height's set, and slashes exactly the fraction of the stake; the validator is tombstoned and
// gone from the set at the first epoch whose snapshot follows. Evidence that does not verify, or is
// older than both bounds, is refused, and the rules a block's evidence must meet are checked directly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { Contract, JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { encodeEvidence, votesEvidence } from "../../src/consensus/evidence.js";
import { voteSignBytes, type Vote } from "../../src/consensus/messages.js";
import { ValidatorSet } from "../../src/consensus/types.js";
import { VerityNode } from "../../src/node/node.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { STAKE_HUB_ADDRESS } from "../../src/primitives/staking.js";
import type { Genesis } from "../../src/primitives/types.js";
import { EvidenceRules } from "../../src/staking/evidence.js";
import { STAKE_HUB_ABI } from "../../src/staking/stake-hub-artifact.js";
import { silentLogger } from "../../src/util/logger.js";
import { RpcClient } from "../helpers/rpc-node.js";

const EPOCH = 8n;
const crypto = createEd25519EcvrfCrypto();
const HUB = bytesToHex(STAKE_HUB_ADDRESS);
const offenderKeys = devValidatorKeys(3);
const offender = bytesToHex(offenderKeys.address);

let datadir: string;
let genesis: Genesis;
let node: VerityNode;
let provider: JsonRpcProvider;
let rpc: RpcClient;

/** Two precommits of the offender for one height and round with different values: an equivocation. */
function equivocation(height: number, signer = offenderKeys): Uint8Array {
  const vote = (value: string): Vote => {
    const unsigned = { step: "precommit" as const, height, round: 0, valueHash: keccak256(new TextEncoder().encode(value)), voter: offenderKeys.address };
    return { kind: "vote", ...unsigned, vrfProof: new Uint8Array(80), signature: crypto.sign(signer.signingSecretKey, voteSignBytes(genesis.params.chainId, unsigned)) };
  };
  return encodeEvidence(votesEvidence(vote("one block"), vote("another block")));
}

beforeAll(async () => {
  datadir = mkdtempSync(join(tmpdir(), "verity-slashing-"));
  const dev = devGenesis();
  genesis = { ...dev, staking: { ...dev.staking, epochLength: EPOCH, evidenceMaxAgeHeights: 12n, evidenceMaxAgeSeconds: 1n } };
  node = await VerityNode.start({
    datadir,
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 100,
    devAccounts: [],
    validators: genesis.validators.map((_, i) => devValidatorKeys(i)),
    logger: silentLogger,
  });
  provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  rpc = new RpcClient(node.rpcUrl);
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
  if (datadir) rmSync(datadir, { recursive: true, force: true });
});

const hub = new Proxy({} as Contract, { get: (_t, name: string) => new Contract(HUB, STAKE_HUB_ABI, provider).getFunction(name) });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within 30 s`);
}

const members = async (epoch: bigint) => ((await hub.epochSet!(epoch)) as Array<{ validator: string }>).map((m) => m.validator.toLowerCase());

describe("slashing for equivocation", () => {
  it("refuses evidence that does not verify, and evidence older than both bounds", async () => {
    await waitFor("height 3", async () => ((await provider.getBlockNumber()) >= 3 ? true : undefined));
    const forged = await rpc.raw("verity_submitEvidence", [bytesToHex(equivocation(2, devValidatorKeys(0)))]);
    expect(forged.error?.message).toMatch(/evidence refused: .*does not verify/);
    const garbage = await rpc.raw("verity_submitEvidence", ["0x0102"]);
    expect(garbage.error?.message).toMatch(/evidence refused: evidence does not decode/);
    const missing = await rpc.raw("verity_submitEvidence", []);
    expect(missing.error?.code).toBe(-32602);
    // More than 12 heights and more than 1 s after height 1.
    await waitFor("height 16, 2 s on", async () => ((await provider.getBlockNumber()) >= 16 ? true : undefined));
    const h1 = await provider.getBlock(1);
    await waitFor("2 s after height 1", async () => (Date.now() / 1000 > h1!.timestamp + 2 ? true : undefined));
    const old = await rpc.raw("verity_submitEvidence", [bytesToHex(equivocation(1))]);
    expect(old.error?.message).toMatch(/expired/);
  }, 60_000);

  it("slashes exactly the fraction, tombstones the offender and drops it from the set at the right epoch", async () => {
    const head = await provider.getBlockNumber();
    const accepted = await rpc.call("verity_submitEvidence", [bytesToHex(equivocation(head - 1))]);
    expect(accepted).toEqual({ offender: expect.stringMatching(new RegExp(offender.slice(2), "i")) as unknown, height: `0x${(head - 1).toString(16)}` });
    // The block that carries it.
    const carrier = await waitFor("the evidence in a block", async () => {
      const v = (await hub.getValidator!(offender)) as { tombstoned: boolean };
      if (!v.tombstoned) return undefined;
      for (let n = head; n <= (await provider.getBlockNumber()); n++) {
        const before = (await hub.getValidator!(offender, { blockTag: n - 1 })) as { tombstoned: boolean };
        const after = (await hub.getValidator!(offender, { blockTag: n })) as { tombstoned: boolean };
        if (!before.tombstoned && after.tombstoned) return n;
      }
      return undefined;
    });
    const before = (await hub.getValidator!(offender, { blockTag: carrier - 1 })) as { stake: bigint };
    const after = (await hub.getValidator!(offender, { blockTag: carrier })) as { stake: bigint; jailed: boolean; jailedUntilEpoch: bigint };
    expect(after.stake).toBe(before.stake - (before.stake * 500n) / 10_000n);
    expect(after.jailed).toBe(true);
    expect(after.jailedUntilEpoch).toBe((1n << 64n) - 1n);
    const burned = ((await hub.totalBurned!({ blockTag: carrier })) as bigint) - ((await hub.totalBurned!({ blockTag: carrier - 1 })) as bigint);
    expect(burned).toBe((before.stake * 500n) / 10_000n);
    // The ledger's balance went down by the burn (nothing else moves it here but the block's reward).
    const [pools, unbonding, commission, pending] = (await hub.totalHeld!({ blockTag: carrier })) as bigint[];
    expect(pools! + unbonding! + commission! + pending!).toBe(await provider.getBalance(HUB, carrier));
    // Slashed in epoch e: the snapshot at the end of e (for e + 2) and every later one leave it out.
    const e = BigInt(carrier - 1) / EPOCH;
    await waitFor("two more epochs", async () => (BigInt(await provider.getBlockNumber()) > (e + 2n) * EPOCH + 2n ? true : undefined));
    expect(await members(e + 2n)).not.toContain(offender);
    expect(await members(e + 3n)).not.toContain(offender);
    // The chain goes on without it.
    const h = await provider.getBlockNumber();
    await waitFor("progress", async () => ((await provider.getBlockNumber()) > h + 3 ? true : undefined));
    // Tombstoned for good: unjail reverts with Tombstoned (a call from its address; it needs no signature).
    const iface = new Contract(HUB, STAKE_HUB_ABI).interface;
    const unjail = await provider.call({ from: offender, to: HUB, data: iface.encodeFunctionData("unjail") }).then(
      () => null,
      (e: { data?: string }) => e,
    );
    expect(iface.parseError(unjail?.data ?? "0x")?.name).toBe("Tombstoned");
    // Slashed once: a second piece of evidence is refused.
    const again = await rpc.raw("verity_submitEvidence", [bytesToHex(equivocation(carrier))]);
    expect(again.error?.message).toMatch(/already slashed/);
  }, 60_000);
});

describe("a block's evidence", () => {
  it("must verify against its height's set, name each offender once, and not be expired", async () => {
    const set = ValidatorSet.from(genesis.validators.map((v) => ({ ...v })));
    const rules = new EvidenceRules({ setFor: async () => set, timestampOf: async (h) => 1_000n + h }, { evidenceMaxAgeHeights: 10n, evidenceMaxAgeSeconds: 10n }, genesis.params.chainId, crypto);
    const at = { height: 20n, timestamp: 1_020n };
    expect(await rules.check([equivocation(15)], at)).toBeNull();
    expect(await rules.check([equivocation(15), equivocation(16)], at)).toMatch(/second time/);
    expect(await rules.check([equivocation(20)], at)).toMatch(/cannot go into block 20/);
    expect(await rules.check([equivocation(15, devValidatorKeys(1))], at)).toMatch(/does not verify/);
    // Older than 10 heights but not than 10 s: kept; older than both: expired.
    expect(await rules.check([equivocation(9)], { height: 20n, timestamp: 1_015n })).toBeNull();
    expect(await rules.check([equivocation(9)], at)).toMatch(/expired/);
    expect(await rules.check([new Uint8Array([1, 2, 3])], at)).toMatch(/does not decode/);
  });
});
