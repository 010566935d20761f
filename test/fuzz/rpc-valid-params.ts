// One well-formed parameter list per JSON-RPC method, on the chain under test: the fuzzer's seeds for
// "mutated valid" requests (one parameter, or one field of an object parameter, swapped for an edge
// value), which get past parsing far more often than random lists and so reach the handlers.
import fc from "fast-check";
import { mutatedHex } from "./bytes-arbitraries.js";
import { callRequest, edgeScalar, paramValue, typedData, type ChainValues } from "./rpc-arbitraries.js";

export function validParams(method: string, c: ChainValues): unknown[] {
  const [a = "", b = ""] = c.addresses;
  const block = c.blockHashes[0] ?? "";
  const tx = c.txHashes[0] ?? "";
  const call = { from: a, to: b, value: "0x1", gas: "0x7a120", data: "0x", nonce: "0x0", maxFeePerGas: "0x2540be400", maxPriorityFeePerGas: "0x1" };
  const typed = {
    types: { EIP712Domain: [{ name: "name", type: "string" }, { name: "chainId", type: "uint256" }], Mail: [{ name: "to", type: "address" }, { name: "contents", type: "string" }, { name: "tags", type: "bytes32[]" }] },
    primaryType: "Mail",
    domain: { name: "fuzz", chainId: 31337 },
    message: { to: b, contents: "hello", tags: ["0x" + "00".repeat(32)] },
  };
  const filter = { fromBlock: "0x0", toBlock: "latest", address: [a], topics: [null, ["0x" + "00".repeat(32)]] };
  const table: Record<string, unknown[]> = {
    web3_sha3: ["0x68656c6c6f"],
    eth_feeHistory: ["0x4", "latest", [25, 75]],
    eth_getBalance: [a, "latest"],
    eth_getTransactionCount: [a, { blockHash: block }],
    eth_getCode: [a, "0x1"],
    eth_getStorageAt: [a, "0x0", "latest"],
    eth_call: [call, "latest"],
    eth_estimateGas: [call, "latest"],
    eth_sendRawTransaction: [c.rawTxs[0] ?? "0x"],
    eth_getBlockByNumber: ["0x1", true],
    eth_getBlockByHash: [block, false],
    eth_getBlockTransactionCountByNumber: ["0x1"],
    eth_getBlockTransactionCountByHash: [block],
    eth_getBlockReceipts: ["0x1"],
    eth_getTransactionByHash: [tx],
    eth_getTransactionByBlockHashAndIndex: [block, "0x0"],
    eth_getTransactionByBlockNumberAndIndex: ["0x1", "0x0"],
    eth_getTransactionReceipt: [tx],
    eth_getUncleCountByBlockHash: [block],
    eth_getUncleCountByBlockNumber: ["0x1"],
    eth_getUncleByBlockHashAndIndex: [block, "0x0"],
    eth_getUncleByBlockNumberAndIndex: ["0x1", "0x0"],
    eth_getLogs: [filter],
    eth_getStorageValues: [{ [a]: ["0x0", "0x1"] }, "latest"],
    eth_getProof: [a, ["0x0"], "latest"],
    eth_createAccessList: [call, "latest"],
    eth_sendTransaction: [call],
    eth_signTransaction: [call],
    eth_sign: [a, "0x68656c6c6f"],
    personal_sign: ["0x68656c6c6f", a],
    eth_signTypedData_v4: [a, typed],
    debug_getRawTransaction: [tx],
    debug_getRawReceipts: ["0x1"],
    debug_getRawHeader: ["0x1"],
    debug_getRawBlock: ["0x1"],
    eth_newFilter: [filter],
    eth_getFilterChanges: ["0x1"],
    eth_getFilterLogs: ["0x1"],
    eth_uninstallFilter: ["0x1"],
    eth_subscribe: ["newHeads"],
    eth_unsubscribe: ["0x1"],
    debug_traceTransaction: [tx, { tracer: "callTracer", timeout: "5s" }],
    debug_traceBlockByNumber: ["0x1", { enableMemory: true, limit: 10 }],
    debug_traceBlockByHash: [block, {}],
    debug_traceCall: [call, "latest", { tracer: "callTracer", tracerConfig: { withLog: true } }],
    txpool_contentFrom: [a],
    verity_submitEvidence: ["0x01"],
    verity_getEpoch: ["latest"],
    verity_getValidators: ["0x0", "latest"],
    verity_getStakingPositions: [a, "latest"],
    verity_getSupply: ["latest"],
    verity_getBlockConsensus: ["0x1"],
  };
  return table[method] ?? [];
}

/** Quantities at the edges of what fields take: zero, one, the 64-bit and 256-bit maxima and their halves. */
const extremeQuantity = fc.constantFrom("0x0", "0x1", "0xffffffffffffffff", "0x8000000000000000", "0x7fffffffffffffff", "0x" + "f".repeat(64), "0x" + "f".repeat(40), "0x5207", "0x5208");

function replacement(c: ChainValues): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: extremeQuantity }, { weight: 2, arbitrary: edgeScalar }, { weight: 2, arbitrary: paramValue(c) });
}

const clone = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** The valid list with one or two changes: a parameter replaced, or a field of an object parameter set (nested too). */
export function mutatedValid(method: string, c: ChainValues, fieldNames: readonly string[]): fc.Arbitrary<unknown[]> {
  const valid = validParams(method, c);
  if (valid.length === 0) return fc.constant([]);
  const mutation = fc.record({ at: fc.nat(), key: fc.nat(), newKey: fc.constantFrom(...fieldNames), addKey: fc.boolean(), deep: fc.boolean(), value: replacement(c) });
  return fc.array(mutation, { minLength: 1, maxLength: 2 }).map((mutations) => {
    const params = clone(valid) as unknown[];
    for (const m of mutations) {
      const i = m.at % params.length;
      const param = params[i];
      if (typeof param !== "object" || param === null) {
        params[i] = m.value;
        continue;
      }
      let target: object = param;
      // Walk one level further into a nested object (typedData.message, a filter's topics) when asked.
      const keys = Object.keys(target);
      if (m.deep && keys.length > 0) {
        const inner = (target as Record<string, unknown>)[keys[m.key % keys.length]!];
        if (typeof inner === "object" && inner !== null) target = inner;
      }
      const own = Object.keys(target);
      const key = m.addKey || own.length === 0 ? m.newKey : own[m.key % own.length]!;
      // defineProperty: a "__proto__" key must become an own field of the JSON, not the object's prototype.
      Object.defineProperty(target, key, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
    return params;
  });
}

const CALL_METHODS = new Set(["eth_call", "eth_estimateGas", "eth_createAccessList", "debug_traceCall", "eth_sendTransaction", "eth_signTransaction"]);

/** Inputs aimed at what a method does with well-formed values: call requests with extreme fields, typed data, mutated raw transactions. */
export function targeted(method: string, c: ChainValues): fc.Arbitrary<unknown[]> | null {
  const [a = ""] = c.addresses;
  if (method === "eth_signTypedData_v4") return fc.tuple(fc.constant(a), typedData(c));
  if (method === "eth_sendRawTransaction" && c.rawTxs.length > 0) return fc.constantFrom(...c.rawTxs).chain(mutatedHex).map((raw) => [raw]);
  if (CALL_METHODS.has(method)) {
    const withExtremes = fc.tuple(callRequest(c), fc.dictionary(fc.constantFrom("gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "nonce"), extremeQuantity, { minKeys: 1, maxKeys: 3 }));
    return withExtremes.map(([call, extremes]) => {
      const request = { ...(call as Record<string, unknown>), ...extremes };
      // Mostly one fee style, so the request gets past the gasPrice-or-1559 check to execution.
      if ("gasPrice" in extremes) {
        delete request.maxFeePerGas;
        delete request.maxPriorityFeePerGas;
      } else delete request.gasPrice;
      return method.startsWith("eth_s") ? [request] : [request, "latest"];
    });
  }
  return null;
}
