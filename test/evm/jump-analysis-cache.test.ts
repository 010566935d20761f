// The interpreter's jump analysis is memoized per code array (src/evm/jump-analysis-cache.ts). What
// must not change is the EVM's rule for jumps (yellow paper §9.4.3): a JUMP may only land on a
// JUMPDEST that is an opcode, never on a 0x5b byte inside a PUSH's immediate data. A contract with
// both kinds of target is called again and again, through blocks on a real chain, so that later
// calls run on the remembered analysis: the jump to the real JUMPDEST must succeed every time and the
// jump into the PUSH data must halt every time (status 0, all gas used), in the same block and in the
// next ones.
import { rmSync } from "node:fs";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Address, bigIntToBytes, createContractAddress, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import { afterEach, describe, expect, it } from "vitest";
import { deriveDevAccounts } from "../../src/chain/dev-accounts.js";
import { jumpAnalysisCacheInstalled, jumpAnalysisStats } from "../../src/evm/jump-analysis-cache.js";
import { fromList, openExecNode, proposalFields } from "../helpers/exec-node.js";
import { creation1559, transfer1559 } from "../helpers/txs.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Two runtime codes of the same length that jump to the 32-byte word of calldata and then store 42
// in slot 0. In A, 0x05 is the 0x5b inside PUSH2 0x5b00 and 0x07 the real JUMPDEST:
//   00 PUSH1 0  02 CALLDATALOAD  03 JUMP  04 PUSH2 0x5b00  07 JUMPDEST  08 PUSH1 42  0a PUSH1 0  0c SSTORE  0d STOP
// In B it is the other way round: 0x05 is the JUMPDEST and 0x07 the 0x5b inside PUSH1 0x5b:
//   00 PUSH1 0  02 CALLDATALOAD  03 JUMP  04 STOP  05 JUMPDEST  06 PUSH1 0x5b  08 PUSH1 42  0a PUSH1 0  0c SSTORE  0d STOP
// Calls to both interleave, so an analysis served for the wrong code would show.
const RUNTIME_A = "60003556615b005b602a60005500";
const RUNTIME_B = "60003556005b605b602a60005500";
// Init code: CODECOPY the 14 runtime bytes that follow these 12, RETURN them.
const init = (runtime: string) => hexToBytes(`0x600e600c600039600e6000f3${runtime}`);
const dev = deriveDevAccounts(2);
const key = dev[0]!.privateKey;
const GAS = 60_000n;

function callTo(contract: Uint8Array, nonce: bigint, dest: number): TypedTransaction {
  return transfer1559(key, { nonce, to: contract, value: 0n, gasLimit: GAS, data: setLengthLeft(bigIntToBytes(BigInt(dest)), 32) });
}

describe("the memoized jump analysis", () => {
  it("is installed, and keeps JUMP off PUSH data on every call that reuses it", async () => {
    expect(jumpAnalysisCacheInstalled).toBe(true);
    const n = await openExecNode(dirs);
    const proposer = n.genesis.validators[0]!.address;
    const a = createContractAddress(new Address(dev[0]!.address), 0n).bytes;
    const b = createContractAddress(new Address(dev[0]!.address), 1n).bytes;
    let now = n.chain.head.header.timestamp;
    const block = async (txs: TypedTransaction[]) => {
      now += 1n;
      const built = await n.builder.propose(proposalFields(proposer, now), fromList(txs));
      expect(built.skipped).toEqual([]);
      await n.chain.commit(built.block, built.receipts);
      return built.receipts;
    };
    expect((await block([creation1559(key, 0n, init(RUNTIME_A)), creation1559(key, 1n, init(RUNTIME_B))])).map((r) => r.status)).toEqual([1, 1]);

    const before = { ...jumpAnalysisStats };
    let nonce = 2n;
    const calls: [Uint8Array, number, 0 | 1][] = [[a, 7, 1], [b, 5, 1], [a, 5, 0], [b, 7, 0], [b, 5, 1], [a, 5, 0], [a, 7, 1], [b, 7, 0]];
    for (let round = 0; round < 3; round++) {
      const receipts = await block(calls.map(([to, dest]) => callTo(to, nonce++, dest)));
      expect(receipts.map((r) => r.status)).toEqual(calls.map(([, , status]) => status));
      // An exceptional halt (the invalid jump) consumes the whole gas limit; the good path does not.
      for (const r of receipts) {
        if (r.status === 0) expect(r.gasUsed).toBe(GAS);
        else expect(r.gasUsed).toBeLessThan(GAS);
      }
    }
    // 24 calls to the two contracts plus the blocks' system calls (also contract code with jumps):
    // each code is analysed about once, every later frame that runs it reuses the analysis.
    const hits = jumpAnalysisStats.hits - before.hits;
    const misses = jumpAnalysisStats.misses - before.misses;
    expect(hits + misses).toBeGreaterThanOrEqual(24);
    expect(misses).toBeLessThanOrEqual(4);
  });
});
