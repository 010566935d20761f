// The JSON shapes of the Ethereum execution spec tests (execution-spec-tests, EEST) that the runner
// reads, and the conversions every format shares: a fixture's `pre` allocation into verity's
// genesis accounts, hex into bytes and numbers. Formats: https://eest.ethereum.org/main/running_tests/test_formats/
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { bigIntToUnpaddedBytes, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import type { GenesisAccount } from "../../src/primitives/types.js";

export type Hex = `0x${string}`;

export interface FixtureAccount {
  nonce: Hex;
  balance: Hex;
  code: Hex;
  storage: Record<Hex, Hex>;
}

export type Alloc = Record<Hex, FixtureAccount>;

export interface FixtureInfo {
  /** sha256 of the fixture's canonical JSON without _info (see fixtureHash). */
  hash?: string;
  "fixture-format"?: string;
  url?: string;
  description?: string;
}

/** A state test: one transaction (data/gas/value variants by index) on `pre`, per fork a list of
 * expected outcomes. */
export interface StateTestFixture {
  env: {
    currentCoinbase: Hex;
    currentGasLimit: Hex;
    currentNumber: Hex;
    currentTimestamp: Hex;
    currentRandom?: Hex;
    currentBaseFee?: Hex;
    currentExcessBlobGas?: Hex;
  };
  pre: Alloc;
  transaction: Record<string, unknown>;
  post: Record<string, StateTestPost[]>;
  config?: { chainid?: Hex };
  _info?: FixtureInfo;
}

export interface StateTestPost {
  /** State root after the transaction (the pre-state root when the transaction is invalid). */
  hash: Hex;
  /** keccak256 of the RLP of the transaction's logs. */
  logs: Hex;
  /** The signed transaction in its network form. */
  txbytes: Hex;
  expectException?: string;
  indexes: { data: number; gas: number; value: number };
}

/** A blockchain test: a genesis on `pre`, then blocks in RLP, valid or expected to be rejected. */
export interface BlockchainTestFixture {
  network: string;
  genesisBlockHeader: FixtureHeader;
  pre: Alloc;
  blocks: FixtureBlock[];
  postStateHash?: Hex;
  postState?: Alloc;
  lastblockhash: Hex;
  config?: { chainid?: Hex };
  _info?: FixtureInfo;
}

/** The header fields the runner reads (the block's RLP carries them all). */
export interface FixtureHeader {
  number: Hex;
  stateRoot: Hex;
  hash: Hex;
}

export interface FixtureBlock {
  rlp: Hex;
  blockHeader?: FixtureHeader;
  expectException?: string;
}

export const big = (h: Hex | undefined): bigint => (h === undefined || h === "0x" ? 0n : BigInt(h));
export const bytes = (h: Hex): Uint8Array => hexToBytes(h);

/** A fixture's allocation as verity's genesis accounts (what buildGenesisState writes). */
export function genesisAlloc(pre: Alloc): Map<string, GenesisAccount> {
  const out = new Map<string, GenesisAccount>();
  for (const [address, a] of Object.entries(pre)) {
    out.set(address.toLowerCase(), {
      nonce: big(a.nonce),
      balance: big(a.balance),
      code: bytes(a.code),
      storage: Object.entries(a.storage).map(([k, v]) => [setLengthLeft(bytes(k as Hex), 32), bigIntToUnpaddedBytes(big(v))]),
    });
  }
  return out;
}

/** One fixture file: its path relative to the run's root and its named fixtures. */
export interface FixtureFile {
  path: string;
  fixtures: Record<string, unknown>;
}

/** Every .json file under `root` (a file or a directory), sorted by path; `.meta` is EEST's index,
 * not fixtures. */
export async function* fixtureFiles(root: string, only?: string): AsyncGenerator<FixtureFile> {
  const paths: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== ".meta") await walk(p);
      else if (e.isFile() && e.name.endsWith(".json")) paths.push(p);
    }
  }
  if (root.endsWith(".json")) paths.push(root);
  else await walk(root);
  paths.sort();
  for (const p of paths) {
    const rel = relative(root, p) || p;
    if (only !== undefined && !rel.includes(only)) {
      // --only may name a test inside the file as well: keep the file, filter its fixtures.
      const fixtures = JSON.parse(await readFile(p, "utf8")) as Record<string, unknown>;
      const kept = Object.fromEntries(Object.entries(fixtures).filter(([name]) => name.includes(only)));
      if (Object.keys(kept).length > 0) yield { path: rel, fixtures: kept };
      continue;
    }
    yield { path: rel, fixtures: JSON.parse(await readFile(p, "utf8")) as Record<string, unknown> };
  }
}

/** JSON as Python's json.dumps(sort_keys=True, separators=(",", ":")) writes it (keys sorted at every
 * level; fixtures are ASCII, where both escape alike). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The hash EEST publishes in a fixture's _info.hash: sha256 of the canonical JSON of everything
 * but _info. Equal to it, the fixture is the published one, whatever its file's formatting. */
export function fixtureHash(fixture: Record<string, unknown>): string {
  const { _info: _, ...body } = fixture;
  return `0x${createHash("sha256").update(canonicalJson(body)).digest("hex")}`;
}
