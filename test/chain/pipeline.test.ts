// The block pipeline on real parts: LevelDB in a temp dir, @ethereumjs execution, our roots.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Address, bytesToHex } from "@ethereumjs/util";
import { ChainStore } from "../../src/storage/chain-store.js";
import { Chain } from "../../src/chain/chain.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { createChainCommon } from "../../src/evm/common.js";
import { genesisBootstrap } from "../../src/node/genesis.js";
import { BlockExecutor, type TxCandidates } from "../../src/evm/executor.js";
import { createStateManager } from "../../src/evm/state.js";
import { BlockBuilder, BlockValidationError } from "../../src/chain/block-builder.js";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { ZERO_HASH } from "../../src/primitives/hash.js";
import type { TypedTransaction } from "@ethereumjs/tx";
import { transfer1559 } from "../helpers/txs.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fromList(txs: TypedTransaction[]): TxCandidates & { rejected: string[] } {
  let i = 0;
  const rejected: string[] = [];
  return { next: () => txs[i++], rejectLast: (r) => void rejected.push(r), rejected };
}

async function openNode(dir: string) {
  const genesis = devGenesis();
  const common = createChainCommon(genesis.params.chainId);
  const store = await ChainStore.open(dir);
  const chain = await Chain.open(store, common, genesis, genesisBootstrap(store.stateDb, common, genesis));
  const executor = await BlockExecutor.create(common, store.stateDb, chain.head.header.stateRoot, (n) => chain.getCanonicalHash(n));
  return { genesis, common, store, chain, executor, builder: new BlockBuilder(chain, executor) };
}

const fields = (proposer: Uint8Array, now: bigint) => ({ proposer, round: 0, proposerVrfProof: new Uint8Array(0), seed: ZERO_HASH, lastCommit: new Uint8Array(0), lastCommitHash: ZERO_HASH, nextValidatorsHash: ZERO_HASH, now });

describe("block pipeline", () => {
  it("builds, validates on a second node, commits atomically and survives a restart", async () => {
    const [alice, bob, carol] = deriveDevAccounts(3);
    const dirA = mkdtempSync(join(tmpdir(), "verity-a-"));
    const dirB = mkdtempSync(join(tmpdir(), "verity-b-"));
    dirs.push(dirA, dirB);
    const a = await openNode(dirA);
    const b = await openNode(dirB);
    expect(bytesToHex(a.chain.head.hash)).toBe(bytesToHex(b.chain.head.hash));

    const txs = [0n, 1n, 2n].map((nonce) => transfer1559(alice!.privateKey, { nonce, to: bob!.address, value: 1000n + nonce }));
    // A transaction with a nonce gap cannot execute: the proposer skips and reports it.
    const gap = transfer1559(carol!.privateKey, { nonce: 5n, to: bob!.address });
    const cands = fromList([...txs, gap]);
    const proposer = a.genesis.validators[0]!.address;
    const built = await a.builder.propose(fields(proposer, 1_700_000_000n), cands);
    expect(built.block.transactions).toHaveLength(3);
    expect(built.skipped.map((s) => s.tx)).toEqual([gap]);
    expect(cands.rejected[0]).toMatch(/nonce/);
    expect(built.block.header.gasUsed).toBe(63_000n);
    expect(built.receipts.map((r) => r.status)).toEqual([1, 1, 1]);

    // The other node re-executes and accepts it.
    const validated = await b.builder.validate(built.block, 1_700_000_000n);
    expect(validated.receipts).toEqual(built.receipts);
    // A tampered header is rejected, naming the field.
    const forged = { ...built.block, header: { ...built.block.header, gasUsed: 1n } };
    const { hashHeader } = await import("../../src/primitives/encoding.js");
    await expect(b.builder.validate({ ...forged, hash: hashHeader(forged.header) }, 1_700_000_000n)).rejects.toThrow(
      BlockValidationError,
    );
    await expect(b.builder.validate({ ...forged, hash: hashHeader(forged.header) }, 1_700_000_000n)).rejects.toThrow(/gasUsed/);

    await a.chain.commit(built.block, built.receipts);
    // b's executor sat on the rejected block's parent again; re-validate and commit there too.
    const again = await b.builder.validate(built.block, 1_700_000_000n);
    await b.chain.commit(again.block, again.receipts);
    expect(bytesToHex(b.chain.head.header.stateRoot)).toBe(bytesToHex(a.chain.head.header.stateRoot));

    // Balances: value + gas × effective price left alice; bob got the values; the proposer got the tips.
    const sm = createStateManager(a.store.stateDb, a.chain.head.header.stateRoot, a.common, false);
    const bal = async (addr: Uint8Array) => (await sm.getAccount(new Address(addr)))?.balance ?? 0n;
    const baseFee = built.block.header.baseFeePerGas;
    const price = baseFee + 1_000_000_000n;
    expect(await bal(alice!.address)).toBe(10_000n * 10n ** 18n - 3003n - 63_000n * price);
    expect(await bal(bob!.address)).toBe(10_000n * 10n ** 18n + 3003n);
    expect(await bal(proposer)).toBe(63_000n * 1_000_000_000n);

    const head = a.chain.head;
    await a.store.close();
    const reopened = await openNode(dirA);
    expect(bytesToHex(reopened.chain.head.hash)).toBe(bytesToHex(head.hash));
    const loc = await reopened.chain.getTxLocation(txs[1]!.hash());
    expect(loc).toEqual({ blockHash: head.hash, blockNumber: 1n, index: 1 });
    expect(await reopened.chain.getReceipts(head.hash)).toEqual(built.receipts);
    // The state written with the block is all there after the restart.
    const sm2 = createStateManager(reopened.store.stateDb, head.header.stateRoot, reopened.common, false);
    expect((await sm2.getAccount(new Address(bob!.address)))?.balance).toBe(10_000n * 10n ** 18n + 3003n);
    await reopened.store.close();
    await b.store.close();
  });

  it("refuses to open a data dir created with another genesis", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-g-"));
    dirs.push(dir);
    const a = await openNode(dir);
    await a.store.close();
    const genesis = devGenesis({ chainId: 999n });
    const common = createChainCommon(genesis.params.chainId);
    const store = await ChainStore.open(dir);
    await expect(Chain.open(store, common, genesis, genesisBootstrap(store.stateDb, common, genesis))).rejects.toThrow(
      /different genesis/,
    );
    await store.close();
  });
});
