// The pool's geth-spelled limits on a real node (LevelDB, JSON-RPC, ethers over HTTP): small limits
// refuse exactly where geth would (tip under --txpool.pricelimit, a sender's queue over
// --txpool.accountqueue, a full pool and a newcomer that does not outbid its cheapest transaction),
// and the default limits take a burst larger than the pool held before (8,192 slots) without a
// single refusal. Blocks come an hour apart, so nothing is mined while the pool is examined, however
// slow a shared machine makes signing and sending.
import { afterEach, describe, expect, it } from "vitest";
import { JsonRpcProvider, Transaction, Wallet, type TransactionRequest } from "ethers";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { DEFAULT_LIMITS } from "../../src/chain/txpool/limits.js";
import type { NodeOptions } from "../../src/node/node.js";
import { startTestNode, type TestNode } from "../helpers/node.js";
import { transfer1559 } from "../helpers/txs.js";

const GWEI = 10n ** 9n;
const dev = deriveDevAccounts(10);
const wallets = dev.map((d) => new Wallet(bytesToHex(d.privateKey)));
const TO = "0x" + "42".repeat(20);

let n: TestNode | undefined;
let provider: JsonRpcProvider | undefined;

afterEach(async () => {
  provider?.destroy();
  provider = undefined;
  await n?.stop();
  n = undefined;
});

/** A node whose first block is sealed at once and the next an hour later. */
async function start(txpool: NodeOptions["txpool"]): Promise<JsonRpcProvider> {
  n = await startTestNode({ blockTimeMs: 3_600_000, ...(txpool ? { txpool } : {}) });
  provider = new JsonRpcProvider(n.url, 31337, { staticNetwork: true, batchMaxCount: 100 });
  // Block 1 is sealed at once; the pool is examined only after it, so no block can take from it.
  for (let i = 0; i < 1200 && (await provider.getBlockNumber()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  if ((await provider.getBlockNumber()) === 0) throw new Error("the node sealed no first block within 60 s");
  return provider;
}

function transfer(nonce: number, tip: bigint, value = 1n): TransactionRequest {
  return { type: 2, chainId: 31337n, nonce, to: TO, value, gasLimit: 21_000n, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: tip };
}

/**
 * Sends a signed transaction; the node's refusal message, or null when admitted. With `bare`, as a
 * plain eth_sendRawTransaction (broadcastTransaction also decodes the transaction and recovers its
 * sender in JavaScript, ~2 ms each: most of a burst's time).
 */
async function send(p: JsonRpcProvider, raw: string, bare = false): Promise<string | null> {
  try {
    if (bare) await p.send("eth_sendRawTransaction", [raw]);
    else await p.broadcastTransaction(raw);
    return null;
  } catch (e) {
    const err = e as { error?: { message?: string }; info?: { error?: { message?: string } }; message: string };
    return err.error?.message ?? err.info?.error?.message ?? err.message;
  }
}

async function status(p: JsonRpcProvider): Promise<{ pending: number; queued: number }> {
  const s = (await p.send("txpool_status", [])) as { pending: string; queued: string };
  return { pending: Number(s.pending), queued: Number(s.queued) };
}

describe("txpool limits (--txpool.*)", () => {
  it("refuses only where geth would: below the price limit, over a sender's queue, a full pool not outbid", async () => {
    const p = await start({ globalSlots: 6, globalQueue: 2, accountSlots: 2, accountQueue: 2, priceLimit: 2n * GWEI });
    const [alice, bob, carol, dave, erin] = wallets;
    // --txpool.pricelimit: a tip under 2 gwei is refused, 2 gwei is taken, and the node suggests no less.
    expect(BigInt((await p.send("eth_maxPriorityFeePerGas", [])) as string)).toBe(2n * GWEI);
    expect(await send(p, await alice!.signTransaction(transfer(0, GWEI)))).toBe("transaction gas price below minimum: gas tip cap 1000000000, minimum needed 2000000000");
    expect(await send(p, await alice!.signTransaction(transfer(0, 2n * GWEI)))).toBeNull();
    // --txpool.accountqueue 2: alice's nonces 5 and 6 wait behind a gap, nonce 7 is one too many.
    expect(await send(p, await alice!.signTransaction(transfer(5, 2n * GWEI)))).toBeNull();
    expect(await send(p, await alice!.signTransaction(transfer(6, 2n * GWEI)))).toBeNull();
    expect(await send(p, await alice!.signTransaction(transfer(7, 2n * GWEI)))).toBe("account limit exceeded: queued 2 txs");
    // --txpool.globalqueue 2: the queue is full, and bob's queued newcomer pays no more than its cheapest.
    expect(await send(p, await bob!.signTransaction(transfer(3, 2n * GWEI)))).toBe("transaction underpriced");
    expect(await status(p)).toEqual({ pending: 1, queued: 2 });
    // globalslots 6 + globalqueue 2 = 8 slots: five more executable transactions fill the pool.
    for (const [w, nonce] of [[bob, 0], [bob, 1], [carol, 0], [carol, 1], [dave, 0]] as const) {
      expect(await send(p, await w!.signTransaction(transfer(nonce, 2n * GWEI)))).toBeNull();
    }
    expect(await status(p)).toEqual({ pending: 6, queued: 2 });
    // Full: a newcomer at the same price is refused, one that pays more takes the cheapest's place.
    expect(await send(p, await erin!.signTransaction(transfer(0, 2n * GWEI)))).toBe("transaction underpriced");
    const better = await erin!.signTransaction(transfer(0, 3n * GWEI));
    expect(await send(p, better)).toBeNull();
    const s = await status(p);
    expect(s.pending + s.queued).toBe(8);
    expect(await p.getTransaction(Transaction.from(better).hash!)).not.toBeNull();
    // A replacement still needs geth's 10 % bump, and a used nonce is still too low: nothing else refuses.
    expect(await send(p, await carol!.signTransaction(transfer(0, 2n * GWEI, 2n)))).toBe("replacement transaction underpriced");
  });

  it(`takes a burst larger than the old 8,192-slot pool with the default limits (${DEFAULT_LIMITS.globalSlots} pending)`, async () => {
    const p = await start(undefined);
    const perSender = 832; // 10 dev accounts × 832 = 8,320 transfers
    // Signed with @ethereumjs/tx (3x faster than ethers' signer here), sent through ethers.
    const raws = dev.map((d) =>
      Array.from({ length: perSender }, (_, nonce) =>
        bytesToHex(transfer1559(d.privateKey, { nonce: BigInt(nonce), to: hexToBytes(TO as `0x${string}`), maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: GWEI }).serialize()),
      ),
    );
    // Interleaved, as senders in a burst arrive, 200 requests in flight (ethers batches them by 100).
    const refusals: string[] = [];
    for (let nonce = 0; nonce < perSender; nonce += 20) {
      const wave = raws.flatMap((r) => r.slice(nonce, nonce + 20));
      for (const outcome of await Promise.all(wave.map((raw) => send(p, raw, true)))) if (outcome !== null) refusals.push(outcome);
    }
    expect(refusals).toEqual([]);
    expect(await status(p)).toEqual({ pending: wallets.length * perSender, queued: 0 });
    const next = await p.getTransactionCount(wallets[3]!.address, "pending");
    expect(next).toBe(perSender);
  }, 240_000);
});
