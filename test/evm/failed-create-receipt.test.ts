// Issue 12, item 8: a contract creation that fails still names, in its receipt, the address it was
// to create (geth sets CreateAddress(sender, nonce) for every transaction without a recipient).
// Checked against anvil, the reference client, on the same transactions from the same dev account.
import { JsonRpcProvider, Wallet, getCreateAddress, type TransactionReceipt } from "ethers";
import { describe, expect, it } from "vitest";
import { withAnvil } from "../helpers/anvil-pair.js";
import { DEV } from "../helpers/rpc-node.js";

/** Init code that reverts at once (PUSH1 0 PUSH1 0 REVERT), and one that runs out of gas (JUMPDEST PUSH1 0 JUMP). */
const REVERTING_INIT = "0x60006000fd";
const LOOPING_INIT = "0x5b600056";

const nodes = withAnvil();

async function failedCreations(url: string): Promise<Array<{ receipt: TransactionReceipt; expected: string }>> {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  const wallet = new Wallet(DEV[3]!.key, provider);
  const out = [];
  for (const data of [REVERTING_INIT, LOOPING_INIT]) {
    const nonce = await provider.getTransactionCount(wallet.address, "pending");
    const sent = await wallet.sendTransaction({ data, gasLimit: 100_000n, nonce });
    let receipt: TransactionReceipt | null = null;
    for (let i = 0; i < 300 && receipt === null; i++) {
      receipt = await provider.getTransactionReceipt(sent.hash);
      if (receipt === null) await new Promise((r) => setTimeout(r, 50));
    }
    if (receipt === null) throw new Error(`no receipt for ${sent.hash} after 15 s`);
    out.push({ receipt, expected: getCreateAddress({ from: wallet.address, nonce }) });
  }
  provider.destroy();
  return out;
}

describe("a failed contract creation's receipt", () => {
  it("names the address it was to create, as anvil's does", async () => {
    const [ours, theirs] = await Promise.all([failedCreations(nodes.verity.url), failedCreations(nodes.anvil.url)]);
    for (const [i, mine] of ours.entries()) {
      const ref = theirs[i]!;
      expect(ref.receipt.status).toBe(0);
      expect(mine.receipt.status).toBe(0);
      expect(ref.receipt.contractAddress).toBe(ref.expected);
      expect(mine.receipt.contractAddress).toBe(mine.expected);
      // Same account, same nonces on fresh chains: the same addresses.
      expect(mine.receipt.contractAddress).toBe(ref.receipt.contractAddress);
    }
  });
});
