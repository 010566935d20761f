// The executor's state caches are cut back between blocks (issue 13, bounded memory), and what falls
// out is read again correctly from the trie: a node whose caches hold almost nothing (8 accounts, 4
// slots, 1 code, 1 storage trie) proposes blocks that read and write accounts and storage evicted
// blocks before, and a node with the default caches validates each of them (same state roots), and
// the balances and slots read back are the ones the transactions put there. Real parts: LevelDB in
// temp dirs, @ethereumjs execution, the block builder and chain.
import { rmSync } from "node:fs";
import { createFeeMarket1559Tx, type TypedTransaction } from "@ethereumjs/tx";
import { Address, bytesToHex, createContractAddress, hexToBytes, setLengthLeft, bigIntToBytes, bytesToBigInt } from "@ethereumjs/util";
import { afterEach, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { createStateManager, DEFAULT_STATE_CACHE_LIMITS, type StateCacheLimits } from "../../src/evm/state.js";
import { keccak256 } from "../../src/primitives/hash.js";
import type { ChainStore } from "../../src/storage/chain-store.js";
import { fromList, openExecNode, proposalFields } from "../helpers/exec-node.js";

const dirs: string[] = [];
const stores: ChainStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openNode(cacheLimits: StateCacheLimits) {
  const node = await openExecNode(dirs, { cacheLimits });
  stores.push(node.store);
  return node;
}
const fields = proposalFields;

/** Runtime code: storage[caller] += calldata word 0 (CALLER SLOAD PUSH1 0 CALLDATALOAD ADD CALLER SSTORE STOP). */
const COUNTER = hexToBytes("0x335460003501335500");
/** Init code returning COUNTER: PUSH9 code, PUSH1 0, MSTORE, PUSH1 9, PUSH1 23, RETURN. */
const INIT = hexToBytes(`0x68${bytesToHex(COUNTER).slice(2)}60005260096017f3`);

const TINY: StateCacheLimits = { accounts: 8, storageSlots: 4, codes: 1, storageTries: 1 };

describe("bounded state caches", () => {
  it("evicts between blocks and re-reads evicted accounts and slots from the trie correctly", async () => {
    const a = await openNode(TINY);
    const b = await openNode(DEFAULT_STATE_CACHE_LIMITS);
    const common = a.common;
    const senders = deriveDevAccounts(4);
    const nonces = senders.map(() => 0n);
    const sign = (s: number, to: Uint8Array | undefined, value: bigint, data: Uint8Array = new Uint8Array(0), gasLimit = 21_000n) =>
      createFeeMarket1559Tx(
        { nonce: nonces[s]!++, ...(to ? { to } : {}), value, data, gasLimit, maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, chainId: common.chainId() },
        { common },
      ).sign(senders[s]!.privateKey);
    const proposer = a.genesis.validators[0]!.address;
    let now = 1_700_000_000n;
    const run = async (txs: TypedTransaction[]) => {
      const cands = fromList(txs);
      const built = await a.builder.propose(fields(proposer, now++), cands);
      expect(cands.rejected).toEqual([]);
      expect(built.block.transactions).toHaveLength(txs.length);
      expect(built.receipts.every((r) => r.status === 1)).toBe(true);
      // The default-cache node executes the same block and must reach the same state root.
      const validated = await b.builder.validate(built.block, now);
      await a.chain.commit(built.block, built.receipts);
      await b.chain.commit(built.block, validated.receipts);
      const sizes = a.executor.cacheSizes;
      expect(sizes.accounts).toBeLessThanOrEqual(TINY.accounts);
      expect(sizes.codes).toBeLessThanOrEqual(TINY.codes);
      expect(sizes.storageTries).toBeLessThanOrEqual(TINY.storageTries);
      expect(sizes.storageAccounts).toBeLessThanOrEqual(TINY.storageSlots);
    };

    // Two counters (two codes, two storage tries: more than the tiny caches hold).
    await run([sign(0, undefined, 0n, INIT, 100_000n), sign(1, undefined, 0n, INIT, 100_000n)]);
    const counters = [createContractAddress(new Address(senders[0]!.address), 0n), createContractAddress(new Address(senders[1]!.address), 0n)];
    const expectedSlots = new Map<string, bigint>();
    const expectedBalances = new Map<string, bigint>();
    for (let block = 0; block < 6; block++) {
      const txs: TypedTransaction[] = [];
      for (let s = 0; s < senders.length; s++) {
        // A fresh recipient each time (a new account in the cache), and an increment of this sender's
        // slot in both counters (read-modify-write of a slot evicted since the last block).
        const to = keccak256(new TextEncoder().encode(`recipient-${block}-${s}`)).subarray(12);
        const value = BigInt(1000 * block + s + 1);
        txs.push(sign(s, to, value));
        expectedBalances.set(bytesToHex(to), value);
        for (const c of counters) {
          const add = BigInt(block * 10 + s + 1);
          txs.push(sign(s, c.bytes, 0n, setLengthLeft(bigIntToBytes(add), 32), 100_000n));
          const key = `${c.toString()}/${bytesToHex(senders[s]!.address)}`;
          expectedSlots.set(key, (expectedSlots.get(key) ?? 0n) + add);
        }
      }
      await run(txs);
    }
    expect(bytesToHex(a.chain.head.hash)).toBe(bytesToHex(b.chain.head.hash));
    // The default caches held everything this small chain touched: only the tiny ones cut.
    expect(b.executor.cacheSizes.accounts).toBeGreaterThan(TINY.accounts * 3);

    // Read back through a fresh view of A's database: what the transactions wrote.
    const view = createStateManager(a.store.stateDb, a.chain.head.header.stateRoot, common, false);
    for (const [to, value] of expectedBalances) expect((await view.getAccount(new Address(hexToBytes(to as `0x${string}`))))?.balance).toBe(value);
    for (const [key, sum] of expectedSlots) {
      const [contract, caller] = key.split("/") as [string, string];
      const slot = await view.getStorage(new Address(hexToBytes(contract as `0x${string}`)), setLengthLeft(hexToBytes(caller as `0x${string}`), 32));
      expect(bytesToBigInt(slot)).toBe(sum);
    }
    for (let s = 0; s < senders.length; s++) expect((await view.getAccount(new Address(senders[s]!.address)))?.nonce).toBe(nonces[s]);
    expect(bytesToHex(await view.getCode(counters[1]!))).toBe(bytesToHex(COUNTER));
  });
});
