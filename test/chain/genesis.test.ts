import { describe, expect, it } from "vitest";
import { parseGenesis, genesisToJson, GenesisError } from "../../src/chain/genesis-json.js";
import { devGenesis } from "../../src/chain/dev-genesis.js";
import { nextBaseFee } from "../../src/primitives/fees.js";

const valid = () => JSON.parse(genesisToJson(devGenesis())) as Record<string, unknown>;

describe("genesis files", () => {
  it("round-trips the dev genesis through JSON", () => {
    const g = devGenesis();
    const back = parseGenesis(genesisToJson(g));
    expect(back.params).toEqual(g.params);
    expect([...back.alloc.keys()]).toEqual([...g.alloc.keys()]);
    expect(back.validators).toEqual(g.validators);
  });

  const bad: Array<[string, (j: Record<string, unknown>) => void, RegExp]> = [
    ["missing chainId", (j) => delete j.chainId, /chainId: missing/],
    ["negative gas limit", (j) => (j.gasLimit = -1), /gasLimit: expected a non-negative integer/],
    ["bad alloc address", (j) => (j.alloc = { "0x1234": { balance: "1" } }), /alloc\.0x1234: expected 20 bytes/],
    ["bad balance", (j) => (j.alloc = { ["0x" + "11".repeat(20)]: { balance: "lots" } }), /alloc\.0x1111111111111111111111111111111111111111\.balance/],
    ["no validators", (j) => (j.validators = []), /validators: expected a non-empty array/],
    ["short signing key", (j) => ((j.validators as Array<Record<string, unknown>>)[1]!.signingKey = "0x12"), /validators\[1\]\.signingKey: expected 32 bytes/],
    ["zero stake", (j) => ((j.validators as Array<Record<string, unknown>>)[0]!.stake = 0), /validators\[0\]\.stake: must be positive/],
    ["min base fee above initial", (j) => (j.baseFee = { initial: "1", min: "2" }), /baseFee\.min: must not exceed baseFee\.initial/],
  ];
  for (const [name, mutate, msg] of bad) {
    it(`names the field when invalid: ${name}`, () => {
      const j = valid();
      mutate(j);
      expect(() => parseGenesis(JSON.stringify(j))).toThrow(GenesisError);
      expect(() => parseGenesis(JSON.stringify(j))).toThrow(msg);
    });
  }
  it("rejects text that is not JSON", () => {
    expect(() => parseGenesis("{")).toThrow(/not valid JSON/);
  });
});

describe("EIP-1559 base fee", () => {
  const params = devGenesis().params;
  const parent = (gasUsed: bigint) => ({ gasUsed, gasLimit: 30_000_000n, baseFeePerGas: 1_000_000_000n });
  it("stays at target, rises by 1/8 when full and falls by 1/8 when empty", () => {
    expect(nextBaseFee(parent(15_000_000n), params)).toBe(1_000_000_000n);
    expect(nextBaseFee(parent(30_000_000n), params)).toBe(1_125_000_000n);
    expect(nextBaseFee(parent(0n), params)).toBe(875_000_000n);
  });
  it("never falls below the chain's floor", () => {
    expect(nextBaseFee({ gasUsed: 0n, gasLimit: 30_000_000n, baseFeePerGas: 8n }, { ...params, minBaseFee: 7n })).toBe(7n);
  });
});
