// The transaction service on real parts: the node's block pipeline (a real Chain on a temp LevelDB),
// real signed transactions from the dev accounts; admission results, the "executable" and "admitted"
// events, rejection codes with geth's exact wording, and the gossip verdict of every code.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFeeMarket1559Tx, type TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import { devGenesis } from "../../../src/chain/dev-genesis.js";
import { deriveDevAccounts } from "../../../src/chain/dev-accounts.js";
import type { TxCandidates } from "../../../src/evm/executor.js";
import { ZERO_HASH } from "../../../src/primitives/hash.js";
import { openBlockPipeline, type BlockPipeline } from "../../../src/node/block-pipeline.js";
import { silentLogger } from "../../../src/util/logger.js";
import { gossipVerdict, TxRejectionCode } from "../../../src/chain/txpool/rejections.js";
import * as E from "../../../src/chain/txpool/errors.js";
import type { AdmittedEvent, ExecutableEvent, TxAdmission } from "../../../src/chain/txpool/service.js";
import { rawSigned1559, testCommon, transfer1559, transferLegacy } from "../../helpers/txs.js";

const [alice, bob] = deriveDevAccounts(2);
const genesis = devGenesis();
const CHAIN_ID = genesis.params.chainId;

let dir: string;
let p: BlockPipeline;
let executable: ExecutableEvent[];
let admitted: AdmittedEvent[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-txservice-"));
  p = await openBlockPipeline({ datadir: dir, genesis, logger: silentLogger });
  executable = [];
  admitted = [];
  p.txs.onExecutable((e) => executable.push(e));
  p.txs.onAdmitted((e) => admitted.push(e));
});
afterEach(async () => {
  await p.close();
  rmSync(dir, { recursive: true, force: true });
});

const hex = (b: Uint8Array) => bytesToHex(b);
const pay = (nonce: bigint, key = alice!.privateKey) => transfer1559(key, { nonce, to: bob!.address });
const eventHashes = (e: ExecutableEvent) => e.txs.map((t) => hex(t.hash));

function admittedOk(r: TxAdmission): Extract<TxAdmission, { ok: true }> {
  if (!r.ok) throw new Error(`expected admission, got ${r.code}: ${r.message}`);
  return r;
}

describe("TxService admission", () => {
  it("admits a valid transaction and announces it executable once, with its hash, sender, bytes and origin", async () => {
    const tx = pay(0n);
    const raw = tx.serialize();
    const r = admittedOk(await p.txs.submit(raw, "rpc"));
    expect(r.status).toBe("pending");
    expect(hex(r.hash)).toBe(hex(tx.hash()));
    expect(hex(r.sender)).toBe(hex(alice!.address));
    expect(r.promoted.map((t) => hex(t.hash))).toEqual([hex(tx.hash())]);
    expect(executable).toHaveLength(1);
    expect(executable[0]!.origin).toBe("rpc");
    expect(eventHashes(executable[0]!)).toEqual([hex(tx.hash())]);
    expect(hex(executable[0]!.txs[0]!.sender)).toBe(hex(alice!.address));
    expect(hex(executable[0]!.txs[0]!.raw)).toBe(hex(raw));
    expect(admitted.map((e) => [e.origin, e.status, hex(e.tx.hash)])).toEqual([["rpc", "pending", hex(tx.hash())]]);
    // The pool lookups RPC uses see it.
    expect(hex(p.txs.get(tx.hash())!.sender)).toBe(hex(alice!.address));
    expect(p.txs.pendingNonce(alice!.address, 0n)).toBe(1n);
    expect(p.txs.pendingCount()).toBe(1);
  });

  it("reports the origin of gossiped transactions", async () => {
    const tx = pay(0n);
    admittedOk(await p.txs.submit(tx.serialize(), "gossip"));
    expect(executable.map((e) => e.origin)).toEqual(["gossip"]);
    expect(admitted.map((e) => e.origin)).toEqual(["gossip"]);
  });

  it("announces a queued transaction only when its nonce gap is filled, then both", async () => {
    const later = pay(1n);
    const r1 = admittedOk(await p.txs.submit(later.serialize(), "rpc"));
    expect(r1.status).toBe("queued");
    expect(r1.promoted).toEqual([]);
    expect(executable).toEqual([]);
    // Every admission is announced as "admitted" (the network gossips RPC ones, queued included).
    expect(admitted.map((e) => [e.status, hex(e.tx.hash)])).toEqual([["queued", hex(later.hash())]]);

    const first = pay(0n);
    const r0 = admittedOk(await p.txs.submit(first.serialize(), "rpc"));
    expect(r0.status).toBe("pending");
    expect(executable).toHaveLength(1);
    expect(eventHashes(executable[0]!)).toEqual([hex(first.hash()), hex(later.hash())]);
    // The promoted one is re-encoded: its bytes are what it was submitted as.
    expect(hex(executable[0]!.txs[1]!.raw)).toBe(hex(later.serialize()));
  });

  it("announces queued transactions that pool upkeep promotes after a committed block", async () => {
    const first = pay(0n);
    const later = pay(1n);
    admittedOk(await p.txs.submit(later.serialize(), "gossip"));
    expect(executable).toEqual([]);
    // nonce 0 reaches the chain without passing through this pool (another validator's block).
    const txs: TypedTransaction[] = [first];
    let i = 0;
    const cands: TxCandidates = { next: () => txs[i++], rejectLast: () => {} };
    const fields = { proposer: genesis.validators[0]!.address, round: 0, proposerVrfProof: new Uint8Array(0), seed: ZERO_HASH, lastCommit: new Uint8Array(0), lastCommitHash: ZERO_HASH, nextValidatorsHash: ZERO_HASH, now: 1_700_000_000n };
    const built = await p.builder.propose(fields, cands);
    expect(built.block.transactions).toHaveLength(1);
    await p.producer.commit({ block: built.block, receipts: built.receipts, skipped: [] }, undefined, "consensus");
    expect(executable).toHaveLength(1);
    expect(executable[0]!.origin).toBe("commit");
    expect(eventHashes(executable[0]!)).toEqual([hex(later.hash())]);
    expect(p.txs.pendingCount()).toBe(1);
  });

  it("keeps admitting when a subscriber throws", async () => {
    p.txs.onExecutable(() => {
      throw new Error("subscriber bug");
    });
    admittedOk(await p.txs.submit(pay(0n).serialize(), "rpc"));
    expect(executable).toHaveLength(1);
  });
});

describe("TxService rejections", () => {
  const to = () => bob!.address;
  const raw1559 = (f: { nonce?: bigint; maxPriorityFeePerGas?: bigint; maxFeePerGas?: bigint; gasLimit?: bigint }) =>
    rawSigned1559(alice!.privateKey, { chainId: CHAIN_ID, nonce: 0n, maxPriorityFeePerGas: 1n, maxFeePerGas: 10n ** 10n, gasLimit: 21_000n, to: to(), value: 0n, ...f });
  const unsigned = () => createFeeMarket1559Tx({ nonce: 0n, to: to(), gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, chainId: CHAIN_ID }, { common: testCommon(CHAIN_ID) }).serialize();
  const oversized = () => {
    const raw = new Uint8Array(128 * 1024 + 1);
    raw[0] = 2;
    return raw;
  };
  const noFunds = new Uint8Array(32).fill(7);

  const cases: Array<[string, () => Uint8Array, TxRejectionCode, string | RegExp]> = [
    ["empty data", () => new Uint8Array(0), TxRejectionCode.EmptyData, "empty transaction data"],
    ["oversized data", oversized, TxRejectionCode.OversizedData, "oversized data"],
    ["a blob transaction", () => Uint8Array.of(3, 0xc0), TxRejectionCode.TxTypeNotSupported, "transaction type not supported: blob transactions (EIP-4844) are not accepted by this chain"],
    ["a set-code transaction", () => Uint8Array.of(4, 0xc0), TxRejectionCode.TxTypeNotSupported, "transaction type not supported: set-code transactions (EIP-7702) are not accepted yet"],
    ["undecodable bytes", () => Uint8Array.of(2, 0xff), TxRejectionCode.InvalidTransaction, "invalid transaction: invalid RLP (safeSlice): end slice of Uint8Array out-of-bounds"],
    ["another chain's typed tx", () => transfer1559(alice!.privateKey, { nonce: 0n, to: to() }, testCommon(999n)).serialize(), TxRejectionCode.InvalidChainId, `invalid chain id for signer: have 999 want ${CHAIN_ID}`],
    ["another chain's legacy tx", () => transferLegacy(alice!.privateKey, { nonce: 0n, to: to() }, testCommon(999n)).serialize(), TxRejectionCode.InvalidTransaction, /^invalid transaction: Incompatible EIP155-based V 2033 and chain id 31337\./],
    ["an unsigned tx", unsigned, TxRejectionCode.InvalidSender, "invalid sender"],
    ["a tip above the fee cap", () => raw1559({ maxPriorityFeePerGas: 2n, maxFeePerGas: 1n }), TxRejectionCode.TipAboveFeeCap, "max priority fee per gas higher than max fee per gas"],
    ["gas above the EIP-7825 cap", () => raw1559({ gasLimit: (1n << 24n) + 1n }), TxRejectionCode.GasLimitTooHigh, "transaction gas limit too high (cap: 16777216, tx: 16777217)"],
    ["gas below intrinsic", () => raw1559({ gasLimit: 20_000n }), TxRejectionCode.IntrinsicGas, "intrinsic gas too low: gas 20000, minimum needed 21000"],
    ["an unfunded sender", () => transfer1559(noFunds, { nonce: 0n, to: to() }).serialize(), TxRejectionCode.InsufficientFunds, "insufficient funds for gas * price + value: balance 0, tx cost 210000000000001, overshot 210000000000001"],
  ];

  for (const [what, raw, code, message] of cases) {
    it(`refuses ${what} with ${code}`, async () => {
      const r = await p.txs.submit(raw(), "rpc");
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.code).toBe(code);
      if (typeof message === "string") expect(r.message).toBe(message);
      else expect(r.message).toMatch(message);
      expect(executable).toEqual([]);
      expect(admitted).toEqual([]);
    });
  }

  it("refuses a known transaction, an underpriced replacement and a stale nonce with the pool's codes", async () => {
    const tx = pay(0n);
    admittedOk(await p.txs.submit(tx.serialize(), "rpc"));
    expect(await p.txs.submit(tx.serialize(), "gossip")).toEqual({ ok: false, code: "already-known", message: "already known" });
    const replacement = transfer1559(alice!.privateKey, { nonce: 0n, to: bob!.address, value: 5n });
    expect(await p.txs.submit(replacement.serialize(), "rpc")).toEqual({ ok: false, code: "replace-underpriced", message: "replacement transaction underpriced" });
    expect(executable).toHaveLength(1);
    expect(admitted).toHaveLength(1);
  });
});

describe("gossipVerdict", () => {
  // What network.ts matched against a refusal's message before rejections kept their codes: the
  // verdict of every code must be what that regex made of the code's message.
  const INVALID_TX = /^(invalid transaction|invalid sender|invalid chain id|transaction type not supported|oversized data|intrinsic gas too low|transaction gas limit too high|max priority fee per gas higher|max fee per gas higher|max priority fee per gas higher than 2|exceeds block gas limit|insufficient gas for floor data gas)/;
  const sender = new Uint8Array(20);
  const sampleMessage: { [K in TxRejectionCode]: string } = {
    "empty-data": "empty transaction data",
    "invalid-transaction": "invalid transaction: invalid RLP",
    "already-known": E.alreadyKnown().message,
    "tx-type-not-supported": E.txTypeNotSupported(5).message,
    "oversized-data": E.oversizedData(200_000, 131_072).message,
    "max-initcode-size-exceeded": E.maxInitCodeSizeExceeded(50_000, 49_152n).message,
    "gas-limit-too-high": E.gasLimitTooHigh(1n << 24n, 1n << 25n).message,
    "block-gas-limit-exceeded": E.blockGasLimitExceeded().message,
    "fee-cap-very-high": E.feeCapVeryHigh().message,
    "tip-very-high": E.tipVeryHigh().message,
    "tip-above-fee-cap": E.tipAboveFeeCap().message,
    "invalid-sender": E.unsigned().message,
    "invalid-chain-id": E.invalidChainId(1n, 2n).message,
    "unprotected-tx": E.unprotectedTx().message,
    "nonce-max": E.nonceMax().message,
    "intrinsic-gas": E.intrinsicGasTooLow(1n, 21_000n).message,
    "floor-data-gas": E.floorDataGas(1n, 21_000n).message,
    "tip-below-minimum": E.tipBelowMinimum(0n, 1n).message,
    "fee-cap-below-min-base-fee": E.feeCapBelowMinBaseFee(sender, 0n, 1n).message,
    "nonce-too-low": E.nonceTooLow(1n, 0n).message,
    "insufficient-funds": E.insufficientFunds(0n, 1n).message,
    "replace-underpriced": E.replaceUnderpriced().message,
    "account-limit-exceeded": E.accountLimitExceeded(64).message,
    underpriced: E.underpriced().message,
    "pool-full": E.poolFull().message,
  };

  const table: Array<[TxRejectionCode, "reject" | "ignore"]> = [
    [TxRejectionCode.InvalidTransaction, "reject"],
    [TxRejectionCode.InvalidSender, "reject"],
    [TxRejectionCode.InvalidChainId, "reject"],
    [TxRejectionCode.TxTypeNotSupported, "reject"],
    [TxRejectionCode.OversizedData, "reject"],
    [TxRejectionCode.IntrinsicGas, "reject"],
    [TxRejectionCode.GasLimitTooHigh, "reject"],
    [TxRejectionCode.TipAboveFeeCap, "reject"],
    [TxRejectionCode.TipVeryHigh, "reject"],
    [TxRejectionCode.FeeCapVeryHigh, "reject"],
    [TxRejectionCode.BlockGasLimitExceeded, "reject"],
    [TxRejectionCode.FloorDataGas, "reject"],
    [TxRejectionCode.EmptyData, "ignore"],
    [TxRejectionCode.AlreadyKnown, "ignore"],
    [TxRejectionCode.MaxInitCodeSizeExceeded, "ignore"],
    [TxRejectionCode.UnprotectedTx, "ignore"],
    [TxRejectionCode.NonceMax, "ignore"],
    [TxRejectionCode.TipBelowMinimum, "ignore"],
    [TxRejectionCode.FeeCapBelowMinBaseFee, "ignore"],
    [TxRejectionCode.NonceTooLow, "ignore"],
    [TxRejectionCode.InsufficientFunds, "ignore"],
    [TxRejectionCode.ReplaceUnderpriced, "ignore"],
    [TxRejectionCode.AccountLimitExceeded, "ignore"],
    [TxRejectionCode.Underpriced, "ignore"],
    [TxRejectionCode.PoolFull, "ignore"],
  ];

  it("covers every rejection code exactly once", () => {
    expect(table.map(([c]) => c).sort()).toEqual([...new Set(Object.values(TxRejectionCode))].sort());
  });

  it.each(table)("%s -> %s", (code, verdict) => {
    expect(gossipVerdict(code)).toBe(verdict);
    // The same verdict the message regex gave before.
    expect(INVALID_TX.test(sampleMessage[code]) ? "reject" : "ignore").toBe(verdict);
  });
});
