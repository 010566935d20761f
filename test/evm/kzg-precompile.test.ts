// Issue 12, item 2: the KZG point-evaluation precompile (0x0a) answers, in eth_call and in a
// transaction, as anvil's does. Before: "kzg not initialized", and a transaction to it was charged
// but included in no block (test/evm/execution-isolation.test.ts holds that root cause).
import { Wallet, toBeHex, type JsonRpcProvider } from "ethers";
import { describe, expect, it } from "vitest";
import { withAnvil } from "../helpers/anvil-pair.js";
import { mined, provider } from "../helpers/ethers-rpc.js";
import { DEV } from "../helpers/rpc-node.js";

const nodes = withAnvil();

/** EIP-4844 point-evaluation inputs (versioned hash, z, y, commitment, proof). The first is the
 * vector of geth's and revm's precompile tests; the second was made with micro-eth-signer's KZG
 * (blob 1, 2, ..., 4096; z = 0x1234) and is verified here by anvil's c-kzg. */
const POINT_EVALUATION_INPUTS = [
  "0x01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d3630624d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a18f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c16a",
  "0x01d50a91f3d499e2edd1fed6a705e0b3e0266a8f2d44762ef9914e69a01ec24100000000000000000000000000000000000000000000000000000000000012344e8b7ea264705333e77423daaf8e0748415b74d477ee19222e070a4b93df97e7a3c9330a06642467615c00ef352b887068536b670fd7bdae362414d378cf1b3a88fe3eb4264a88612814aecf8fd6acfcb5656d11951d97c7ba23e5575341c41caef2ef241b4fba9a8cbf82d070bde51317093aea1f8727d311b6c1b605f6f0bb",
];
/** FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS, what the precompile returns for a valid proof. */
const POINT_EVALUATION_OUTPUT =
  "0x000000000000000000000000000000000000000000000000000000000000100073eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";
const POINT_EVALUATION = "0x000000000000000000000000000000000000000a";

async function callOrError(p: JsonRpcProvider, data: string): Promise<string> {
  try {
    return await p.call({ to: POINT_EVALUATION, data });
  } catch {
    return "error";
  }
}

describe("the KZG point-evaluation precompile (0x0a)", () => {
  it("answers eth_call as anvil does, for valid and invalid proofs", async () => {
    const ours = provider(nodes.verity.url);
    const theirs = provider(nodes.anvil.url);
    for (const input of POINT_EVALUATION_INPUTS) {
      const mine = await callOrError(ours, input);
      expect(mine).toBe(POINT_EVALUATION_OUTPUT);
      expect(mine).toBe(await callOrError(theirs, input));
      // The same point with a wrong y: the proof does not verify, the call fails.
      const wrongY = input.slice(0, 2 + 128) + toBeHex(BigInt(`0x${input.slice(2 + 128, 2 + 192)}`) ^ 1n, 32).slice(2) + input.slice(2 + 192);
      expect(await callOrError(ours, wrongY)).toBe("error");
      expect(await callOrError(theirs, wrongY)).toBe("error");
    }
    ours.destroy();
    theirs.destroy();
  });

  it("a transaction to it is included and paid for like any other, with anvil's gas", async () => {
    const run = async (url: string) => {
      const p = provider(url);
      const wallet = new Wallet(DEV[5]!.key, p);
      const before = await p.getBalance(wallet.address);
      const nonce = await p.getTransactionCount(wallet.address, "pending");
      const sent = await wallet.sendTransaction({ to: POINT_EVALUATION, data: POINT_EVALUATION_INPUTS[0], gasLimit: 100_000n, nonce });
      const receipt = await mined(p, sent.hash);
      const block = await p.getBlock(receipt.blockNumber);
      const fee = receipt.gasUsed * receipt.gasPrice;
      const result = {
        status: receipt.status,
        gasUsed: receipt.gasUsed,
        nonceAfter: await p.getTransactionCount(wallet.address, receipt.blockNumber),
        spent: before - (await p.getBalance(wallet.address, receipt.blockNumber)),
        fee,
        burnt: receipt.gasUsed * block!.baseFeePerGas!,
        minerGain: (await p.getBalance(block!.miner, receipt.blockNumber)) - (await p.getBalance(block!.miner, receipt.blockNumber - 1)),
        nonce,
      };
      p.destroy();
      return result;
    };
    const [ours, theirs] = await Promise.all([run(nodes.verity.url), run(nodes.anvil.url)]);
    for (const r of [ours, theirs]) {
      expect(r.status).toBe(1);
      expect(r.nonceAfter).toBe(r.nonce + 1);
      expect(r.spent).toBe(r.fee);
    }
    // On verity the proposer gets the tip of the one transaction in its block: nothing vanishes.
    expect(ours.minerGain).toBe(ours.fee - ours.burnt);
    expect(ours.gasUsed).toBe(theirs.gasUsed);
  });
});
