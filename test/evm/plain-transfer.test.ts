// Plain value transfers applied without the EVM (src/evm/plain-transfer.ts) must leave exactly the
// state and receipts @ethereumjs/vm's runTx leaves. The reference is runTx itself: two chains on
// LevelDB in temp dirs, one executor with the fast path and one without, get the same candidates;
// the blocks they build must be identical (state, receipts, gas, what was skipped and why), and each
// must accept the other's block on the validator path (so both paths of both executors are
// compared). The cases are the edges of a transfer's accounting (to oneself, zero value to a fresh
// address, to the coinbase, a fresh coinbase with and without a tip, gas refunds, legacy and
// EIP-2930 fees), the shapes that must not take the fast path (access lists, precompiles, contract
// recipients), failures (nonce gap, funds, fee cap below the base fee), then a seeded random mix.
import { rmSync } from "node:fs";
import { createAccessList2930Tx, type TypedTransaction } from "@ethereumjs/tx";
import { Address, bytesToHex, createContractAddress, hexToBytes } from "@ethereumjs/util";
import { afterEach, describe, expect, it } from "vitest";
import { DEV_BALANCE, deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { createStateManager } from "../../src/evm/state.js";
import { fromList, openExecNode, proposalFields } from "../helpers/exec-node.js";
import { creation1559, testCommon, transfer1559, transferLegacy } from "../helpers/txs.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type ExecNode = Awaited<ReturnType<typeof openExecNode>>;
const dev = deriveDevAccounts(10);
const key = (i: number) => dev[i]!.privateKey;
const addr = (i: number) => dev[i]!.address;
const fresh = (n: number) => hexToBytes(`0x${n.toString(16).padStart(4, "0")}${"ee".repeat(18)}`);
const ECRECOVER = hexToBytes("0x0000000000000000000000000000000000000001");
const IDENTITY = hexToBytes("0x0000000000000000000000000000000000000004");
/** Init code deploying runtime code that returns 42 (a recipient with code). */
const INIT = hexToBytes("0x69602a60005260206000f3600052600a6016f3");
const common = testCommon();

function transfer2930(k: Uint8Array, nonce: bigint, to: Uint8Array, value: bigint, accessList: Uint8Array[] = [], gasLimit = 21_000n + 2_400n * BigInt(accessList.length)): TypedTransaction {
  return createAccessList2930Tx(
    { nonce, to, value, gasPrice: 4_000_000_000n, gasLimit, accessList: accessList.map((a) => ({ address: bytesToHex(a), storageKeys: [] })), chainId: common.chainId() },
    { common },
  ).sign(k);
}

async function pair(): Promise<{ fast: ExecNode; reference: ExecNode }> {
  const fast = await openExecNode(dirs);
  const reference = await openExecNode(dirs, { plainTransfers: false });
  return { fast, reference };
}

/** Builds the next block from `txs` on both chains, checks they agree, cross-validates, commits both. */
async function sameBlock(p: { fast: ExecNode; reference: ExecNode }, txs: TypedTransaction[], proposer: Uint8Array) {
  const now = p.fast.chain.head.header.timestamp + 1n;
  const fastCands = fromList(txs);
  const refCands = fromList(txs);
  const fast = await p.fast.builder.propose(proposalFields(proposer, now), fastCands);
  const reference = await p.reference.builder.propose(proposalFields(proposer, now), refCands);
  expect(bytesToHex(fast.block.header.stateRoot)).toBe(bytesToHex(reference.block.header.stateRoot));
  expect(fast.block.header).toEqual(reference.block.header);
  expect(fast.receipts).toEqual(reference.receipts);
  expect(fast.block.transactions.map((t) => bytesToHex(t.hash()))).toEqual(reference.block.transactions.map((t) => bytesToHex(t.hash())));
  expect(fast.skipped.map((s) => [bytesToHex(s.tx.hash()), s.reason])).toEqual(reference.skipped.map((s) => [bytesToHex(s.tx.hash()), s.reason]));
  expect(fastCands.rejected).toEqual(refCands.rejected);
  // Each executor's validator path accepts the other's block and derives the same receipts.
  expect((await p.reference.builder.validate(fast.block, now)).receipts).toEqual(reference.receipts);
  expect((await p.fast.builder.validate(reference.block, now)).receipts).toEqual(fast.receipts);
  await p.fast.chain.commit(fast.block, fast.receipts);
  await p.reference.chain.commit(reference.block, reference.receipts);
  return fast;
}

async function accountOf(n: ExecNode, address: Uint8Array) {
  return createStateManager(n.store.stateDb, n.chain.head.header.stateRoot, n.common, false).getAccount(new Address(address));
}

describe("plain transfers without the EVM", () => {
  it("leave the state and receipts runTx leaves, at every edge of a transfer's accounting", async () => {
    const p = await pair();
    const proposer = p.fast.genesis.validators[0]!.address;
    const contract = createContractAddress(new Address(addr(3)), 0n).bytes;
    const unfunded = hexToBytes(`0x${"42".repeat(32)}`);
    const block1 = [
      transfer1559(key(0), { nonce: 0n, to: addr(1), value: 1000n }),
      transfer1559(key(0), { nonce: 1n, to: addr(0), value: 5n }), // to oneself
      transfer1559(key(0), { nonce: 2n, to: fresh(1), value: 0n }), // zero value: creates nothing
      transfer1559(key(0), { nonce: 3n, to: fresh(2), value: 7n }), // creates the recipient
      transfer1559(key(0), { nonce: 4n, to: proposer, value: 3n }), // to the coinbase
      transfer1559(key(0), { nonce: 5n, to: addr(1), gasLimit: 50_000n, maxPriorityFeePerGas: 3n * 10n ** 9n }), // refund of unused gas
      transfer1559(key(0), { nonce: 6n, to: addr(1), maxFeePerGas: 1n, maxPriorityFeePerGas: 0n }), // fee cap below the base fee: skipped
      transferLegacy(key(1), { nonce: 0n, to: addr(2), gasPrice: 3_000_000_000n, value: 11n }),
      transfer2930(key(1), 1n, addr(2), 9n), // EIP-2930 with an empty access list
      transfer2930(key(1), 2n, addr(2), 9n, [addr(5)]), // with an access list: runTx
      transfer1559(key(2), { nonce: 0n, to: ECRECOVER, value: 1n, gasLimit: 30_000n }), // a precompile: runTx
      transfer1559(key(2), { nonce: 1n, to: IDENTITY, value: 0n, gasLimit: 30_000n }),
      creation1559(key(3), 0n, INIT), // deploys `contract`
      transfer1559(key(3), { nonce: 1n, to: contract, value: 2n, gasLimit: 40_000n }), // a recipient with code: runTx
      transfer1559(key(4), { nonce: 5n, to: addr(1) }), // nonce gap: skipped
      transfer1559(unfunded, { nonce: 0n, to: addr(1) }), // no funds: skipped
      transfer1559(key(5), { nonce: 0n, to: addr(1), value: DEV_BALANCE }), // value plus gas above the balance: skipped
      transfer1559(key(6), { nonce: 0n, to: addr(1), value: 1n, maxPriorityFeePerGas: 0n }), // no tip
    ];
    const b1 = await sameBlock(p, block1, proposer);
    expect(b1.block.transactions).toHaveLength(14);
    expect(b1.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/maxFeePerGas.*less than the block's baseFeePerGas/),
      expect.stringMatching(/nonce/),
      expect.stringMatching(/enough funds/),
      expect.stringMatching(/enough funds/),
    ]);
    // The fast path ran the 9 plain transfers, twice (its own build and the reference's block),
    // runTx the rest.
    expect(p.fast.executor.plainTransfersApplied).toBe(18);
    expect(p.reference.executor.plainTransfersApplied).toBe(0);
    expect(await accountOf(p.fast, fresh(1))).toBeUndefined();
    expect((await accountOf(p.fast, fresh(2)))?.balance).toBe(7n);

    // Fresh coinbases: one that only zero tips touch is not created, one that earns a tip is.
    const applied = p.fast.executor.plainTransfersApplied;
    await sameBlock(p, [transfer1559(key(6), { nonce: 1n, to: addr(1), maxPriorityFeePerGas: 0n }), transfer1559(key(7), { nonce: 0n, to: addr(1), maxPriorityFeePerGas: 0n })], fresh(100));
    expect(await accountOf(p.fast, fresh(100))).toBeUndefined();
    await sameBlock(p, [transfer1559(key(6), { nonce: 2n, to: addr(1), maxPriorityFeePerGas: 0n }), transfer1559(key(7), { nonce: 1n, to: fresh(101), value: 0n })], fresh(101));
    expect((await accountOf(p.fast, fresh(101)))?.balance).toBe(21_000n * 10n ** 9n);
    // A transfer to the (fresh) coinbase of its own block, with and without value.
    await sameBlock(p, [transfer1559(key(8), { nonce: 0n, to: fresh(102), value: 0n, maxPriorityFeePerGas: 0n }), transfer1559(key(8), { nonce: 1n, to: fresh(103), value: 4n, maxPriorityFeePerGas: 0n })], fresh(103));
    expect(await accountOf(p.fast, fresh(102))).toBeUndefined();
    expect((await accountOf(p.fast, fresh(103)))?.balance).toBe(4n);
    expect(p.fast.executor.plainTransfersApplied - applied).toBe(2 * 6);
  });

  it("agree with runTx over a seeded random mix of transfers", async () => {
    const p = await pair();
    let seed = 0x9e3779b9;
    const rand = (n: number) => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    const nonces = new Array<bigint>(8).fill(0n);
    const recipients = [...dev.slice(0, 8).map((d) => d.address), fresh(1), fresh(2), fresh(3), ECRECOVER, p.fast.genesis.validators[1]!.address];
    const proposers = [p.fast.genesis.validators[0]!.address, fresh(200), fresh(201)];
    for (let block = 0; block < 6; block++) {
      const txs: TypedTransaction[] = [];
      for (let i = 0; i < 60; i++) {
        const s = rand(8);
        // Now and then a wrong nonce (the sender's later transactions then fail too, on both paths).
        const nonce = rand(40) === 0 ? nonces[s]! + 1n : nonces[s]!;
        const to = recipients[rand(recipients.length)]!;
        const value = [0n, 1n, 10n ** 18n, DEV_BALANCE / 2n][rand(4)]!;
        const gasLimit = [21_000n, 21_000n, 25_000n, 60_000n][rand(4)]!;
        const kind = rand(3);
        const tx =
          kind === 0
            ? transferLegacy(key(s), { nonce, to, value, gasLimit, gasPrice: BigInt(rand(3)) * 10n ** 9n })
            : kind === 1
              ? transfer2930(key(s), nonce, to, value, [], gasLimit)
              : (() => {
                  const maxFeePerGas = BigInt(rand(12)) * 10n ** 9n + 1n;
                  const tip = BigInt(rand(3)) * 10n ** 9n;
                  return transfer1559(key(s), { nonce, to, value, gasLimit, maxFeePerGas, maxPriorityFeePerGas: tip < maxFeePerGas ? tip : maxFeePerGas });
                })();
        txs.push(tx);
        nonces[s] = nonce + 1n;
      }
      const built = await sameBlock(p, txs, proposers[block % proposers.length]!);
      // Resynchronise the nonces with what was included.
      for (let s = 0; s < 8; s++) nonces[s] = (await accountOf(p.fast, addr(s)))?.nonce ?? 0n;
      expect(built.block.transactions.length).toBeGreaterThan(0);
    }
    expect(p.fast.executor.plainTransfersApplied).toBeGreaterThan(100);
  });
});
