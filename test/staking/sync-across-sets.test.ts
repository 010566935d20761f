// Issue 11: certificates across epoch changes verify against the right set in sync. A chain whose
// validator set changes twice (a validator registered through the ledger joins two epochs later; a
// slashed one leaves) is built by one node; a fresh node with no keys then syncs it from genesis over
// libp2p, verifying every certificate against the set the ledger recorded for its height, and
// reaches the same head, block hashes and state root.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Contract, JsonRpcProvider, Wallet, type TransactionReceipt } from "ethers";
import { afterAll, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys, keysFromSeed, signingPublicKey, vrfPublicKeyOf, type ValidatorKeys } from "../../src/chain/validator-keys.js";
import { verifyNextBlock } from "../../src/consensus/block-rules.js";
import { decodeCommitCertificate } from "../../src/consensus/certificate.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { encodeEvidence, votesEvidence } from "../../src/consensus/evidence.js";
import { voteSignBytes, type Vote } from "../../src/consensus/messages.js";
import { VerityNode, type NodeOptions } from "../../src/node/node.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { STAKE_HUB_ADDRESS, STAKE_UNIT_WEI } from "../../src/primitives/staking.js";
import type { Genesis } from "../../src/primitives/types.js";
import { provePossession } from "../../src/staking/proof-of-possession.js";
import { STAKE_HUB_ABI } from "../../src/staking/stake-hub-artifact.js";
import { EpochValidatorSets } from "../../src/staking/validator-sets.js";
import { SystemViews } from "../../src/evm/system-call.js";
import { silentLogger } from "../../src/util/logger.js";
import { freePort, rpcCall } from "../helpers/process.js";
import { DEV } from "../helpers/rpc-node.js";
import { blockAt, waitUntil } from "../helpers/localnet.js";

const EPOCH = 8n;
const crypto = createEd25519EcvrfCrypto();
const dev = devGenesis();
const genesis: Genesis = { ...dev, staking: { ...dev.staking, epochLength: EPOCH } };
const operator = new Wallet(DEV[5]!.key);
const newcomer: ValidatorKeys = { ...keysFromSeed(new TextEncoder().encode("sync newcomer")), address: hexToBytes(operator.address as `0x${string}`) };
const offender = devValidatorKeys(3);

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}, 60_000);

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "verity-sync-sets-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(o: Partial<NodeOptions> & { datadir: string }): Promise<VerityNode> {
  const node = await VerityNode.start({
    genesis,
    http: { host: "127.0.0.1", port: 0, corsDomains: ["*"], vhosts: ["*"] },
    blockTimeMs: 100,
    devAccounts: [],
    validators: [],
    logger: silentLogger,
    ...o,
  });
  cleanups.push(() => node.stop());
  return node;
}

function equivocation(height: number): string {
  const vote = (value: string): Vote => {
    const unsigned = { step: "precommit" as const, height, round: 0, valueHash: keccak256(new TextEncoder().encode(value)), voter: offender.address };
    return { kind: "vote", ...unsigned, vrfProof: new Uint8Array(80), signature: crypto.sign(offender.signingSecretKey, voteSignBytes(genesis.params.chainId, unsigned)) };
  };
  return bytesToHex(encodeEvidence(votesEvidence(vote("a"), vote("b"))));
}

const members = async (provider: JsonRpcProvider, epoch: bigint) =>
  ((await new Contract(bytesToHex(STAKE_HUB_ADDRESS), STAKE_HUB_ABI, provider).getFunction("epochSet")(epoch)) as Array<{ validator: string }>).map((m) => m.validator.toLowerCase());

describe("sync across validator-set changes", () => {
  it("a fresh node syncs from genesis through a join and a slash and reaches the same head and state root", async () => {
    const sourceDir = tempDir();
    const producer = await start({ datadir: sourceDir, validators: [newcomer, ...genesis.validators.map((_, i) => devValidatorKeys(i))], devAccounts: deriveDevAccounts().map((a) => a.address) });
    const provider = new JsonRpcProvider(producer.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    cleanups.push(async () => provider.destroy());
    const hub = new Contract(bytesToHex(STAKE_HUB_ADDRESS), STAKE_HUB_ABI, operator.connect(provider));
    const pop = provePossession(crypto, genesis.params.chainId, newcomer.address, newcomer.signingSecretKey, newcomer.vrfSecretKey);
    const tx = (await hub.getFunction("createValidator").send(
      bytesToHex(signingPublicKey(newcomer.signingSecretKey)),
      bytesToHex(vrfPublicKeyOf(newcomer.vrfSecretKey)),
      bytesToHex(pop),
      0,
      "joins",
      { value: 200n * STAKE_UNIT_WEI },
    )) as { wait(): Promise<TransactionReceipt | null> };
    const joinedIn = (BigInt((await tx.wait())!.blockNumber) - 1n) / EPOCH;
    const head0 = BigInt(await provider.getBlockNumber());
    await rpcCall(producer.rpcUrl, "verity_submitEvidence", [equivocation(Number(head0) - 1)]);
    // Far enough that both changes governed several epochs.
    const target = (joinedIn + 5n) * EPOCH;
    await waitUntil("the producer's chain", async () => BigInt(await provider.getBlockNumber()) >= target, 120_000, 100);
    const last = (BigInt(await provider.getBlockNumber()) - 1n) / EPOCH;
    const sets = await Promise.all([0n, joinedIn + 2n, last].map((e) => members(provider, e)));
    expect(sets[0]).not.toContain(operator.address.toLowerCase());
    expect(sets[1]).toContain(operator.address.toLowerCase());
    expect(sets[2]).not.toContain(bytesToHex(offender.address));
    await producer.stop();

    // Served frozen (automine, nothing to mine) by the same data dir, with p2p.
    const p2pPort = await freePort();
    const source = await start({ datadir: sourceDir, blockTimeMs: 0, p2p: { host: "127.0.0.1", port: p2pPort, bootnodes: [], maxPeers: 25 } });
    const head = source.chain.head.header.number;
    const follower = await start({ datadir: tempDir(), blockTimeMs: 0, p2p: { host: "127.0.0.1", port: 0, bootnodes: [`/ip4/127.0.0.1/tcp/${p2pPort}`], maxPeers: 25 } });
    await waitUntil("the follower at the source's head", async () => follower.chain.head.header.number >= head, 120_000, 100);
    for (const n of [head, (joinedIn + 2n) * EPOCH + 1n, head0 + 2n]) {
      const [a, b] = await Promise.all([blockAt(source.rpcUrl, n), blockAt(follower.rpcUrl, n)]);
      expect({ hash: b?.hash, stateRoot: b?.stateRoot }, `height ${n}`).toEqual({ hash: a?.hash, stateRoot: a?.stateRoot });
    }

    // A light client that trusts only the genesis header walks the whole chain: each header names the
    // next height's set, the set a peer hands over must hash to it, and the certificate (carried by
    // the block after) must prove the block final under that set, across both set changes.
    const chain = follower.chain;
    const consensusParams = { chainId: genesis.params.chainId, committeeTau: genesis.params.committeeSize, proposerTau: genesis.params.proposerTau };
    const setsByHeight = new EpochValidatorSets(genesis, new SystemViews(chain.store.stateDb, chain.common), async (h) => (await chain.getBlockByNumber(h))?.header.stateRoot);
    let trusted = (await chain.getBlockByNumber(0n))!;
    const named = new Set<string>([bytesToHex(trusted.header.nextValidatorsHash)]);
    for (let n = 1n; n < head; n++) {
      const candidate = (await chain.getBlockByNumber(n))!;
      const cert = decodeCommitCertificate((await chain.getBlockByNumber(n + 1n))!.lastCommit);
      if (!cert.ok) throw new Error(`block ${n + 1n}: ${cert.error}`);
      expect(verifyNextBlock(trusted, candidate, cert.value, await setsByHeight.setFor(Number(n)), consensusParams, crypto), `height ${n}`).toBeNull();
      named.add(bytesToHex(candidate.header.nextValidatorsHash));
      trusted = candidate;
    }
    // The genesis set, the set with the newcomer, and the set without the slashed validator.
    expect(named.size).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
