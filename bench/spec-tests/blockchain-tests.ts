// Blockchain tests: a genesis, then blocks in Ethereum's RLP, each valid or expected to be rejected,
// and the state after the last valid one. verity's blocks are not Ethereum's (its header carries the
// consensus fields, so its block hash differs), so a block runs as far as verity's block model
// allows: the fixture's header gives the execution environment (coinbase, number, timestamp, gas
// limit, base fee, PREVRANDAO), its transactions run through the node's decoder and
// BlockExecutor.execute, and the result is checked as the node's validator checks a received block
// (chain/block-builder.ts validate: transactionsRoot, stateRoot, receiptsRoot, gasUsed, logsBloom).
// The fixture's block hashes are what BLOCKHASH and the EIP-2935 system call see, and the chain of
// valid blocks must end at the fixture's lastblockhash; the final state is compared with
// postStateHash, or with the root of postState built as a genesis.
// https://eest.ethereum.org/main/running_tests/test_formats/blockchain_test/
import { RLP } from "@ethereumjs/rlp";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToBigInt, bytesToHex, equalsBytes } from "@ethereumjs/util";
import { BlockExecutionError, type BlockEnv } from "../../src/evm/executor.js";
import { receiptsRoot, transactionsRoot } from "../../src/primitives/block-roots.js";
import { decodeTransaction } from "../../src/primitives/encoding.js";
import { keccak256 } from "../../src/primitives/hash.js";
import type { Hash32 } from "../../src/primitives/types.js";
import type { ChainSetup, SpecContext } from "./context.js";
import { big, bytes, genesisAlloc, type BlockchainTestFixture, type Hex } from "./fixtures.js";
import { failed, passed, skipped, SKIP, type Outcome } from "./outcome.js";
import { FORK } from "./state-tests.js";

/** Header list positions (Ethereum's header RLP, London through Osaka). */
const H = { parentHash: 0, coinbase: 2, stateRoot: 3, txRoot: 4, receiptRoot: 5, bloom: 6, number: 8, gasLimit: 9, gasUsed: 10, timestamp: 11, mixHash: 13, baseFee: 15, withdrawalsRoot: 16, blobGasUsed: 17, excessBlobGas: 18, beaconRoot: 19 } as const;

/** A network other than verity's rule set: another fork, or a transition between two. */
export function isOtherForkNetwork(network: string): boolean {
  return network !== FORK;
}

type Rlp = Uint8Array | Rlp[];

interface DecodedBlock {
  header: Uint8Array[];
  txs: Uint8Array[];
  withdrawals: Rlp[];
}

function decodeBlock(rlp: Hex): DecodedBlock {
  const [header, txs, , withdrawals] = RLP.decode(bytes(rlp)) as Rlp[];
  // A legacy transaction is an RLP list inside the block, a typed one a byte string.
  const raw = (txs as Rlp[]).map((t) => (t instanceof Uint8Array ? t : RLP.encode(t)));
  return { header: header as Uint8Array[], txs: raw, withdrawals: (withdrawals as Rlp[] | undefined) ?? [] };
}

const field = (h: Uint8Array[], i: number): Uint8Array => h[i] ?? new Uint8Array(0);

function envOf(h: Uint8Array[]): BlockEnv {
  return {
    number: bytesToBigInt(field(h, H.number)),
    timestamp: bytesToBigInt(field(h, H.timestamp)),
    proposer: field(h, H.coinbase),
    gasLimit: bytesToBigInt(field(h, H.gasLimit)),
    baseFeePerGas: bytesToBigInt(field(h, H.baseFee)),
    prevRandao: field(h, H.mixHash),
  };
}

/** What about a block keeps it from running on verity, if anything. */
function skipReason(b: DecodedBlock): Outcome | undefined {
  for (const t of b.txs) {
    if (t[0] === 3) return skipped(SKIP.blobTx);
    if (t[0] === 4) return skipped(SKIP.setCodeTx);
  }
  if (b.withdrawals.length > 0) return skipped(SKIP.withdrawals);
  if (bytesToBigInt(field(b.header, H.excessBlobGas)) !== 0n) return skipped(SKIP.excessBlobGas);
  const beacon = field(b.header, H.beaconRoot);
  if (beacon.some((x) => x !== 0)) return skipped(SKIP.beaconRoot);
  return undefined;
}

export async function runBlockchainTest(ctx: SpecContext, f: BlockchainTestFixture): Promise<Outcome> {
  const decoded: (DecodedBlock | undefined)[] = f.blocks.map((b) => {
    try {
      return decodeBlock(b.rlp);
    } catch {
      return undefined; // a block whose RLP is malformed on purpose: rejected below
    }
  });
  for (const b of decoded) {
    const reason = b && skipReason(b);
    if (reason) return reason;
  }

  const hashes = new Map<bigint, Hash32>([[big(f.genesisBlockHeader.number), bytes(f.genesisBlockHeader.hash)]]);
  const setup = await ctx.chain(big(f.config?.chainid ?? "0x01"), async (n) => hashes.get(n));
  let root = await ctx.genesis(setup, genesisAlloc(f.pre));
  if (bytesToHex(root) !== f.genesisBlockHeader.stateRoot) return failed(`genesis state root ${bytesToHex(root)}, expected ${f.genesisBlockHeader.stateRoot}`);
  let lastHash = f.genesisBlockHeader.hash;

  for (let i = 0; i < f.blocks.length; i++) {
    const block = f.blocks[i]!;
    const b = decoded[i];
    // Blocks run on the state of the last valid one: a fixture that builds on another (a fork) is
    // beyond this runner, and says so rather than running on the wrong parent.
    if (b !== undefined && block.expectException === undefined && bytesToHex(field(b.header, H.parentHash)) !== lastHash)
      return failed(`block ${i} builds on ${bytesToHex(field(b.header, H.parentHash))}, not on the last valid block ${lastHash}: forks are not run`);
    const result = b === undefined ? { rejected: "malformed block RLP" } : await executeBlock(setup, root, b);
    const expected = block.expectException;
    if (expected !== undefined) {
      if ("rejected" in result) continue;
      // Valid under every check verity makes of a block's execution: the exception is about
      // something else (a header rule).
      if (expected.split("|").every((x) => x.startsWith("BlockException."))) return skipped(SKIP.headerRule);
      return failed(`block ${i} was accepted; the spec rejects it (${expected})`);
    }
    if ("rejected" in result) return failed(`block ${i} was rejected: ${result.rejected}`);
    root = result.root;
    // The Ethereum block hash, what BLOCKHASH and the next block's EIP-2935 system call read.
    const hash = bytesToHex(keccak256(RLP.encode(b!.header)));
    if (block.blockHeader !== undefined && hash !== block.blockHeader.hash) return failed(`block ${i}'s header hashes to ${hash}, the fixture says ${block.blockHeader.hash}`);
    hashes.set(bytesToBigInt(field(b!.header, H.number)), bytes(hash));
    lastHash = hash;
  }

  if (lastHash !== f.lastblockhash) return failed(`the valid blocks end at ${lastHash}, expected lastblockhash ${f.lastblockhash}`);
  const expectedRoot = f.postStateHash ?? (f.postState ? bytesToHex(await ctx.genesis(setup, genesisAlloc(f.postState))) : undefined);
  if (expectedRoot === undefined) return failed("the fixture has neither postStateHash nor postState");
  if (bytesToHex(root) !== expectedRoot) return failed(`final state root ${bytesToHex(root)}, expected ${expectedRoot}`);
  return passed;
}

/** Executes a block's transactions on `parentRoot` and compares what the node's validator compares. */
async function executeBlock(setup: ChainSetup, parentRoot: Hash32, b: DecodedBlock): Promise<{ root: Hash32 } | { rejected: string }> {
  let txs: TypedTransaction[];
  try {
    txs = b.txs.map((raw) => decodeTransaction(raw, setup.common));
  } catch (e) {
    return { rejected: `a transaction does not decode: ${(e as Error).message}` };
  }
  if (!equalsBytes(transactionsRoot({ transactions: txs }), field(b.header, H.txRoot))) return { rejected: "transactionsRoot does not match the transactions" };
  let out;
  try {
    out = await setup.executor.execute(parentRoot, envOf(b.header), txs);
  } catch (e) {
    if (e instanceof BlockExecutionError) return { rejected: e.message };
    throw e;
  }
  const h = b.header;
  const mismatch =
    (!equalsBytes(out.stateRoot, field(h, H.stateRoot)) && `stateRoot ${bytesToHex(out.stateRoot)}, header ${bytesToHex(field(h, H.stateRoot))}`) ||
    (!equalsBytes(receiptsRoot(out.receipts), field(h, H.receiptRoot)) && "receiptsRoot") ||
    (out.gasUsed !== bytesToBigInt(field(h, H.gasUsed)) && `gasUsed ${out.gasUsed}, header ${bytesToBigInt(field(h, H.gasUsed))}`) ||
    (!equalsBytes(out.logsBloom, field(h, H.bloom)) && "logsBloom");
  if (mismatch) {
    await setup.executor.resetTo(parentRoot);
    return { rejected: `${mismatch} does not match the result of executing its transactions` };
  }
  return { root: out.stateRoot };
}
