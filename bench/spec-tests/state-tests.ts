// State tests: one transaction on a pre-state, checked against the post-state root and the hash of
// its logs. verity runs it as the node runs a block with that one transaction: the node's own
// decoder (primitives/encoding.ts decodeTransaction) on the fixture's signed bytes, then
// BlockExecutor.execute, the validator path (a transaction the spec rejects fails the block, and
// the state stays on the pre-state root, which is what the fixture then expects); with --build
// also BlockExecutor.build, the proposer path (the rejected transaction is skipped).
// https://eest.ethereum.org/main/running_tests/test_formats/state_test/
import { RLP } from "@ethereumjs/rlp";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import { BlockExecutionError, type BlockEnv, type BlockExecutor, type ExecutionOutcome } from "../../src/evm/executor.js";
import { decodeTransaction } from "../../src/primitives/encoding.js";
import { keccak256 } from "../../src/primitives/hash.js";
import type { Hash32, Log } from "../../src/primitives/types.js";
import type { SpecContext } from "./context.js";
import { big, bytes, genesisAlloc, type StateTestFixture, type StateTestPost } from "./fixtures.js";
import { failed, passed, skipped, SKIP, type Outcome } from "./outcome.js";

/** The rule set verity runs (evm/common.ts HARDFORK): only its expectations apply. */
export const FORK = "Osaka";

const TX_TYPE_BLOB = 3;
const TX_TYPE_SET_CODE = 4;

/** keccak256(RLP([[address, topics, data], ...])): the fixtures' `logs`. */
export function logsHash(logs: readonly Log[]): Hash32 {
  return keccak256(RLP.encode(logs.map((l) => [l.address, [...l.topics], l.data])));
}

/** geth's state-test block hashes (tests/state_test_util.go vmTestBlockHash): keccak256 of the
 * block number in decimal. The fixture gives none; BLOCKHASH of a state test reads these. */
export const stateTestBlockHash = async (n: bigint): Promise<Hash32> => keccak256(new TextEncoder().encode(n.toString()));

export function stateTestEnv(f: StateTestFixture): BlockEnv {
  return {
    number: big(f.env.currentNumber),
    timestamp: big(f.env.currentTimestamp),
    proposer: bytes(f.env.currentCoinbase),
    gasLimit: big(f.env.currentGasLimit),
    baseFeePerGas: big(f.env.currentBaseFee),
    prevRandao: bytes(f.env.currentRandom ?? `0x${"00".repeat(32)}`),
  };
}

/** The Osaka cases of one state-test fixture, each with its outcome. */
export async function runStateTest(ctx: SpecContext, f: StateTestFixture): Promise<Outcome[]> {
  const posts = f.post[FORK] ?? [];
  const out: Outcome[] = [];
  for (const post of posts) out.push(await runPost(ctx, f, post));
  return out;
}

/** How many cases of the fixture are for other forks (not run). */
export function otherForkCases(f: StateTestFixture): number {
  return Object.entries(f.post).reduce((n, [fork, posts]) => (fork === FORK ? n : n + posts.length), 0);
}

async function runPost(ctx: SpecContext, f: StateTestFixture, post: StateTestPost): Promise<Outcome> {
  const raw = bytes(post.txbytes);
  if (raw[0] === TX_TYPE_BLOB) return skipped(SKIP.blobTx);
  if (raw[0] === TX_TYPE_SET_CODE) return skipped(SKIP.setCodeTx);
  if (big(f.env.currentExcessBlobGas) !== 0n) return skipped(SKIP.excessBlobGas);

  const setup = await ctx.chain(big(f.config?.chainid ?? "0x01"), stateTestBlockHash);
  const preRoot = await ctx.genesis(setup, genesisAlloc(f.pre));
  const env = stateTestEnv(f);
  const expected = post.expectException;

  let tx: TypedTransaction;
  try {
    tx = decodeTransaction(raw, setup.common);
  } catch (e) {
    // Refused before execution, as the node refuses such bytes from the network.
    if (expected !== undefined) return sameRoot(preRoot, post.hash, "pre-state root after a rejected transaction");
    return failed(`the node cannot decode the transaction: ${(e as Error).message}`);
  }

  let outcome: ExecutionOutcome | undefined;
  try {
    outcome = await setup.executor.execute(preRoot, env, [tx]);
  } catch (e) {
    if (!(e instanceof BlockExecutionError)) throw e;
    if (expected === undefined) return failed(`rejected a valid transaction: ${e.message}`);
    const rejected = sameRoot(setup.executor.currentRoot, post.hash, "state root after a rejected transaction");
    if (rejected.status !== "passed") return rejected;
  }
  if (outcome !== undefined) {
    if (expected !== undefined) return failed(`accepted a transaction the spec rejects (${expected})`);
    const root = sameRoot(outcome.stateRoot, post.hash, "post-state root");
    if (root.status !== "passed") return root;
    const logs = bytesToHex(logsHash(outcome.receipts[0]!.logs));
    if (logs !== post.logs) return failed(`logs hash ${logs}, expected ${post.logs}`);
  }
  if (ctx.options.build) return buildPath(setup.executor, preRoot, env, tx, post);
  return passed;
}

/** The proposer path on the same case: the transaction included (same root) or skipped (pre root). */
async function buildPath(executor: BlockExecutor, preRoot: Hash32, env: BlockEnv, tx: TypedTransaction, post: StateTestPost): Promise<Outcome> {
  let offered = false;
  const built = await executor.build(preRoot, env, {
    next: () => (offered ? undefined : ((offered = true), tx)),
    rejectLast: () => {},
  });
  const included = built.transactions.length === 1;
  if (included === (post.expectException !== undefined))
    return failed(`build path ${included ? "included" : "skipped"} the transaction${built.skipped[0] ? ` (${built.skipped[0].reason})` : ""}`);
  return sameRoot(built.stateRoot, post.hash, "build path state root");
}

function sameRoot(actual: Hash32, expected: string, what: string): Outcome {
  const got = bytesToHex(actual);
  return got === expected ? passed : failed(`${what} ${got}, expected ${expected}`);
}
