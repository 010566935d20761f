// Evidence travels between nodes (issue 11): equivocation evidence submitted to a node that never
// proposes (a non-validator RPC node) reaches the validators over the gossip "evidence" topic, goes
// into one of their blocks and slashes the offender (without the gossip it waits at the RPC node for
// ever). Evidence that does not verify is refused where it enters (here over RPC; a gossiped piece
// gets the same check and a "reject" verdict, which penalises its sender).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { Contract, JsonRpcProvider } from "ethers";
import { afterAll, describe, expect, it } from "vitest";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { devValidatorKeys } from "../../src/chain/validator-keys.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { encodeEvidence, votesEvidence } from "../../src/consensus/evidence.js";
import { voteSignBytes, type Vote } from "../../src/consensus/messages.js";
import { VerityNode, type NodeOptions } from "../../src/node/node.js";
import { keccak256 } from "../../src/primitives/hash.js";
import { STAKE_HUB_ADDRESS } from "../../src/primitives/staking.js";
import { STAKE_HUB_ABI } from "../../src/staking/stake-hub-artifact.js";
import { silentLogger } from "../../src/util/logger.js";
import { freePort, rpcCall } from "../helpers/process.js";
import { waitUntil } from "../helpers/localnet.js";

const crypto = createEd25519EcvrfCrypto();
const genesis = devGenesis();
const offender = devValidatorKeys(3);

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}, 60_000);

async function start(o: Partial<NodeOptions>): Promise<VerityNode> {
  const datadir = mkdtempSync(join(tmpdir(), "verity-evidence-gossip-"));
  cleanups.push(async () => rmSync(datadir, { recursive: true, force: true }));
  const node = await VerityNode.start({
    datadir,
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

/** Two precommits by the offender for different values at `height`, signed with `secret`. */
function equivocation(height: number, secret = offender.signingSecretKey): string {
  const vote = (value: string): Vote => {
    const unsigned = { step: "precommit" as const, height, round: 0, valueHash: keccak256(new TextEncoder().encode(value)), voter: offender.address };
    return { kind: "vote", ...unsigned, vrfProof: new Uint8Array(80), signature: crypto.sign(secret, voteSignBytes(genesis.params.chainId, unsigned)) };
  };
  return bytesToHex(encodeEvidence(votesEvidence(vote("a"), vote("b"))));
}

describe("evidence gossip", () => {
  it("evidence given to a non-validator node is gossiped to the validators, included and slashed", async () => {
    const port = await freePort();
    const validators = await start({ validators: [0, 1, 2, 3].map((i) => devValidatorKeys(i)), p2p: { host: "127.0.0.1", port, bootnodes: [], maxPeers: 25 } });
    const rpcNode = await start({ p2p: { host: "127.0.0.1", port: 0, bootnodes: [`/ip4/127.0.0.1/tcp/${port}`], maxPeers: 25 } });
    await waitUntil("the RPC node connected and following", async () => rpcNode.chain.head.header.number >= 3n, 60_000, 100);
    // The gossip mesh forms after the connection; wait for the validators' node to see the topic peer.
    await new Promise((r) => setTimeout(r, 1_500));

    // Forged evidence (signed with another key) is refused at the RPC node itself.
    const forged = equivocation(Number(rpcNode.chain.head.header.number) - 1, devValidatorKeys(0).signingSecretKey);
    await expect(rpcCall(rpcNode.rpcUrl, "verity_submitEvidence", [forged])).rejects.toThrow(/does not verify/);

    const height = Number(rpcNode.chain.head.header.number) - 1;
    const accepted = await rpcCall<{ offender: string; height: string }>(rpcNode.rpcUrl, "verity_submitEvidence", [equivocation(height)]);
    expect(accepted.offender.toLowerCase()).toBe(bytesToHex(offender.address));

    const provider = new JsonRpcProvider(validators.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    cleanups.push(async () => provider.destroy());
    const hub = new Contract(bytesToHex(STAKE_HUB_ADDRESS), STAKE_HUB_ABI, provider);
    let includedIn: bigint | undefined;
    await waitUntil(
      "the evidence in a validator's block",
      async () => {
        for (let n = BigInt(height) + 1n; n <= validators.chain.head.header.number; n++) {
          if ((await validators.chain.getBlockByNumber(n))!.evidence.length > 0) includedIn = n;
        }
        return includedIn !== undefined;
      },
      30_000,
      100,
    );
    const v = (await hub.getFunction("getValidator")(bytesToHex(offender.address), { blockTag: Number(includedIn) })) as { tombstoned: boolean };
    expect(v.tombstoned).toBe(true);
    // The RPC node never proposes: the only way the evidence reached a block is the gossip.
    const proposer = (await validators.chain.getBlockByNumber(includedIn!))!.header.proposer;
    expect([0, 1, 2, 3].map((i) => bytesToHex(devValidatorKeys(i).address))).toContain(bytesToHex(proposer));
  }, 120_000);
});
