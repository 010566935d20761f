// Issue 12, items 2 and 3: a transaction whose execution throws out of the EVM (not an EVM error,
// which is a result, but an exception, here the point-evaluation precompile of a Common without
// KZG, the path the issue hit) must leave the state exactly as before it: the proposer skips it
// without charging it, a validator fails the whole block, and every later write still reaches the
// database (before the fix, the checkpoints the throw left open kept them in memory: code lost to
// eth_getCode, empty eth_getProof). Real parts: LevelDB in a temp dir, the block builder and chain.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCustomCommon, Mainnet, type Common } from "@ethereumjs/common";
import { createFeeMarket1559Tx, type TypedTransaction } from "@ethereumjs/tx";
import { Address, bytesToHex, createContractAddress, hexToBytes } from "@ethereumjs/util";
import { afterEach, describe, expect, it } from "vitest";
import { BlockBuilder, BlockValidationError } from "../../src/chain/block-builder.js";
import { Chain } from "../../src/chain/chain.js";
import { DEV_BALANCE, deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { createChainCommon, HARDFORK } from "../../src/evm/common.js";
import { ecdsaRecover, ecrecover } from "../../src/evm/crypto.js";
import { BlockExecutor, type TxCandidates } from "../../src/evm/executor.js";
import { stateProof } from "../../src/evm/proofs.js";
import { createStateManager } from "../../src/evm/state.js";
import { genesisBootstrap } from "../../src/node/genesis.js";
import { keccak256, ZERO_HASH } from "../../src/primitives/hash.js";
import { ChainStore } from "../../src/storage/chain-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The chain's Common as it was before KZG: the point-evaluation precompile throws "kzg not initialized". */
function commonWithoutKzg(chainId: bigint): Common {
  return createCustomCommon({ chainId: Number(chainId), name: `verity-${chainId}` }, Mainnet, {
    hardfork: HARDFORK,
    customCrypto: { ecrecover, ecdsaRecover, keccak256 },
  });
}

async function openNode(kzg: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "verity-isolation-"));
  dirs.push(dir);
  const genesis = devGenesis();
  const common = kzg ? createChainCommon(genesis.params.chainId) : commonWithoutKzg(genesis.params.chainId);
  const store = await ChainStore.open(dir);
  const chain = await Chain.open(store, common, genesis, genesisBootstrap(store.stateDb, common, genesis));
  const executor = await BlockExecutor.create(common, store.stateDb, chain.head.header.stateRoot, (n) => chain.getCanonicalHash(n));
  return { genesis, common, store, chain, executor, builder: new BlockBuilder(chain, executor) };
}

function fromList(txs: TypedTransaction[]): TxCandidates & { rejected: string[] } {
  let i = 0;
  const rejected: string[] = [];
  return { next: () => txs[i++], rejectLast: (r) => void rejected.push(r), rejected };
}

const fields = (proposer: Uint8Array, now: bigint) => ({ proposer, round: 0, proposerVrfProof: new Uint8Array(0), seed: ZERO_HASH, lastCommit: new Uint8Array(0), lastCommitHash: ZERO_HASH, nextValidatorsHash: ZERO_HASH, now });

const [alice, bob, carol] = deriveDevAccounts(3);
const POINT_EVALUATION = hexToBytes("0x000000000000000000000000000000000000000a");
/** Runtime code returning 42, and init code that deploys it. */
const RUNTIME = hexToBytes("0x602a60005260206000f3");
const INIT = hexToBytes(`0x69${bytesToHex(RUNTIME).slice(2)}600052600a6016f3`);

function tx(key: Uint8Array, nonce: bigint, common: Common, to: Uint8Array | undefined, data: Uint8Array, gasLimit: bigint): TypedTransaction {
  return createFeeMarket1559Tx(
    { nonce, ...(to ? { to } : {}), value: 0n, data, gasLimit, maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, chainId: common.chainId() },
    { common },
  ).sign(key);
}

/** A well-formed 192-byte input: the precompile reaches the KZG check (a bad length fails before it). */
const kzgInput = new Uint8Array(192);

describe("a transaction that throws inside the EVM", () => {
  it("is skipped by the proposer without a trace in the state, and later writes reach the database", async () => {
    const a = await openNode(false);
    const thrower = tx(alice!.privateKey, 0n, a.common, POINT_EVALUATION, kzgInput, 100_000n);
    const create = tx(bob!.privateKey, 0n, a.common, undefined, INIT, 100_000n);
    const proposer = a.genesis.validators[0]!.address;
    const cands = fromList([thrower, create]);
    const built = await a.builder.propose(fields(proposer, 1_700_000_000n), cands);
    expect(built.skipped.map((s) => s.tx)).toEqual([thrower]);
    expect(cands.rejected[0]).toMatch(/kzg not initialized/);
    expect(built.block.transactions).toEqual([create]);
    await a.chain.commit(built.block, built.receipts);

    const root = a.chain.head.header.stateRoot;
    // A fresh view over the database, as eth_getBalance, eth_getCode and eth_getProof read it.
    const view = createStateManager(a.store.stateDb, root, a.common, false);
    const aliceAccount = await view.getAccount(new Address(alice!.address));
    expect(aliceAccount?.nonce).toBe(0n);
    expect(aliceAccount?.balance).toBe(DEV_BALANCE);
    const created = createContractAddress(new Address(bob!.address), 0n);
    expect(bytesToHex(await view.getCode(created))).toBe(bytesToHex(RUNTIME));
    const proof = await stateProof(a.store.stateDb, a.common, root, created.bytes, []);
    expect(proof.accountProof.length).toBeGreaterThan(0);
    expect(bytesToHex(proof.codeHash)).toBe(bytesToHex(keccak256(RUNTIME)));

    // The next block's writes reach the database as well.
    const next = tx(carol!.privateKey, 0n, a.common, undefined, INIT, 100_000n);
    const built2 = await a.builder.propose(fields(proposer, 1_700_000_001n), fromList([next]));
    await a.chain.commit(built2.block, built2.receipts);
    const view2 = createStateManager(a.store.stateDb, a.chain.head.header.stateRoot, a.common, false);
    expect(bytesToHex(await view2.getCode(createContractAddress(new Address(carol!.address), 0n)))).toBe(bytesToHex(RUNTIME));
    await a.store.close();
  });

  it("fails the whole block on a validator, which then sits on the parent's state unchanged", async () => {
    // A node with KZG builds a block with a point-evaluation call in it; one without KZG cannot
    // execute it and must refuse the block without keeping any of it.
    const withKzg = await openNode(true);
    const without = await openNode(false);
    const proposer = withKzg.genesis.validators[0]!.address;
    const call = tx(alice!.privateKey, 0n, withKzg.common, POINT_EVALUATION, kzgInput, 100_000n);
    const create = tx(bob!.privateKey, 0n, withKzg.common, undefined, INIT, 100_000n);
    const built = await withKzg.builder.propose(fields(proposer, 1_700_000_000n), fromList([create, call]));
    // With KZG the (invalid) point is an EVM error: included, failed, all its gas spent.
    expect(built.block.transactions).toHaveLength(2);
    expect(built.receipts.map((r) => r.status)).toEqual([1, 0]);
    expect(built.receipts[1]!.gasUsed).toBe(100_000n);

    const parentRoot = without.chain.head.header.stateRoot;
    await expect(without.builder.validate(built.block, 1_700_000_000n)).rejects.toThrow(BlockValidationError);
    expect(bytesToHex(without.executor.currentRoot)).toBe(bytesToHex(parentRoot));

    // It goes on from the parent: a block of its own commits, and its writes are in the database.
    const own = tx(carol!.privateKey, 0n, without.common, undefined, INIT, 100_000n);
    const built2 = await without.builder.propose(fields(proposer, 1_700_000_000n), fromList([own]));
    await without.chain.commit(built2.block, built2.receipts);
    const view = createStateManager(without.store.stateDb, without.chain.head.header.stateRoot, without.common, false);
    expect((await view.getAccount(new Address(alice!.address)))?.nonce ?? 0n).toBe(0n);
    expect((await view.getAccount(new Address(bob!.address)))?.nonce ?? 0n).toBe(0n);
    expect(bytesToHex(await view.getCode(createContractAddress(new Address(carol!.address), 0n)))).toBe(bytesToHex(RUNTIME));
    await withKzg.store.close();
    await without.store.close();
  });
});
