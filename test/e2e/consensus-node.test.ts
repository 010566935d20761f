// The node runs the real BFT engine: every committed block has a certificate that verifies from the
// genesis validator set alone, the next block carries it, and a restart resumes agreement.
import { afterAll, describe, expect, it } from "vitest";
import { decodeCommitCertificate, verifyCommitCertificate, commitCertificateHash } from "../../src/consensus/certificate.js";
import { createEd25519EcvrfCrypto } from "../../src/consensus/ed25519-ecvrf-crypto.js";
import { ValidatorSet } from "../../src/consensus/types.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { bytesToHex } from "@ethereumjs/util";
import { startTestNode, type TestNode } from "../helpers/node.js";

const crypto = createEd25519EcvrfCrypto();
const genesis = devGenesis();
const set = ValidatorSet.from(genesis.validators);
const params = { chainId: genesis.params.chainId, committeeTau: genesis.params.committeeSize, proposerTau: genesis.params.proposerTau };
let n: TestNode | undefined;
afterAll(async () => {
  await n?.stop();
});

async function waitForHeight(node: TestNode, height: bigint): Promise<void> {
  for (let i = 0; i < 300 && node.node.chain.head.header.number < height; i++) await new Promise((r) => setTimeout(r, 50));
  expect(node.node.chain.head.header.number).toBeGreaterThanOrEqual(height);
}

describe("node consensus", () => {
  it("commits only certified blocks, chains their certificates, and resumes after a restart", async () => {
    n = await startTestNode({ blockTimeMs: 100 });
    await waitForHeight(n, 4n);
    const chain = n.node.chain;
    for (let h = 1n; h <= 3n; h++) {
      const block = (await chain.getBlockByNumber(h))!;
      const stored = decodeCommitCertificate((await chain.getCertificate(block.hash))!);
      expect(stored.ok).toBe(true);
      if (!stored.ok) return;
      expect(bytesToHex(stored.value.valueHash)).toBe(bytesToHex(block.hash));
      expect(verifyCommitCertificate(stored.value, set, block.header.seed, params, crypto).ok).toBe(true);
      // The next block carries a certificate of this one (maybe another validator's) and names it.
      const next = (await chain.getBlockByNumber(h + 1n))!;
      const carried = decodeCommitCertificate(next.lastCommit);
      expect(carried.ok).toBe(true);
      if (!carried.ok) return;
      expect(bytesToHex(commitCertificateHash(carried.value))).toBe(bytesToHex(next.header.lastCommitHash));
      expect(verifyCommitCertificate(carried.value, set, block.header.seed, params, crypto).ok).toBe(true);
      // Everyone votes in the dev chain (tau >= W), so precommits carry no VRF proof; their
      // signatures bind height and block, so the certificate proves nothing about any other block.
      expect(stored.value.precommits.every((p) => p.vrfProof.length === 0)).toBe(true);
      expect(verifyCommitCertificate({ ...stored.value, valueHash: next.hash }, set, block.header.seed, params, crypto).ok).toBe(false);
      expect(verifyCommitCertificate({ ...stored.value, height: Number(h + 1n) }, set, next.header.seed, params, crypto).ok).toBe(false);
    }
    const datadir = n.datadir;
    const head = chain.head.header.number;
    await n.stop({ keepData: true });
    n = await startTestNode({ blockTimeMs: 100, datadir });
    await waitForHeight(n, head + 3n);
  });
});
