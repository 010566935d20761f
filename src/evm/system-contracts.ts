// The system contracts of the rule set verity runs (Osaka) and the system calls around each block's
// transactions, as @ethereumjs's runBlock does them (applyBlock: accumulateParentBeaconBlockRoot,
// accumulateParentBlockHash; requests.ts: accumulateRequests). Neither is exported by @ethereumjs/vm,
// and the block executor runs transactions with runTx, not runBlock, so they are restated here.
//
// What each does on verity (docs/execution.md, "System contracts"):
//  - EIP-2935 block-hash history: before the transactions, the parent's hash goes to slot
//    (number - 1) % 8191 of the history contract, exactly as on Ethereum.
//  - EIP-4788 beacon roots: verity has no beacon chain. The system call runs with a zero root: the
//    timestamp ring gets the block's timestamp and the root ring gets zero, which is what geth's
//    --dev mode (its simulated beacon passes an all-zero root) stores. Not the parent's seed: the
//    seed is not a beacon block root (contracts that read EIP-4788 verify SSZ proofs of beacon
//    state against it, and must fail, not verify against an unrelated value), and it is already
//    readable as PREVRANDAO.
//  - EIP-7002 / EIP-7251 request queues: their code is deployed and their end-of-block system calls
//    run (they dequeue the block's requests and update the fee), so their storage matches any Osaka
//    client's. The dequeued requests are dropped: verity has no consensus layer that acts on
//    withdrawal or consolidation requests and no requests hash in its header; a request sent there
//    pays the fee and has no other effect.
// A system call is not a transaction: it bumps no nonce, counts no block gas, pays no fee, and runs
// inside the block's journal checkpoint. A contract without code (a genesis file that does not
// deploy it) is skipped, as @ethereumjs and geth skip it.
import type { Block as EthjsBlock } from "@ethereumjs/block";
import { Address, bigIntToBytes, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import type { GenesisAccount, Hash32 } from "../primitives/types.js";

/** The caller of every system call (EIP-4788, EIP-2935, EIP-7002, EIP-7251). */
export const SYSTEM_ADDRESS = new Address(hexToBytes("0xfffffffffffffffffffffffffffffffffffffffe"));
/** Gas a system call may use (EIP-7002 / EIP-7251: 30,000,000); it is not block gas. */
const SYSTEM_CALL_GAS = 30_000_000n;
/** Both ring buffers (EIP-2935's HISTORY_SERVE_WINDOW, EIP-4788's HISTORY_BUFFER_LENGTH) hold 8191
 * entries; the contracts' code reads them with the same modulus (0x1fff). */
const RING = 8191n;

export interface SystemContract {
  eip: number;
  address: Address;
  /** The runtime code from the EIP (the code its deployment transaction leaves). */
  code: Uint8Array;
}

// Runtime code as given in each EIP (and in geth's params, revm and @ethereumjs's tests).
export const HISTORY_STORAGE: SystemContract = {
  eip: 2935,
  address: new Address(hexToBytes("0x0000F90827F1C53a10cb7A02335B175320002935")),
  code: hexToBytes(
    "0x3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500",
  ),
};

export const BEACON_ROOTS: SystemContract = {
  eip: 4788,
  address: new Address(hexToBytes("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02")),
  code: hexToBytes(
    "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500",
  ),
};

export const WITHDRAWAL_QUEUE: SystemContract = {
  eip: 7002,
  address: new Address(hexToBytes("0x00000961Ef480Eb55e80D19ad83579A64c007002")),
  code: hexToBytes(
    "0x3373fffffffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff146101f457600182026001905f5b5f82111560685781019083028483029004916001019190604d565b909390049250505036603814608857366101f457346101f4575f5260205ff35b34106101f457600154600101600155600354806003026004013381556001015f35815560010160203590553360601b5f5260385f601437604c5fa0600101600355005b6003546002548082038060101160df575060105b5f5b8181146101835782810160030260040181604c02815460601b8152601401816001015481526020019060020154807fffffffffffffffffffffffffffffffff00000000000000000000000000000000168252906010019060401c908160381c81600701538160301c81600601538160281c81600501538160201c81600401538160181c81600301538160101c81600201538160081c81600101535360010160e1565b910180921461019557906002556101a0565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff14156101cd57505f5b6001546002828201116101e25750505f6101e8565b01600290035b5f555f600155604c025ff35b5f5ffd",
  ),
};

export const CONSOLIDATION_QUEUE: SystemContract = {
  eip: 7251,
  address: new Address(hexToBytes("0x0000BBdDc7CE488642fb579F8B00f3a590007251")),
  code: hexToBytes(
    "0x3373fffffffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1461019a57600182026001905f5b5f82111560685781019083028483029004916001019190604d565b9093900492505050366060146088573661019a573461019a575f5260205ff35b341061019a57600154600101600155600354806004026004013381556001015f358155600101602035815560010160403590553360601b5f5260605f60143760745fa0600101600355005b6003546002548082038060021160e7575060025b5f5b8181146101295782810160040260040181607402815460601b815260140181600101548152602001816002015481526020019060030154905260010160e9565b910180921461013b5790600255610146565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff141561017357505f5b6001546001828201116101885750505f61018e565b01600190035b5f555f6001556074025ff35b5f5ffd",
  ),
};

export const SYSTEM_CONTRACTS: readonly SystemContract[] = [BEACON_ROOTS, HISTORY_STORAGE, WITHDRAWAL_QUEUE, CONSOLIDATION_QUEUE];

/**
 * The genesis accounts of the system contracts: the EIPs' code, nonce 1 (what their deployment
 * transactions leave on Ethereum, and what geth's --dev genesis allocates), no balance, no storage.
 * Keyed by lowercase 0x address, as Genesis.alloc is.
 */
export function systemContractsAlloc(): Map<string, GenesisAccount> {
  return new Map(SYSTEM_CONTRACTS.map((c) => [c.address.toString(), { balance: 0n, nonce: 1n, code: c.code, storage: [] }]));
}

async function hasCode(vm: VM, c: SystemContract): Promise<boolean> {
  return vm.common.isActivatedEIP(c.eip) && (await vm.stateManager.getCode(c.address)).length > 0;
}

const slot = (n: bigint) => setLengthLeft(bigIntToBytes(n), 32);

/**
 * The system calls before a block's transactions: EIP-4788 (zero root, see above), then EIP-2935,
 * in runBlock's order. Storage writes only, as @ethereumjs does them: the same writes the
 * contracts' system-caller branch makes, with no call frame, no nonce, no gas.
 */
export async function beforeTransactions(vm: VM, block: EthjsBlock, parentHash: Hash32): Promise<void> {
  const sm = vm.stateManager;
  if (await hasCode(vm, BEACON_ROOTS)) {
    const index = block.header.timestamp % RING;
    await sm.putStorage(BEACON_ROOTS.address, slot(index), bigIntToBytes(block.header.timestamp));
    await sm.putStorage(BEACON_ROOTS.address, slot(index + RING), new Uint8Array(32));
  }
  if (block.header.number > 0n && (await hasCode(vm, HISTORY_STORAGE))) {
    await sm.putStorage(HISTORY_STORAGE.address, slot((block.header.number - 1n) % RING), parentHash);
  }
}

/**
 * The system calls after a block's transactions: the EIP-7002 and EIP-7251 queue dequeues, as
 * @ethereumjs's accumulateRequests makes them (a call from the system address with 30M gas, the
 * system address's account restored afterwards). Their output (the requests) is dropped, see above.
 */
export async function afterTransactions(vm: VM, block: EthjsBlock): Promise<void> {
  for (const c of [WITHDRAWAL_QUEUE, CONSOLIDATION_QUEUE]) {
    if (!(await hasCode(vm, c))) continue;
    const systemAccount = await vm.stateManager.getAccount(SYSTEM_ADDRESS);
    const result = await vm.evm.runCall({ block, caller: SYSTEM_ADDRESS, to: c.address, gasLimit: SYSTEM_CALL_GAS });
    if (systemAccount === undefined) await vm.stateManager.deleteAccount(SYSTEM_ADDRESS);
    else await vm.stateManager.putAccount(SYSTEM_ADDRESS, systemAccount);
    // Since Prague a failing request system call makes the block invalid (EIP-7002, EIP-7251).
    const err = result.execResult.exceptionError;
    if (err !== undefined) throw new Error(`EIP-${c.eip} system call failed: ${err.error}`);
  }
  await vm.evm.journal.cleanup();
}
