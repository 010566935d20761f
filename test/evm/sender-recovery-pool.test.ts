// Sender recovery on worker threads (evm/sender-recovery.ts): the keys the workers recover give the
// signers' addresses as ethers (an independent secp256k1 implementation) recovers them, for more
// transactions than one batch holds; what the workers cannot take (unfrozen, closed pool) is left
// to the caller's own recovery, which still gives the right address.
import { execFileSync } from "node:child_process";
import { bytesToHex } from "@ethereumjs/util";
import { Transaction } from "ethers";
import { afterEach, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { createChainCommon } from "../../src/evm/common.js";
import { recoverSenderAddress, recoveryInputOf } from "../../src/evm/crypto.js";
import { SenderRecoveryPool } from "../../src/evm/sender-recovery.js";
import { decodeTransaction } from "../../src/primitives/encoding.js";
import { testCommon, transfer1559, transfer2930 } from "../helpers/txs.js";

const common = createChainCommon(31337n);
const signingCommon = testCommon();
const accounts = deriveDevAccounts(4);
const to = accounts[3]!.address;

let pool: SenderRecoveryPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

function signedRaws(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const key = accounts[i % 3]!.privateKey;
    const tx = i % 2 === 0 ? transfer1559(key, { nonce: BigInt(i), to, value: BigInt(i + 1) }, signingCommon) : transfer2930(key, { nonce: BigInt(i), to }, signingCommon);
    return tx.serialize();
  });
}

describe("SenderRecoveryPool", () => {
  it("recovers the keys of 700 transactions (two batches) on two workers: the addresses ethers recovers", async () => {
    pool = SenderRecoveryPool.start(2);
    expect(pool).not.toBeNull();
    const raws = signedRaws(700);
    const txs = raws.map((raw) => decodeTransaction(raw, common));
    await Promise.all(txs.map((tx) => pool!.prepare(tx)));
    expect(pool!.recovered).toBe(700);
    expect(pool!.leftToCaller).toBe(0);
    txs.forEach((tx, i) => {
      // The key is there before any recovery on this thread; the address is its keccak.
      expect(tx.cache.senderPubKey?.length).toBe(64);
      expect(recoveryInputOf(tx)).toBeNull();
      expect(bytesToHex(recoverSenderAddress(tx))).toBe(Transaction.from(bytesToHex(raws[i]!)).from!.toLowerCase());
    });
  });

  it("gives a worker one batch at a time: what arrives while it is busy waits and goes together", async () => {
    // One transaction per event-loop turn, as RPC admission hands them over under load.
    pool = SenderRecoveryPool.start(1);
    const txs = signedRaws(200).map((raw) => decodeTransaction(raw, common));
    const waits: Promise<void>[] = [];
    for (const tx of txs) {
      waits.push(pool!.prepare(tx));
      await new Promise<void>((turn) => setImmediate(turn));
    }
    await Promise.all(waits);
    expect(pool!.recovered).toBe(200);
    expect(pool!.maxBatchesPerWorker).toBe(1);
    // A turn is far shorter than a worker's round trip, so the 200 cannot have gone one by one.
    expect(pool!.batches).toBeLessThan(200);
    for (const tx of txs) expect(tx.cache.senderPubKey?.length).toBe(64);
  });

  it("leaves to the caller what it cannot take: a transaction not frozen, and everything once closed", async () => {
    pool = SenderRecoveryPool.start(1);
    const [raw] = signedRaws(1);
    const unfrozen = { ...decodeTransaction(raw!, common) } as unknown as Parameters<typeof recoveryInputOf>[0];
    expect(recoveryInputOf(unfrozen)).toBeNull();
    const inFlight = signedRaws(50).map((r) => decodeTransaction(r, common));
    const waits = inFlight.map((tx) => pool!.prepare(tx));
    await pool!.close();
    await Promise.all(waits); // closing settles every waiting caller
    const late = decodeTransaction(raw!, common);
    await pool!.prepare(late);
    expect(late.cache.senderPubKey).toBeUndefined();
    expect(pool!.recovered + pool!.leftToCaller).toBe(51);
    // Whichever way each went, the caller's own recovery gives the signer.
    for (const tx of [...inFlight, late]) expect(accounts.slice(0, 3).map((a) => bytesToHex(a.address))).toContain(bytesToHex(recoverSenderAddress(tx)));
    pool = null;
  });

  it("keeps a process whose only pending work is a recovery alive until it is done (idle workers do not)", () => {
    // A script with no listener or timer: an unref'd busy worker would let it exit before the await.
    const [raw] = signedRaws(1);
    const script = `
      import { SenderRecoveryPool } from "./src/evm/sender-recovery.ts";
      import { createChainCommon } from "./src/evm/common.ts";
      import { decodeTransaction } from "./src/primitives/encoding.ts";
      const pool = SenderRecoveryPool.start(1);
      const tx = decodeTransaction(Buffer.from("${Buffer.from(raw!).toString("hex")}", "hex"), createChainCommon(31337n));
      await pool.prepare(tx);
      console.log("recovered", pool.recovered);
    `;
    // The idle worker left afterwards must not keep it from exiting either (execFileSync would time out).
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), encoding: "utf8", timeout: 30_000 });
    expect(out.trim()).toBe("recovered 1");
  });

  it("is not started without threads", () => {
    expect(SenderRecoveryPool.start(0)).toBeNull();
  });
});
