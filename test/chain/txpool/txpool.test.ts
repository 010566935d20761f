// The transaction pool against real signed @ethereumjs transactions: geth's admission checks and
// messages, replacement, pending/queued bookkeeping, caps and eviction, block selection order and
// re-validation after a block.
import { Hardfork } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { createBlob4844Tx, createEOACode7702Tx } from "@ethereumjs/tx";
import type { KZG, PrefixedHexString } from "@ethereumjs/util";
import { bytesToHex } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";
import type { TxPool } from "../../../src/chain/txpool/pool.js";
import { encodedTxSize } from "../../../src/chain/txpool/size.js";
import {
  BASE_FEE,
  BLOCK_GAS_LIMIT,
  CHAIN_ID,
  GWEI,
  TO,
  accepted,
  addTx,
  chainCommon,
  common,
  eip1559,
  eip2930,
  keyOf,
  legacy,
  newPool,
  rejection,
  senderOf,
} from "../../helpers/txpool-fixtures.js";

const hex = (tx: TypedTransaction) => bytesToHex(tx.hash());
const nonces = (txs: { nonce: bigint }[]) => txs.map((t) => Number(t.nonce));

/** Sets a field of an unfrozen transaction: @ethereumjs refuses to build these values at all. */
function tamper(tx: TypedTransaction, field: string, value: bigint): TypedTransaction {
  (tx as unknown as Record<string, bigint>)[field] = value;
  return tx;
}

describe("admission checks (geth's order and wording)", () => {
  it("admits legacy, EIP-2930 and EIP-1559 transactions", () => {
    const pool = newPool();
    expect(accepted(addTx(pool, 1, legacy(1))).status).toBe("pending");
    expect(accepted(addTx(pool, 2, eip2930(2))).status).toBe("pending");
    const r = accepted(addTx(pool, 3, eip1559(3)));
    expect(r.promoted.map((t) => t.hashHex)).toEqual([r.tx.hashHex]);
    expect(pool.stats()).toEqual({ pending: 3, queued: 0, slots: 3 });
  });

  it("refuses a transaction it already holds", () => {
    const pool = newPool();
    const tx = eip1559(1);
    accepted(addTx(pool, 1, tx));
    expect(rejection(addTx(pool, 1, tx))).toBe("already known");
  });

  it("refuses blob and set-code transactions", () => {
    const pool = newPool();
    const setCode = createEOACode7702Tx(
      {
        chainId: CHAIN_ID,
        maxFeePerGas: 100n * GWEI,
        maxPriorityFeePerGas: GWEI,
        gasLimit: 100_000n,
        to: TO,
        authorizationList: [{ chainId: "0x539", address: TO, nonce: "0x0", yParity: "0x0", r: "0x01", s: "0x01" }],
      },
      { common },
    ).sign(keyOf(1));
    expect(rejection(addTx(pool, 1, setCode))).toBe("transaction type not supported: tx type 4 not supported by this pool");
    // A blob tx without its sidecar needs no KZG work, but @ethereumjs wants a KZG to build one.
    const unused = () => {
      throw new Error("no blob data in this test");
    };
    const kzg = new Proxy({}, { get: () => unused }) as KZG;
    const blobCommon = common.copy();
    blobCommon.customCrypto.kzg = kzg;
    const blob = createBlob4844Tx(
      {
        chainId: CHAIN_ID,
        maxFeePerGas: 100n * GWEI,
        maxPriorityFeePerGas: GWEI,
        maxFeePerBlobGas: GWEI,
        gasLimit: 21000n,
        to: TO,
        blobVersionedHashes: [`0x01${"00".repeat(31)}` as PrefixedHexString],
      },
      { common: blobCommon },
    ).sign(keyOf(1));
    expect(rejection(addTx(pool, 1, blob))).toBe("transaction type not supported: tx type 3 not supported by this pool");
  });

  it("refuses oversized transactions (geth's 128 KiB) and oversized init code", () => {
    const pool = newPool();
    const big = eip1559(1, { data: new Uint8Array(130 * 1024).fill(1), gas: 6_000_000n });
    expect(rejection(addTx(pool, 1, big))).toBe(`oversized data: transaction size ${big.serialize().length}, limit 131072`);
    const init = eip1559(1, { to: null, data: new Uint8Array(49153).fill(1), gas: 3_000_000n, allowUnlimitedInitCodeSize: true });
    expect(rejection(addTx(pool, 1, init))).toBe("max initcode size exceeded: code size 49153, limit 49152");
  });

  it("refuses gas above the EIP-7825 cap and above the block gas limit", () => {
    // @ethereumjs enforces the cap at Osaka itself, so the over-cap tx is built under Prague rules.
    const prague = chainCommon(CHAIN_ID, Hardfork.Prague);
    const pool = newPool();
    const tooMuch = eip1559(1, { gas: (1n << 24n) + 1n, common: prague });
    expect(rejection(addTx(pool, 1, tooMuch))).toBe("transaction gas limit too high (cap: 16777216, tx: 16777217)");
    const small = newPool({ blockGasLimit: 10_000_000n });
    expect(rejection(addTx(small, 1, eip1559(1, { gas: 12_000_000n })))).toBe("exceeds block gas limit");
  });

  it("refuses insane fee fields", () => {
    const pool = newPool();
    const over = tamper(eip1559(1, { freeze: false }), "maxFeePerGas", 1n << 256n);
    expect(rejection(addTx(pool, 1, over))).toBe("max fee per gas higher than 2^256-1");
    const tipOver = tamper(tamper(eip1559(1, { freeze: false }), "maxFeePerGas", (1n << 256n) - 1n), "maxPriorityFeePerGas", 1n << 256n);
    expect(rejection(addTx(pool, 1, tipOver))).toBe("max priority fee per gas higher than 2^256-1");
    const tipAbove = tamper(eip1559(1, { freeze: false, tip: GWEI, maxFee: 2n * GWEI }), "maxPriorityFeePerGas", 3n * GWEI);
    expect(rejection(addTx(pool, 1, tipAbove))).toBe("max priority fee per gas higher than max fee per gas");
    const nonceMax = tamper(eip1559(1, { freeze: false }), "nonce", (1n << 64n) - 1n);
    expect(rejection(addTx(pool, 1, nonceMax))).toBe("nonce has max value");
  });

  it("refuses other chains' transactions, and unprotected ones only when configured to", () => {
    const pool = newPool();
    const other = chainCommon(999n);
    expect(rejection(addTx(pool, 1, eip1559(1, { chainId: 999n, common: other })))).toBe(
      "invalid sender: invalid chain id for signer: have 999 want 1337",
    );
    expect(rejection(addTx(pool, 1, legacy(1, { common: other })))).toBe("invalid sender: invalid chain id for signer: have 999 want 1337");
    const unprotected = legacy(2, { common: chainCommon(CHAIN_ID, Hardfork.Homestead) });
    expect([27n, 28n]).toContain(unprotected.v);
    expect(rejection(addTx(newPool({ allowUnprotected: false }), 2, unprotected))).toBe(
      "only replay-protected (EIP-155) transactions allowed over RPC",
    );
    accepted(addTx(pool, 2, unprotected));
  });

  it("refuses gas below the intrinsic cost and below the EIP-7623 calldata floor", () => {
    const pool = newPool();
    expect(rejection(addTx(pool, 1, eip1559(1, { gas: 20_000n })))).toBe("intrinsic gas too low: gas 20000, minimum needed 21000");
    // 1000 non-zero bytes: intrinsic 21000 + 16 000, floor 21000 + 10 × 4 000 tokens.
    const data = new Uint8Array(1000).fill(0xaa);
    expect(rejection(addTx(pool, 1, eip1559(1, { data, gas: 36_999n })))).toBe("intrinsic gas too low: gas 36999, minimum needed 37000");
    expect(rejection(addTx(pool, 1, eip1559(1, { data, gas: 50_000n })))).toBe(
      "insufficient gas for floor data gas cost: gas 50000, minimum needed 61000",
    );
    accepted(addTx(pool, 1, eip1559(1, { data, gas: 61_000n })));
  });

  it("enforces the configured tip floor and the chain's minimum base fee", () => {
    const pool = newPool({ minTip: GWEI, minBaseFee: 7n });
    expect(rejection(addTx(pool, 1, eip1559(1, { tip: GWEI - 1n })))).toBe(
      `transaction gas price below minimum: gas tip cap ${GWEI - 1n}, minimum needed ${GWEI}`,
    );
    expect(rejection(addTx(pool, 1, legacy(1, { gasPrice: 5n })))).toBe(`transaction gas price below minimum: gas tip cap 5, minimum needed ${GWEI}`);
    const cheap = newPool({ minBaseFee: 7n });
    expect(rejection(addTx(cheap, 1, eip1559(1, { tip: 1n, maxFee: 5n })))).toBe(
      `max fee per gas less than block base fee: address ${bytesToHex(senderOf(1))}, maxFeePerGas: 5, baseFee: 7`,
    );
  });

  it("admits a fee cap below the current base fee: it waits, and selection skips it", () => {
    const pool = newPool();
    const low = accepted(addTx(pool, 1, eip1559(1, { tip: 1n, maxFee: BASE_FEE / 2n })));
    expect(low.status).toBe("pending");
    expect([...pool.selectForBlock({ baseFee: BASE_FEE, gasLimit: 30_000_000n })]).toEqual([]);
    expect([...pool.selectForBlock({ baseFee: BASE_FEE / 4n, gasLimit: 30_000_000n })].map(hex)).toEqual([low.tx.hashHex]);
  });

  it("refuses stale nonces and unaffordable transactions, counting the sender's earlier ones", () => {
    const pool = newPool();
    expect(rejection(addTx(pool, 1, eip1559(1, { nonce: 5 }), { nonce: 7n, balance: 10n ** 20n }))).toBe(
      "nonce too low: next nonce 7, tx nonce 5",
    );
    // Each costs 21000 × 100 gwei (value 0).
    const cost = 21000n * 100n * GWEI;
    expect(rejection(addTx(pool, 1, eip1559(1), { nonce: 0n, balance: cost - 1n }))).toBe(
      `insufficient funds for gas * price + value: balance ${cost - 1n}, tx cost ${cost}, overshot 1`,
    );
    const account = { nonce: 0n, balance: 3n * cost };
    accepted(addTx(pool, 1, eip1559(1, { nonce: 5 }), account));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 0 }), account));
    // Only the sender's transactions below the new nonce count: nonce 5 does not burden nonce 1.
    accepted(addTx(pool, 1, eip1559(1, { nonce: 1 }), account));
    expect(rejection(addTx(pool, 1, eip1559(1, { nonce: 6 }), account))).toBe(
      `insufficient funds for gas * price + value: balance ${3n * cost}, queued cost ${3n * cost}, tx cost ${cost}, overshot ${cost}`,
    );
  });
});

describe("replacement of a sender's nonce", () => {
  it("needs both fee cap and tip raised by priceBump (10 %)", () => {
    const pool = newPool();
    const first = accepted(addTx(pool, 1, eip1559(1, { tip: 10n * GWEI, maxFee: 100n * GWEI })));
    expect(rejection(addTx(pool, 1, eip1559(1, { tip: 10n * GWEI, maxFee: 200n * GWEI })))).toBe("replacement transaction underpriced");
    expect(rejection(addTx(pool, 1, eip1559(1, { tip: 10_999_999_999n, maxFee: 110n * GWEI })))).toBe(
      "replacement transaction underpriced",
    );
    expect(rejection(addTx(pool, 1, eip1559(1, { tip: 11n * GWEI, maxFee: 109n * GWEI })))).toBe("replacement transaction underpriced");
    const second = accepted(addTx(pool, 1, eip1559(1, { tip: 11n * GWEI, maxFee: 110n * GWEI })));
    expect(second.replaced?.hashHex).toBe(first.tx.hashHex);
    expect(second.status).toBe("pending");
    expect(pool.has(first.tx.hash)).toBe(false);
    expect(pool.get(second.tx.hashHex)?.tx).toBe(second.tx.tx);
    expect(pool.stats()).toEqual({ pending: 1, queued: 0, slots: 1 });
  });

  it("lets a legacy transaction replace an EIP-1559 one (gas price counts as cap and tip)", () => {
    const pool = newPool({ priceBump: 50n });
    accepted(addTx(pool, 1, eip1559(1, { tip: 2n * GWEI, maxFee: 4n * GWEI })));
    expect(rejection(addTx(pool, 1, legacy(1, { gasPrice: 5n * GWEI })))).toBe("replacement transaction underpriced");
    expect(accepted(addTx(pool, 1, legacy(1, { gasPrice: 6n * GWEI }))).replaced).not.toBeNull();
  });

  it("replaces queued transactions in place", () => {
    const pool = newPool();
    accepted(addTx(pool, 1, eip1559(1, { nonce: 3, tip: GWEI })));
    const r = accepted(addTx(pool, 1, eip1559(1, { nonce: 3, tip: 2n * GWEI, maxFee: 200n * GWEI })));
    expect(r.status).toBe("queued");
    expect(r.promoted).toEqual([]);
    expect(pool.stats()).toEqual({ pending: 0, queued: 1, slots: 1 });
  });
});

describe("pending and queued", () => {
  it("queues transactions behind a nonce gap and promotes them when it fills", () => {
    const pool = newPool();
    const account = { nonce: 3n, balance: 10n ** 22n };
    expect(accepted(addTx(pool, 1, eip1559(1, { nonce: 5 }), account)).status).toBe("queued");
    expect(accepted(addTx(pool, 1, eip1559(1, { nonce: 6 }), account)).status).toBe("queued");
    expect(pool.pendingNonce(senderOf(1), 3n)).toBe(3n);
    const three = accepted(addTx(pool, 1, eip1559(1, { nonce: 3 }), account));
    expect(three.status).toBe("pending");
    expect(pool.pendingNonce(senderOf(1), 3n)).toBe(4n);
    expect(pool.stats()).toEqual({ pending: 1, queued: 2, slots: 3 });
    const four = accepted(addTx(pool, 1, eip1559(1, { nonce: 4 }), account));
    expect(nonces(four.promoted)).toEqual([4, 5, 6]);
    expect(pool.stats()).toEqual({ pending: 4, queued: 0, slots: 4 });
    expect(pool.pendingNonce(senderOf(1), 3n)).toBe(7n);
    // For an account nonce the pool has not seen yet, the run is counted from there.
    expect(pool.pendingNonce(senderOf(1), 5n)).toBe(7n);
    expect(pool.pendingNonce(senderOf(1), 9n)).toBe(9n);
    expect(pool.pendingNonce(senderOf(2), 4n)).toBe(4n);
  });

  it("takes a fresher account state passed with a transaction", () => {
    const pool = newPool();
    accepted(addTx(pool, 1, eip1559(1, { nonce: 0 })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 1 })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 3 })));
    // A block included nonces 0..1 and the node has not reported it yet.
    const r = accepted(addTx(pool, 1, eip1559(1, { nonce: 2 }), { nonce: 2n, balance: 10n ** 22n }));
    expect(r.dropped.map((d) => [Number(d.tx.nonce), d.reason])).toEqual([
      [0, "stale"],
      [1, "stale"],
    ]);
    expect(nonces(r.promoted)).toEqual([2, 3]);
    expect(pool.stats()).toEqual({ pending: 2, queued: 0, slots: 2 });
  });

  it("lists content per sender and nonce", () => {
    const pool = newPool();
    accepted(addTx(pool, 1, eip1559(1, { nonce: 0 })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 2 })));
    accepted(addTx(pool, 2, legacy(2, { nonce: 1 })));
    const content = pool.content();
    const a = bytesToHex(senderOf(1));
    const b = bytesToHex(senderOf(2));
    expect([...content.pending.keys()]).toEqual([a]);
    expect(nonces(content.pending.get(a) ?? [])).toEqual([0]);
    expect(nonces(content.queued.get(a) ?? [])).toEqual([2]);
    expect(nonces(content.queued.get(b) ?? [])).toEqual([1]);
    expect(nonces(pool.contentFrom(senderOf(1)).queued)).toEqual([2]);
    expect(pool.contentFrom(senderOf(3))).toEqual({ pending: [], queued: [] });
    expect(pool.senders().map(bytesToHex)).toEqual([a, b]);
    const pooled = pool.get(content.queued.get(b)?.[0].hash ?? new Uint8Array());
    expect(pooled?.senderHex).toBe(b);
    expect(bytesToHex(pooled?.sender ?? new Uint8Array())).toBe(b);
  });
});

describe("capacity and eviction", () => {
  /** A pool of 4 slots, full: sender 1 nonces 0 (tip 1) and 1 (tip 50), senders 2 and 3 (tips 20, 30). */
  function fullPool(): TxPool {
    const pool = newPool({ maxSlots: 4 });
    accepted(addTx(pool, 1, eip1559(1, { nonce: 0, tip: 1n * GWEI })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 1, tip: 50n * GWEI })));
    accepted(addTx(pool, 2, eip1559(2, { tip: 20n * GWEI })));
    accepted(addTx(pool, 3, eip1559(3, { tip: 30n * GWEI })));
    return pool;
  }

  it("refuses a newcomer no better than the cheapest", () => {
    const pool = fullPool();
    expect(rejection(addTx(pool, 4, eip1559(4, { tip: 1n * GWEI })))).toBe("transaction underpriced");
    expect(pool.stats().slots).toBe(4);
  });

  it("evicts from the tail of the sender with the cheapest floor, never leaving a gap", () => {
    const pool = fullPool();
    // Sender 1's nonce 1 pays 50 but cannot be mined before its nonce 0 paying 1: it goes first.
    const r = accepted(addTx(pool, 4, eip1559(4, { tip: 25n * GWEI })));
    expect(r.dropped.map((d) => [bytesToHex(d.tx.sender), Number(d.tx.nonce), d.reason])).toEqual([
      [bytesToHex(senderOf(1)), 1, "evicted"],
    ]);
    expect(nonces(pool.contentFrom(senderOf(1)).pending)).toEqual([0]);
    const r2 = accepted(addTx(pool, 5, eip1559(5, { tip: 26n * GWEI })));
    expect(r2.dropped.map((d) => [bytesToHex(d.tx.sender), Number(d.tx.nonce)])).toEqual([[bytesToHex(senderOf(1)), 0]]);
    const r3 = accepted(addTx(pool, 6, eip1559(6, { tip: 21n * GWEI })));
    expect(r3.dropped.map((d) => bytesToHex(d.tx.sender))).toEqual([bytesToHex(senderOf(2))]);
    expect(pool.stats()).toEqual({ pending: 4, queued: 0, slots: 4 });
  });

  it("does not let a sender's new nonce evict its own earlier transactions", () => {
    const pool = fullPool();
    // Sender 1's nonce 2 is worth only its nonce 0's tip of 1 gwei, however much it pays itself.
    expect(rejection(addTx(pool, 1, eip1559(1, { nonce: 2, tip: 90n * GWEI })))).toBe("transaction underpriced");
  });

  it("refuses when room runs out part way, leaving the pool unchanged", () => {
    const pool = newPool({ maxSlots: 4 });
    [1n, 20n, 30n, 40n].forEach((tip, k) => accepted(addTx(pool, k + 1, eip1559(k + 1, { tip: tip * GWEI }))));
    // 40 000 bytes of data take two slots; the second-cheapest (20 gwei) is not cheaper than 15.
    const wide = eip1559(5, { tip: 15n * GWEI, data: new Uint8Array(40_000), gas: 1_000_000n });
    expect(rejection(addTx(pool, 5, wide))).toBe("txpool is full");
    expect(pool.stats()).toEqual({ pending: 4, queued: 0, slots: 4 });
    const wider = eip1559(5, { tip: 25n * GWEI, data: new Uint8Array(40_000), gas: 1_000_000n });
    const r = accepted(addTx(pool, 5, wider));
    expect(r.dropped.map((d) => bytesToHex(d.tx.sender))).toEqual([bytesToHex(senderOf(1)), bytesToHex(senderOf(2))]);
    expect(pool.stats()).toEqual({ pending: 3, queued: 0, slots: 4 });
  });

  it("does not let a queued newcomer evict executable transactions", () => {
    const pool = fullPool();
    expect(rejection(addTx(pool, 4, eip1559(4, { nonce: 1, tip: 90n * GWEI })))).toBe("txpool is full");
  });

  it("caps queued transactions per sender, dropping the highest nonce first", () => {
    const pool = newPool({ maxQueuedPerSender: 2 });
    accepted(addTx(pool, 1, eip1559(1, { nonce: 2 })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 3 })));
    expect(rejection(addTx(pool, 1, eip1559(1, { nonce: 4 })))).toBe("account limit exceeded: queued 2 txs");
    const r = accepted(addTx(pool, 1, eip1559(1, { nonce: 1 })));
    expect(r.dropped.map((d) => [Number(d.tx.nonce), d.reason])).toEqual([[3, "account-queue-limit"]]);
    expect(nonces(pool.contentFrom(senderOf(1)).queued)).toEqual([1, 2]);
  });

  it("caps queued transactions in total, evicting the cheapest queued tail", () => {
    const pool = newPool({ maxQueued: 2 });
    accepted(addTx(pool, 1, eip1559(1, { nonce: 1, tip: 5n * GWEI })));
    accepted(addTx(pool, 2, eip1559(2, { nonce: 1, tip: 10n * GWEI })));
    accepted(addTx(pool, 3, eip1559(3, { nonce: 0, tip: 1n })));
    const r = accepted(addTx(pool, 4, eip1559(4, { nonce: 1, tip: 7n * GWEI })));
    expect(r.dropped.map((d) => [bytesToHex(d.tx.sender), d.reason])).toEqual([[bytesToHex(senderOf(1)), "evicted"]]);
    expect(rejection(addTx(pool, 5, eip1559(5, { nonce: 1, tip: 3n * GWEI })))).toBe("transaction underpriced");
    expect(pool.stats()).toEqual({ pending: 1, queued: 2, slots: 3 });
  });
});

describe("pending cut back after a block (geth's truncatePending: --txpool.globalslots, --txpool.accountslots)", () => {
  /** Sender k's nonces 0..count-1, and a sender 9 that also has queued transactions behind a gap. */
  function loaded(counts: number[], config: Parameters<typeof newPool>[0]): TxPool {
    const pool = newPool(config);
    counts.forEach((count, i) => {
      for (let nonce = 0; nonce < count; nonce++) accepted(addTx(pool, i + 1, eip1559(i + 1, { nonce })));
    });
    return pool;
  }
  const commitNothing = (pool: TxPool) => pool.onBlockCommitted({ includedHashes: [], accountOf: () => undefined, baseFee: BASE_FEE });
  const pendingOf = (pool: TxPool, k: number) => nonces(pool.contentFrom(senderOf(k)).pending);

  it("cuts the largest senders first, then evenly, from their highest nonces, down to maxPending", () => {
    // 10 + 6 + 3 + 1 = 20 pending, 12 allowed, each sender keeps at least 2.
    const pool = loaded([10, 6, 3, 1], { maxPending: 12, minPendingPerSender: 2 });
    const r = commitNothing(pool);
    expect(pool.stats().pending).toBe(12);
    // Sender 1 is cut to 6 (sender 2's count), then both evenly: 1 → 5, 2 → 5, 1 → 4, 2 → 4.
    expect([1, 2, 3, 4].map((k) => pendingOf(pool, k).length)).toEqual([4, 4, 3, 1]);
    expect(pendingOf(pool, 1)).toEqual([0, 1, 2, 3]);
    expect(new Set(r.dropped.map((d) => d.reason))).toEqual(new Set(["pending-limit"]));
    expect(r.dropped).toHaveLength(8);
  });

  it("never cuts a sender below minPendingPerSender, even when pending stays over", () => {
    const pool = loaded([5, 5, 5], { maxPending: 4, minPendingPerSender: 3 });
    commitNothing(pool);
    expect([1, 2, 3].map((k) => pendingOf(pool, k).length)).toEqual([3, 3, 3]);
    expect(pool.stats().pending).toBe(9);
  });

  it("keeps a sender's queued transactions queued when its pending run is cut", () => {
    const pool = loaded([6], { maxPending: 3, minPendingPerSender: 1 });
    accepted(addTx(pool, 1, eip1559(1, { nonce: 8 })));
    commitNothing(pool);
    expect(pendingOf(pool, 1)).toEqual([0, 1, 2]);
    expect(nonces(pool.contentFrom(senderOf(1)).queued)).toEqual([8]);
    expect(pool.stats()).toEqual({ pending: 3, queued: 1, slots: 4 });
  });

  it("leaves a pool within maxPending alone", () => {
    const pool = loaded([4, 4], { maxPending: 8, minPendingPerSender: 1 });
    expect(commitNothing(pool).dropped).toEqual([]);
    expect(pool.stats().pending).toBe(8);
  });
});

describe("block selection", () => {
  it("orders by effective tip across senders and by nonce within one, skipping unpayable fee caps", () => {
    const pool = newPool();
    const ids = new Map<string, string>();
    const put = (k: number, tx: TypedTransaction, id: string) => {
      accepted(addTx(pool, k, tx));
      ids.set(hex(tx), id);
    };
    put(1, eip1559(1, { nonce: 0, tip: 4n * GWEI }), "A0");
    put(1, eip1559(1, { nonce: 1, tip: 10n * GWEI }), "A1");
    put(2, eip1559(2, { tip: 5n * GWEI }), "B0");
    put(3, legacy(3, { gasPrice: 4n * GWEI }), "C0"); // effective tip 3 at base fee 1
    put(4, eip1559(4, { nonce: 0, tip: 9n * GWEI, maxFee: 20n * GWEI }), "D0");
    put(4, eip1559(4, { nonce: 1, tip: GWEI / 2n, maxFee: GWEI / 2n }), "D1"); // below the base fee
    put(4, eip1559(4, { nonce: 2, tip: 9n * GWEI, maxFee: 20n * GWEI }), "D2");
    put(5, eip1559(5, { tip: 5n * GWEI }), "E0"); // ties with B0, arrived later
    put(6, eip1559(6, { tip: 3n * GWEI, maxFee: 3n * GWEI }), "F0"); // effective tip 2
    const order = [...pool.selectForBlock({ baseFee: BASE_FEE, gasLimit: 30_000_000n })].map((tx) => ids.get(hex(tx)));
    expect(order).toEqual(["D0", "B0", "E0", "A0", "A1", "C0", "F0"]);
  });

  it("counts what a block on a base fee could take: each sender's executable run that pays it", () => {
    const pool = newPool();
    accepted(addTx(pool, 1, eip1559(1, { nonce: 0, tip: GWEI, maxFee: 5n * GWEI })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 1, tip: GWEI, maxFee: 2n * GWEI })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 2, tip: GWEI, maxFee: 5n * GWEI }))); // behind one that pays less
    accepted(addTx(pool, 2, legacy(2, { gasPrice: 3n * GWEI })));
    accepted(addTx(pool, 3, eip1559(3, { nonce: 1, tip: GWEI, maxFee: 5n * GWEI }))); // queued behind a gap
    expect(pool.stats()).toMatchObject({ pending: 4, queued: 1 });
    const counts = [GWEI, 2n * GWEI, 3n * GWEI, 4n * GWEI, 6n * GWEI].map((baseFee) => pool.includableCount(baseFee));
    expect(counts).toEqual([4, 4, 2, 1, 0]);
    // The same as what a block on that base fee is offered.
    for (const baseFee of [GWEI, 2n * GWEI, 3n * GWEI, 4n * GWEI, 6n * GWEI])
      expect(pool.includableCount(baseFee)).toBe([...pool.selectForBlock({ baseFee, gasLimit: 30_000_000n })].length);
  });

  it("offers nothing more from a sender whose transaction failed", () => {
    const pool = newPool();
    accepted(addTx(pool, 1, eip1559(1, { nonce: 0, tip: 9n * GWEI })));
    accepted(addTx(pool, 1, eip1559(1, { nonce: 1, tip: 9n * GWEI })));
    accepted(addTx(pool, 2, eip1559(2, { nonce: 0, tip: 5n * GWEI })));
    accepted(addTx(pool, 2, eip1559(2, { nonce: 1, tip: 5n * GWEI })));
    const sel = pool.selectForBlock({ baseFee: BASE_FEE, gasLimit: 30_000_000n });
    const first = sel.nextPooled();
    expect([first?.senderHex, first?.nonce]).toEqual([bytesToHex(senderOf(1)), 0n]);
    sel.rejectLast("execution failed");
    const second = sel.nextPooled();
    expect([second?.senderHex, second?.nonce]).toEqual([bytesToHex(senderOf(2)), 0n]);
    sel.skipSender(senderOf(2));
    expect(sel.next()).toBeUndefined();
  });

  it("stops offering transactions that no longer fit the gas left", () => {
    const pool = newPool();
    accepted(addTx(pool, 1, eip1559(1, { tip: 9n * GWEI, gas: 50_000n })));
    accepted(addTx(pool, 2, eip1559(2, { nonce: 0, tip: 8n * GWEI, gas: 40_000n })));
    accepted(addTx(pool, 2, eip1559(2, { nonce: 1, tip: 8n * GWEI })));
    accepted(addTx(pool, 3, eip1559(3, { tip: 7n * GWEI })));
    const sel = pool.selectForBlock({ baseFee: BASE_FEE, gasLimit: 100_000n });
    sel.setGasUsed(70_000n); // 30 000 left: only plain transfers fit, and not sender 2's after its nonce 0
    expect(sel.nextPooled()?.senderHex).toBe(bytesToHex(senderOf(3)));
    sel.setGasUsed(91_000n);
    expect(sel.next()).toBeUndefined();
    // A block whose gas limit is too small for anyone offers nothing.
    expect([...pool.selectForBlock({ baseFee: BASE_FEE, gasLimit: 20_000n })]).toEqual([]);
  });
});

describe("re-validation after a committed block", () => {
  it("drops included and stale transactions and promotes what became executable", () => {
    const pool = newPool();
    const a = [0, 1, 2, 3].map((n) => eip1559(1, { nonce: n }));
    a.forEach((tx) => accepted(addTx(pool, 1, tx)));
    const a5 = eip1559(1, { nonce: 5 });
    accepted(addTx(pool, 1, a5));
    const b0 = eip1559(2);
    accepted(addTx(pool, 2, b0));
    expect(pool.stats()).toEqual({ pending: 5, queued: 1, slots: 6 });
    // The block holds a0..a2, b0, and a different nonce 3 of sender 1 that the pool never saw.
    const states = new Map([
      [bytesToHex(senderOf(1)), { nonce: 4n, balance: 10n ** 22n }],
      [bytesToHex(senderOf(2)), { nonce: 1n, balance: 10n ** 22n }],
    ]);
    const r = pool.onBlockCommitted({
      includedHashes: [a[0], a[1], a[2], b0].map((tx) => tx.hash()),
      accountOf: (s) => states.get(bytesToHex(s)),
      baseFee: BASE_FEE,
    });
    expect(r.dropped.map((d) => [bytesToHex(d.tx.sender), Number(d.tx.nonce), d.reason])).toEqual([
      [bytesToHex(senderOf(1)), 0, "included"],
      [bytesToHex(senderOf(1)), 1, "included"],
      [bytesToHex(senderOf(1)), 2, "included"],
      [bytesToHex(senderOf(1)), 3, "stale"],
      [bytesToHex(senderOf(2)), 0, "included"],
    ]);
    expect(r.promoted).toEqual([]);
    expect(pool.stats()).toEqual({ pending: 0, queued: 1, slots: 1 });
    expect(pool.senders().map(bytesToHex)).toEqual([bytesToHex(senderOf(1))]);
    // Another block takes the account to nonce 5: the queued nonce 5 becomes executable.
    const r2 = pool.onBlockCommitted({ includedHashes: [], accountOf: () => ({ nonce: 5n, balance: 10n ** 22n }), baseFee: BASE_FEE });
    expect(r2.promoted.map((t) => t.hashHex)).toEqual([hex(a5)]);
    expect(pool.stats()).toEqual({ pending: 1, queued: 0, slots: 1 });
  });

  it("advances a sender the node did not report past its included transactions", () => {
    const pool = newPool();
    const txs = [0, 1, 2].map((n) => eip1559(1, { nonce: n }));
    txs.forEach((tx) => accepted(addTx(pool, 1, tx)));
    const r = pool.onBlockCommitted({ includedHashes: [txs[0].hash(), txs[1].hash()], accountOf: () => undefined, baseFee: BASE_FEE });
    expect(r.dropped.map((d) => d.reason)).toEqual(["included", "included"]);
    expect(pool.pendingNonce(senderOf(1), 2n)).toBe(3n);
    expect(pool.stats()).toEqual({ pending: 1, queued: 0, slots: 1 });
  });

  it("drops what the balance no longer covers and demotes the sender's later transactions", () => {
    const pool = newPool();
    const txs = [0, 1, 2, 3].map((n) => eip1559(1, { nonce: n, value: n === 1 ? 5n * 10n ** 18n : 0n }));
    txs.forEach((tx) => accepted(addTx(pool, 1, tx)));
    const r = pool.onBlockCommitted({ includedHashes: [], accountOf: () => ({ nonce: 0n, balance: 10n ** 18n }), baseFee: BASE_FEE });
    expect(r.dropped.map((d) => [Number(d.tx.nonce), d.reason])).toEqual([[1, "insufficient-funds"]]);
    expect(nonces(r.demoted)).toEqual([2, 3]);
    expect(pool.stats()).toEqual({ pending: 1, queued: 2, slots: 3 });
    expect(pool.pendingNonce(senderOf(1), 0n)).toBe(1n);
    // A new nonce 1 fills the gap again.
    const refill = accepted(addTx(pool, 1, eip1559(1, { nonce: 1 }), { nonce: 0n, balance: 10n ** 18n }));
    expect(nonces(refill.promoted)).toEqual([1, 2, 3]);
  });

  it("re-prices at the new base fee and re-applies the caps", () => {
    const pool = newPool({ maxQueued: 1 });
    const ether = 10n ** 18n;
    for (const n of [0, 1, 2]) {
      const value = n === 1 ? 5n * ether : 0n;
      accepted(addTx(pool, 1, eip1559(1, { nonce: n, value, tip: 2n * GWEI, maxFee: 3n * GWEI })));
      accepted(addTx(pool, 2, eip1559(2, { nonce: n, value, tip: 1n, maxFee: 50n * GWEI })));
    }
    // Both senders' nonce 1 becomes unaffordable, so both nonce 2 are demoted: two queued, cap one.
    // At the new base fee of 4 gwei sender 1 (fee cap 3) pays -1 gwei, sender 2 still 1 wei: sender
    // 1's queued tail goes (at the old base fee of 1 gwei it would have been sender 2's).
    const r = pool.onBlockCommitted({ includedHashes: [], accountOf: () => ({ nonce: 0n, balance: ether }), baseFee: 4n * GWEI });
    const one = bytesToHex(senderOf(1));
    const two = bytesToHex(senderOf(2));
    expect(r.dropped.map((d) => [d.tx.senderHex, Number(d.tx.nonce), d.reason])).toEqual([
      [one, 1, "insufficient-funds"],
      [two, 1, "insufficient-funds"],
      [one, 2, "evicted"],
    ]);
    expect(r.demoted.map((t) => [t.senderHex, Number(t.nonce)])).toEqual([[two, 2]]);
    expect(pool.stats()).toEqual({ pending: 2, queued: 1, slots: 3 });
    expect(pool.baseFee).toBe(4n * GWEI);
    // Sender 1's nonce 0 waits for the base fee to fall below its fee cap.
    const order = [...pool.selectForBlock({ baseFee: 4n * GWEI, gasLimit: 30_000_000n })].map((tx) => bytesToHex(tx.getSenderAddress().bytes));
    expect(order).toEqual([two]);
  });
});

describe("bookkeeping under random operations", () => {
  /** Deterministic PRNG (mulberry32), so a failure replays. */
  function prng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it("keeps pending runs contiguous, counters exact and caps held", () => {
    const rand = prng(7);
    const pick = (n: number) => Math.floor(rand() * n);
    const keys = [20, 21, 22, 23, 24, 25];
    const ether = 10n ** 18n;
    // Two variants per nonce, the second a valid replacement of the first.
    const signed = keys.map((k) =>
      Array.from({ length: 40 }, (_, n) => {
        const tip = BigInt(1 + pick(20)) * GWEI;
        const maxFee = tip + BigInt(pick(3)) * GWEI;
        const value = pick(10) === 0 ? 3n * ether : 0n;
        return [eip1559(k, { nonce: n, tip, maxFee, value }), eip1559(k, { nonce: n, tip: 2n * tip, maxFee: 2n * maxFee, value })];
      }),
    );
    const state = keys.map(() => ({ nonce: 0n, balance: 10n * ether }));
    const config = { maxSlots: 40, maxQueued: 10, maxQueuedPerSender: 4 };
    const pool = newPool(config);
    let baseFee = BASE_FEE;

    const check = () => {
      const content = pool.content();
      let pending = 0;
      let queued = 0;
      keys.forEach((k, i) => {
        const key = bytesToHex(senderOf(k));
        const p = nonces(content.pending.get(key) ?? []);
        const q = nonces(content.queued.get(key) ?? []);
        pending += p.length;
        queued += q.length;
        p.forEach((n, j) => expect(n).toBe(Number(state[i].nonce) + j));
        const end = Number(state[i].nonce) + p.length;
        expect(pool.pendingNonce(senderOf(k), state[i].nonce)).toBe(BigInt(end));
        if (q.length > 0) expect(q[0]).toBeGreaterThan(end);
        q.forEach((n, j) => j > 0 && expect(n).toBeGreaterThan(q[j - 1]));
        expect(q.length).toBeLessThanOrEqual(config.maxQueuedPerSender);
      });
      expect(pool.stats()).toEqual({ pending, queued, slots: pending + queued });
      expect(pending + queued).toBeLessThanOrEqual(config.maxSlots);
      expect(queued).toBeLessThanOrEqual(config.maxQueued);
    };

    let admitted = 0;
    let committed = 0;
    for (let step = 0; step < 500; step++) {
      if (pick(4) > 0) {
        const i = pick(keys.length);
        const nonce = Number(state[i].nonce) + pick(10) - 1;
        if (nonce < 0 || nonce >= 40) continue;
        const r = addTx(pool, keys[i], signed[i][nonce][pick(2)], { ...state[i] }, baseFee);
        if (r.ok) {
          admitted++;
          for (const d of r.dropped) expect(pool.has(d.tx.hash)).toBe(false);
        }
      } else {
        // A block, built as a producer would: a tx of some sender the pool never saw may come
        // first (its pooled one at that nonce then fails, and goes stale), then the selection's
        // transactions run until the block is "full".
        baseFee = BigInt(1 + pick(4)) * GWEI;
        if (pick(3) === 0) state[pick(keys.length)].nonce++;
        const included: TypedTransaction[] = [];
        const last = new Map<string, bigint>();
        const limit = 1 + pick(15);
        const sel = pool.selectForBlock({ baseFee, gasLimit: BLOCK_GAS_LIMIT });
        for (let e = sel.nextPooled(); e !== undefined && included.length < limit; e = sel.nextPooled()) {
          expect(e.maxFeePerGas).toBeGreaterThanOrEqual(baseFee);
          const prev = last.get(e.senderHex);
          if (prev !== undefined) expect(e.nonce).toBe(prev + 1n);
          last.set(e.senderHex, e.nonce);
          const i = keys.findIndex((k) => bytesToHex(senderOf(k)) === e.senderHex);
          if (e.nonce !== state[i].nonce || e.cost > state[i].balance) {
            sel.rejectLast("invalid at execution");
            continue;
          }
          included.push(e.tx);
          state[i].nonce++;
          state[i].balance -= e.cost;
        }
        if (pick(3) === 0) state[pick(keys.length)].balance = BigInt(1 + pick(6)) * ether;
        const r = pool.onBlockCommitted({
          includedHashes: included.map((tx) => tx.hash()),
          accountOf: (s) => state[keys.findIndex((k) => bytesToHex(senderOf(k)) === bytesToHex(s))],
          baseFee,
        });
        committed += included.length;
        expect(r.dropped.filter((d) => d.reason === "included").length).toBe(included.length);
        for (const d of r.dropped) expect(pool.has(d.tx.hash)).toBe(false);
        for (const t of r.promoted) expect(pool.contentFrom(t.sender).pending).toContain(t);
      }
      check();
    }
    expect(admitted).toBeGreaterThan(100);
    expect(committed).toBeGreaterThan(50);
  });
});

describe("encoded size", () => {
  it("matches the serialized length for every supported type", () => {
    const big = new Uint8Array(300).fill(7);
    const txs = [
      legacy(1),
      legacy(1, { nonce: 200, gasPrice: 0n, value: 127n, data: new Uint8Array([5]) }),
      legacy(1, { to: null, data: big, gas: 500_000n, value: 10n ** 30n }),
      eip2930(2, { nonce: 1, data: new Uint8Array([0x80]) }),
      eip2930(2, { gasPrice: 1n, data: big, gas: 500_000n }),
      eip1559(3, { tip: 0n, maxFee: 1n }),
      eip1559(3, { nonce: 70_000, tip: 10n ** 20n, maxFee: 10n ** 21n, data: new Uint8Array(70_000), gas: 5_000_000n }),
      legacy(4, { common: chainCommon(CHAIN_ID, Hardfork.Homestead) }),
    ];
    for (const tx of txs) expect(encodedTxSize(tx)).toBe(tx.serialize().length);
  });
});

describe("throughput", () => {
  it("admits and selects tens of thousands of transactions a second", () => {
    const senders = 100;
    const perSender = 100;
    const txs: { k: number; tx: TypedTransaction }[] = [];
    for (let n = 0; n < perSender; n++) {
      for (let k = 0; k < senders; k++) txs.push({ k: 100 + k, tx: eip1559(100 + k, { nonce: n, tip: BigInt(1 + ((k * 7 + n) % 13)) * GWEI }) });
    }
    for (const { k, tx } of txs) {
      senderOf(k);
      tx.hash(); // the node hashes a transaction when it decodes it
    }
    // Warm the JIT up on a throwaway pool first: the figure wanted is the steady state.
    const warm = newPool({ maxSlots: 20_000 });
    for (const { k, tx } of txs.slice(0, 3000)) accepted(addTx(warm, k, tx));
    const pool = newPool({ maxSlots: 20_000 });
    const started = performance.now();
    for (const { k, tx } of txs) accepted(addTx(pool, k, tx));
    const addMs = performance.now() - started;
    expect(pool.stats()).toEqual({ pending: txs.length, queued: 0, slots: txs.length });

    const selStart = performance.now();
    let count = 0;
    for (const _tx of pool.selectForBlock({ baseFee: BASE_FEE, gasLimit: 1_000_000_000n })) count++;
    const selMs = performance.now() - selStart;
    expect(count).toBe(txs.length);
    console.log(
      `txpool: ${txs.length} adds in ${addMs.toFixed(1)} ms = ${Math.round((txs.length / addMs) * 1000)} adds/s; ` +
        `selection ${Math.round((count / selMs) * 1000)} tx/s`,
    );
  });
});
