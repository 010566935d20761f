// ethers clients for tests that talk to a node over JSON-RPC: no network detection, fast polling,
// no response cache (a test reads state it has just changed).
import { JsonRpcProvider, type TransactionReceipt } from "ethers";

export const provider = (url: string): JsonRpcProvider => new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });

/** The receipt of `hash`, polled for up to 15 s. */
export async function mined(p: JsonRpcProvider, hash: string): Promise<TransactionReceipt> {
  for (let i = 0; i < 300; i++) {
    const receipt = await p.getTransactionReceipt(hash);
    if (receipt !== null) return receipt;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no receipt for ${hash} after 15 s`);
}
