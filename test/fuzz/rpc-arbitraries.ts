// Random JSON-RPC parameter values: the edge cases parsers get wrong (hex without digits, leading
// zeros, values one bit too wide, tags, lengths one off a hash or an address), real values of the
// running chain (so a mutated request often gets past parsing into the handler), objects with the
// field names the methods read (call requests, filters, trace configs, EIP-1898 selectors, typed
// data), deep nesting, and arbitrary JSON.
import fc from "fast-check";

/** Values of the chain under test that requests may name. */
export interface ChainValues {
  addresses: string[];
  blockHashes: string[];
  txHashes: string[];
  rawTxs: string[];
}

const hexOfLength = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}`);

const EDGE_STRINGS = [
  "", "0x", "0X", "0x0", "0x00", "0x01", "0X1", "0x1", "0xg", "0xzz", "-0x1", " 0x1", "0x1 ", "1", "12", "-1", "latest", "pending",
  "earliest", "safe", "finalized", "Latest", "0x" + "f".repeat(16), "0x1" + "0".repeat(16), "0x" + "f".repeat(64), "0x1" + "0".repeat(64),
  "0x7fffffffffffffff", "0x8000000000000000", "0x" + "00".repeat(20), "0x" + "ff".repeat(20), "0x" + "aa".repeat(19), "0x" + "aa".repeat(21),
  "0x" + "00".repeat(32), "0x" + "11".repeat(31), "0x" + "11".repeat(33), "0x" + "ab".repeat(4096), "callTracer", "prestateTracer", "5s", "0s",
  "1h", "100000h", "1.5ms", "newHeads", "logs", "newPendingTransactions", "syncing", "__proto__", "constructor", "toString", "\u0000", "é",
  "0x" + "de".repeat(100_000),
];

export const edgeScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1, 1.5, 2 ** 53, -(2 ** 53), 1e308, Number.MIN_VALUE),
  fc.constantFrom(...EDGE_STRINGS),
  fc.integer(),
  fc.bigInt({ min: 0n, max: (1n << 300n) }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 0, max: 70 }).chain(hexOfLength),
  fc.string({ maxLength: 40 }),
);

export const FIELD_NAMES = [
  "from", "to", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "nonce", "data", "input", "accessList", "type",
  "chainId", "blobVersionedHashes", "authorizationList", "blockHash", "blockNumber", "requireCanonical", "fromBlock", "toBlock", "address",
  "topics", "tracer", "tracerConfig", "timeout", "limit", "enableMemory", "disableStack", "stateOverrides", "blockOverrides",
  "onlyTopCall", "withLog", "storageKeys", "types", "primaryType", "domain", "message", "name", "version", "verifyingContract",
  "salt", "__proto__", "constructor",
];

/** Values drawn from the chain under test: a mutated request often gets past parsing to the handler. */
function chainScalar(chain: ChainValues): fc.Arbitrary<unknown> {
  const pools = [chain.addresses, chain.blockHashes, chain.txHashes, chain.rawTxs].filter((p) => p.length > 0);
  return fc.oneof(...pools.map((p) => fc.constantFrom(...p)));
}

/** A value for one parameter: edge scalars, chain values, objects with known fields, nesting, any JSON. */
export function paramValue(chain: ChainValues): fc.Arbitrary<unknown> {
  const scalar = fc.oneof({ weight: 3, arbitrary: edgeScalar }, { weight: 2, arbitrary: chainScalar(chain) });
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 5, arbitrary: scalar },
      { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...FIELD_NAMES), tie("value"), { maxKeys: 6 }) },
      { weight: 1, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    ),
  }));
  return fc.oneof(
    { weight: 8, arbitrary: value },
    { weight: 3, arbitrary: callRequest(chain) },
    { weight: 1, arbitrary: deepNesting() },
    { weight: 2, arbitrary: typedData(chain) },
  );
}

/** A well-formed call request (from a dev account to another) with some fields swapped for edge values. */
export function callRequest(chain: ChainValues): fc.Arbitrary<unknown> {
  const from = chain.addresses[0] ?? "0x" + "11".repeat(20);
  const to = chain.addresses[1] ?? from;
  const goodOrEdge = (good: unknown) => fc.oneof({ weight: 3, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: edgeScalar });
  return fc.record(
    {
      from: goodOrEdge(from),
      to: goodOrEdge(to),
      gas: goodOrEdge("0x5208"),
      value: goodOrEdge("0x1"),
      data: goodOrEdge("0x"),
      nonce: goodOrEdge("0x0"),
      gasPrice: goodOrEdge("0x3b9aca00"),
      maxFeePerGas: goodOrEdge("0x2540be400"),
      maxPriorityFeePerGas: goodOrEdge("0x3b9aca00"),
      chainId: goodOrEdge("0x7a69"),
      type: goodOrEdge("0x2"),
      accessList: goodOrEdge([{ address: to, storageKeys: ["0x" + "00".repeat(32)] }]),
    },
    { requiredKeys: [] },
  );
}

/** Arrays or objects nested up to 2,000 deep (JSON.parse takes them; recursive code must not). */
export function deepNesting(): fc.Arbitrary<unknown> {
  return fc.tuple(fc.integer({ min: 100, max: 2_000 }), fc.boolean()).map(([depth, asObject]) => {
    let v: unknown = "0x1";
    for (let i = 0; i < depth; i++) v = asObject ? { message: v } : [v];
    return v;
  });
}

const TYPE_NAMES = ["Mail", "Person", "Wallet", "EIP712Domain", "__proto__", "constructor", "toString", "hasOwnProperty", "A", "B"];
const ATOMIC = ["string", "bytes", "bool", "address", "uint256", "int8", "uint7", "uint264", "bytes32", "bytes0", "bytes33", "uint", "int"];

/** EIP-712 typed data, well formed and not: unknown, prototype-named, recursive and array types, wrong values. */
export function typedData(chain: ChainValues): fc.Arbitrary<unknown> {
  const typeName = fc.constantFrom(...TYPE_NAMES);
  const fieldType = fc.oneof(
    fc.constantFrom(...ATOMIC),
    typeName,
    fc.tuple(fc.oneof(typeName, fc.constantFrom(...ATOMIC)), fc.constantFrom("[]", "[2]", "[0]", "[][]", "[1][]", "[" + "9".repeat(20) + "]")).map(([t, s]) => t + s),
    fc.constantFrom("Mail" + "[]".repeat(5_000), "[".repeat(5_000), "Mail[" + "0".repeat(5_000) + "]]", "x".repeat(10_000) + "[]!"),
  );
  const fields = fc.array(fc.record({ name: fc.constantFrom("a", "b", "to", "from", "wallet", "contents", "__proto__"), type: fieldType }), { maxLength: 4 });
  const types = fc.dictionary(typeName, fields, { maxKeys: 5 });
  const value = fc.oneof(edgeScalar, chainScalar(chain), fc.array(edgeScalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom("a", "b", "to", "wallet"), edgeScalar));
  const message = fc.dictionary(fc.constantFrom("a", "b", "to", "from", "wallet", "contents"), value, { maxKeys: 4 });
  const domain = fc.record({ name: fc.string({ maxLength: 8 }), version: fc.constantFrom("1", 1), chainId: fc.constantFrom(31337, "0x7a69", "x", -1), verifyingContract: fc.oneof(edgeScalar, chainScalar(chain)) }, { requiredKeys: [] });
  const data = fc.record({ types, primaryType: typeName, domain, message }, { requiredKeys: ["types", "primaryType"] });
  return fc.oneof(data, data.map((d) => JSON.stringify(d)), chainedTypes(), deepTypes());
}

/** A chain of N struct types each holding the next (N up to 3,000): encodeType's dependency walk. */
function chainedTypes(): fc.Arbitrary<unknown> {
  return fc.integer({ min: 100, max: 3_000 }).map((n) => {
    const types: Record<string, Array<{ name: string; type: string }>> = {};
    for (let i = 0; i < n; i++) types[`T${i}`] = i + 1 < n ? [{ name: "next", type: `T${i + 1}` }, { name: "also", type: `T${Math.floor(i / 2)}[]` }] : [{ name: "v", type: "uint256" }];
    return { types, primaryType: "T0", domain: {}, message: { next: {}, also: [] } };
  });
}

/** A message nested deeper than recursive hashing should go (1,500 levels: 3,000 of JSON, which stringify and parse still take). */
function deepTypes(): fc.Arbitrary<unknown> {
  return fc.integer({ min: 200, max: 1_500 }).map((depth) => {
    let message: Record<string, unknown> = { v: "1", next: [] };
    for (let i = 0; i < depth; i++) message = { v: "1", next: [message] };
    return { types: { Node: [{ name: "v", type: "uint256" }, { name: "next", type: "Node[]" }] }, primaryType: "Node", domain: {}, message };
  });
}

/** A positional parameter list for a method of `arity` declared parameters (sometimes one too many, or not a list). */
export function paramsFor(arity: number, chain: ChainValues): fc.Arbitrary<unknown> {
  const value = paramValue(chain);
  return fc.oneof(
    { weight: 12, arbitrary: fc.array(value, { minLength: Math.min(arity, 1), maxLength: arity }) },
    { weight: 1, arbitrary: fc.array(value, { minLength: arity + 1, maxLength: arity + 2 }) },
    { weight: 1, arbitrary: fc.oneof(edgeScalar, fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 2 })) },
  );
}
