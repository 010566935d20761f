// Genesis files: parsing and validation with errors that name the offending field, and the built-in
// development genesis (dev accounts funded, a fixed set of dev validators).
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { defaultStakingParams, MAX_ACTIVE_VALIDATORS, MAX_VESTING_ALLOCATIONS } from "../primitives/staking.js";
import type { Address20, Genesis, GenesisAccount, GenesisValidator, StakingParams, VestingAllocation } from "../primitives/types.js";

export class GenesisError extends Error {
  constructor(field: string, problem: string) {
    super(`invalid genesis: ${field}: ${problem}`);
    this.name = "GenesisError";
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Integers may be JSON numbers (safe integers), decimal strings or 0x-hex strings. */
function uint(v: Json | undefined, field: string, opts: { optional?: bigint; max?: bigint } = {}): bigint {
  if (v === undefined || v === null) {
    if (opts.optional !== undefined) return opts.optional;
    throw new GenesisError(field, "missing");
  }
  let n: bigint;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || v < 0) throw new GenesisError(field, `expected a non-negative integer, got ${v}`);
    n = BigInt(v);
  } else if (typeof v === "string" && /^0x[0-9a-fA-F]+$/.test(v)) n = BigInt(v);
  else if (typeof v === "string" && /^[0-9]+$/.test(v)) n = BigInt(v);
  else throw new GenesisError(field, `expected an integer (number, decimal or 0x-hex string), got ${JSON.stringify(v)}`);
  if (opts.max !== undefined && n > opts.max) throw new GenesisError(field, `must be at most ${opts.max}`);
  return n;
}

function bytes(v: Json | undefined, field: string, length?: number, optional = false): Uint8Array {
  if ((v === undefined || v === null) && optional) return new Uint8Array(0);
  if (typeof v !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(v))
    throw new GenesisError(field, `expected 0x-prefixed hex bytes, got ${JSON.stringify(v ?? null)}`);
  const b = hexToBytes(v as `0x${string}`);
  if (length !== undefined && b.length !== length) throw new GenesisError(field, `expected ${length} bytes, got ${b.length}`);
  return b;
}

const MAX_U64 = (1n << 64n) - 1n;
const MAX_U256 = (1n << 256n) - 1n;

/** A chain's block gas limit when its genesis names none (also the built-in dev chain's; anvil's and Hardhat's default). */
export const DEFAULT_BLOCK_GAS_LIMIT = 30_000_000n;
/** The least block gas limit a chain can have: one plain transfer. */
export const MIN_BLOCK_GAS_LIMIT = 21_000n;

export function parseGenesis(text: string): Genesis {
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (e) {
    throw new GenesisError("(file)", `not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(raw)) throw new GenesisError("(file)", "expected a JSON object");
  const chainId = uint(raw.chainId, "chainId", { max: MAX_U64 });
  if (chainId === 0n) throw new GenesisError("chainId", "must be positive");
  const gasLimit = uint(raw.gasLimit, "gasLimit", { optional: DEFAULT_BLOCK_GAS_LIMIT, max: MAX_U64 });
  if (gasLimit < MIN_BLOCK_GAS_LIMIT) throw new GenesisError("gasLimit", `must be at least ${MIN_BLOCK_GAS_LIMIT}`);
  const blockTime = uint(raw.blockTime, "blockTime", { optional: 1n, max: 3600n });
  const baseFee = raw.baseFee ?? {};
  if (!isObject(baseFee)) throw new GenesisError("baseFee", "expected an object");
  const elasticity = uint(baseFee.elasticityMultiplier, "baseFee.elasticityMultiplier", { optional: 2n, max: 1000n });
  const denominator = uint(baseFee.changeDenominator, "baseFee.changeDenominator", { optional: 8n, max: 1000n });
  if (elasticity === 0n) throw new GenesisError("baseFee.elasticityMultiplier", "must be positive");
  if (denominator === 0n) throw new GenesisError("baseFee.changeDenominator", "must be positive");

  const alloc = new Map<string, GenesisAccount>();
  const rawAlloc = raw.alloc ?? {};
  if (!isObject(rawAlloc)) throw new GenesisError("alloc", "expected an object keyed by address");
  for (const [addr, acct] of Object.entries(rawAlloc)) {
    const field = `alloc.${addr}`;
    const address = bytes(addr.startsWith("0x") ? addr : `0x${addr}`, field, 20);
    if (!isObject(acct)) throw new GenesisError(field, "expected an object");
    const storage: Array<[Uint8Array, Uint8Array]> = [];
    const rawStorage = acct.storage ?? {};
    if (!isObject(rawStorage)) throw new GenesisError(`${field}.storage`, "expected an object");
    for (const [slot, value] of Object.entries(rawStorage)) {
      const key = uint(slot, `${field}.storage key`, { max: MAX_U256 });
      const val = uint(value, `${field}.storage.${slot}`, { max: MAX_U256 });
      storage.push([hexToBytes(`0x${key.toString(16).padStart(64, "0")}`), hexToBytes(`0x${val.toString(16).padStart(64, "0")}`)]);
    }
    alloc.set(bytesToHex(address), {
      balance: uint(acct.balance, `${field}.balance`, { optional: 0n, max: MAX_U256 }),
      nonce: uint(acct.nonce, `${field}.nonce`, { optional: 0n, max: MAX_U64 }),
      code: bytes(acct.code, `${field}.code`, undefined, true),
      storage,
    });
  }

  if (!Array.isArray(raw.validators) || raw.validators.length === 0)
    throw new GenesisError("validators", "expected a non-empty array");
  const seen = new Set<string>();
  const validators: GenesisValidator[] = raw.validators.map((v, i) => {
    const field = `validators[${i}]`;
    if (!isObject(v)) throw new GenesisError(field, "expected an object");
    const address = bytes(v.address, `${field}.address`, 20);
    const key = bytesToHex(address);
    if (seen.has(key)) throw new GenesisError(`${field}.address`, `duplicate validator ${key}`);
    seen.add(key);
    const stake = uint(v.stake, `${field}.stake`, { max: 10n ** 15n });
    if (stake === 0n) throw new GenesisError(`${field}.stake`, "must be positive");
    return { address, stake, signingKey: bytes(v.signingKey, `${field}.signingKey`, 32), vrfKey: bytes(v.vrfKey, `${field}.vrfKey`, 32) };
  });
  const totalStake = validators.reduce((s, v) => s + v.stake, 0n);
  const committeeSize = uint(raw.committeeSize, "committeeSize", { optional: totalStake, max: 10n ** 15n });
  if (committeeSize === 0n) throw new GenesisError("committeeSize", "must be positive");
  // Algorand's proposer committee: ~26 draws make a round without any proposer very unlikely.
  const proposerTau = uint(raw.proposerTau, "proposerTau", { optional: 26n, max: 10n ** 15n });
  if (proposerTau === 0n) throw new GenesisError("proposerTau", "must be positive");
  const initialBaseFee = uint(baseFee.initial, "baseFee.initial", { optional: 1_000_000_000n, max: MAX_U256 });
  const minBaseFee = uint(baseFee.min, "baseFee.min", { optional: 0n, max: MAX_U256 });
  if (minBaseFee > initialBaseFee) throw new GenesisError("baseFee.min", "must not exceed baseFee.initial");

  const staking = parseStaking(raw.staking, Number(blockTime), validators[0]!.address);
  if (staking.maxValidators < validators.length)
    throw new GenesisError("staking.maxValidators", `must be at least the number of genesis validators (${validators.length})`);

  const timestamp = uint(raw.timestamp, "timestamp", { optional: 0n, max: MAX_U64 });
  return {
    staking,
    vesting: parseVesting(raw.vesting, timestamp),
    params: {
      chainId,
      gasLimit,
      blockTimeSeconds: Number(blockTime),
      initialBaseFee,
      minBaseFee,
      elasticityMultiplier: elasticity,
      baseFeeChangeDenominator: denominator,
      committeeSize,
      proposerTau,
    },
    timestamp,
    extraData: bytes(raw.extraData, "extraData", undefined, true),
    alloc,
    validators,
  };
}

const STAKING_KEYS = [
  "epochLength", "maxValidators", "minSelfStake", "minDelegation", "unbondingEpochs", "jailEpochs", "downtimeGapFactor",
  "minDowntimeBlocks", "maxCommissionChangeBps", "slashFractionBps", "maxUnbondingEntries", "evidenceMaxAgeHeights",
  "evidenceMaxAgeSeconds", "initialBlockReward",
  "halvingInterval", "rewardStartHeight", "foundation", "foundationShareBps",
] as const;

/** The "staking" section: every key optional (defaultStakingParams), unknown keys refused. */
function parseStaking(v: Json | undefined, blockTime: number, firstValidator: Address20): StakingParams {
  const section = v ?? {};
  if (!isObject(section)) throw new GenesisError("staking", "expected an object");
  for (const key of Object.keys(section))
    if (!(STAKING_KEYS as readonly string[]).includes(key)) throw new GenesisError(`staking.${key}`, `unknown key (known: ${STAKING_KEYS.join(", ")})`);
  const foundation = section.foundation === undefined ? firstValidator : bytes(section.foundation, "staking.foundation", 20);
  const d = defaultStakingParams(blockTime, foundation);
  const n = (key: (typeof STAKING_KEYS)[number], dflt: bigint, max: bigint, min = 0n): bigint => {
    const value = uint(section[key], `staking.${key}`, { optional: dflt, max });
    if (value < min) throw new GenesisError(`staking.${key}`, `must be at least ${min}`);
    return value;
  };
  const bps = (key: (typeof STAKING_KEYS)[number], dflt: number): number => Number(n(key, BigInt(dflt), 10_000n));
  return {
    epochLength: n("epochLength", d.epochLength, MAX_U64, 2n),
    maxValidators: Number(n("maxValidators", BigInt(d.maxValidators), BigInt(MAX_ACTIVE_VALIDATORS), 1n)),
    minSelfStake: n("minSelfStake", d.minSelfStake, MAX_U256, 1n),
    minDelegation: n("minDelegation", d.minDelegation, MAX_U256, 1n),
    unbondingEpochs: n("unbondingEpochs", d.unbondingEpochs, MAX_U64),
    jailEpochs: n("jailEpochs", d.jailEpochs, MAX_U64),
    downtimeGapFactor: n("downtimeGapFactor", d.downtimeGapFactor, MAX_U64, 1n),
    minDowntimeBlocks: n("minDowntimeBlocks", d.minDowntimeBlocks, MAX_U64, 1n),
    maxCommissionChangeBps: bps("maxCommissionChangeBps", d.maxCommissionChangeBps),
    slashFractionBps: bps("slashFractionBps", d.slashFractionBps),
    maxUnbondingEntries: Number(n("maxUnbondingEntries", BigInt(d.maxUnbondingEntries), 1_000n, 1n)),
    evidenceMaxAgeHeights: n("evidenceMaxAgeHeights", d.evidenceMaxAgeHeights, MAX_U64, 1n),
    evidenceMaxAgeSeconds: n("evidenceMaxAgeSeconds", d.evidenceMaxAgeSeconds, MAX_U64, 1n),
    initialBlockReward: n("initialBlockReward", d.initialBlockReward, MAX_U256),
    halvingInterval: n("halvingInterval", d.halvingInterval, MAX_U64, 1n),
    rewardStartHeight: n("rewardStartHeight", d.rewardStartHeight, MAX_U64, 1n),
    foundation,
    foundationShareBps: bps("foundationShareBps", d.foundationShareBps),
  };
}

const VESTING_KEYS = ["beneficiary", "amount", "start", "cliff", "duration", "step", "initialUnlockBps"] as const;

/**
 * The "vesting" section: [{ beneficiary, amount (wei), start (unix seconds, default the genesis
 * timestamp), cliff, duration, step (seconds, default 0), initialUnlockBps (default 0) }]. The rules
 * contracts/Vesting.sol enforces are checked here too, so a bad file fails with the field named.
 */
function parseVesting(v: Json | undefined, genesisTimestamp: bigint): VestingAllocation[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new GenesisError("vesting", "expected an array");
  if (v.length > MAX_VESTING_ALLOCATIONS) throw new GenesisError("vesting", `at most ${MAX_VESTING_ALLOCATIONS} allocations`);
  const seen = new Set<string>();
  return v.map((entry, i) => {
    const field = `vesting[${i}]`;
    if (!isObject(entry)) throw new GenesisError(field, "expected an object");
    for (const key of Object.keys(entry))
      if (!(VESTING_KEYS as readonly string[]).includes(key)) throw new GenesisError(`${field}.${key}`, `unknown key (known: ${VESTING_KEYS.join(", ")})`);
    const beneficiary = bytes(entry.beneficiary, `${field}.beneficiary`, 20);
    if (beneficiary.every((b) => b === 0)) throw new GenesisError(`${field}.beneficiary`, "must not be the zero address");
    const key = bytesToHex(beneficiary);
    if (seen.has(key)) throw new GenesisError(`${field}.beneficiary`, `${key} has an allocation already (one schedule per beneficiary)`);
    seen.add(key);
    const total = uint(entry.amount, `${field}.amount`, { max: MAX_U256 / 10_000n });
    if (total === 0n) throw new GenesisError(`${field}.amount`, "must be positive");
    const start = uint(entry.start, `${field}.start`, { optional: genesisTimestamp, max: MAX_U64 / 2n });
    const cliff = uint(entry.cliff, `${field}.cliff`, { optional: 0n, max: MAX_U64 / 4n });
    const duration = uint(entry.duration, `${field}.duration`, { optional: 0n, max: MAX_U64 / 4n });
    const step = uint(entry.step, `${field}.step`, { optional: 0n, max: MAX_U64 / 4n });
    const initialBps = Number(uint(entry.initialUnlockBps, `${field}.initialUnlockBps`, { optional: 0n, max: 10_000n }));
    if (duration > 0n && cliff > duration) throw new GenesisError(`${field}.cliff`, "must not exceed the duration");
    if (step > 0n && (duration === 0n || step > duration)) throw new GenesisError(`${field}.step`, "must not exceed the duration (and needs one)");
    return { beneficiary, total, start, cliff, duration, step, initialBps };
  });
}

function vestingToJson(list: readonly VestingAllocation[]): Json[] {
  return list.map((a) => ({
    beneficiary: bytesToHex(a.beneficiary),
    amount: a.total.toString(),
    start: a.start.toString(),
    cliff: a.cliff.toString(),
    duration: a.duration.toString(),
    step: a.step.toString(),
    initialUnlockBps: a.initialBps,
  }));
}

function stakingToJson(p: StakingParams): JsonObject {
  return {
    epochLength: p.epochLength.toString(),
    maxValidators: p.maxValidators,
    minSelfStake: p.minSelfStake.toString(),
    minDelegation: p.minDelegation.toString(),
    unbondingEpochs: p.unbondingEpochs.toString(),
    jailEpochs: p.jailEpochs.toString(),
    downtimeGapFactor: p.downtimeGapFactor.toString(),
    minDowntimeBlocks: p.minDowntimeBlocks.toString(),
    maxCommissionChangeBps: p.maxCommissionChangeBps,
    slashFractionBps: p.slashFractionBps,
    maxUnbondingEntries: p.maxUnbondingEntries,
    evidenceMaxAgeHeights: p.evidenceMaxAgeHeights.toString(),
    evidenceMaxAgeSeconds: p.evidenceMaxAgeSeconds.toString(),
    initialBlockReward: p.initialBlockReward.toString(),
    halvingInterval: p.halvingInterval.toString(),
    rewardStartHeight: p.rewardStartHeight.toString(),
    foundation: bytesToHex(p.foundation),
    foundationShareBps: p.foundationShareBps,
  };
}

/** The JSON form of a genesis (what `verity init` writes and parseGenesis reads back). */
export function genesisToJson(g: Genesis): string {
  const alloc: JsonObject = {};
  for (const [addr, a] of g.alloc) {
    const acct: JsonObject = { balance: `0x${a.balance.toString(16)}` };
    if (a.nonce !== 0n) acct.nonce = `0x${a.nonce.toString(16)}`;
    if (a.code.length > 0) acct.code = bytesToHex(a.code);
    if (a.storage.length > 0) acct.storage = Object.fromEntries(a.storage.map(([k, v]) => [bytesToHex(k), bytesToHex(v)]));
    alloc[addr] = acct;
  }
  const json: JsonObject = {
    chainId: Number(g.params.chainId),
    timestamp: Number(g.timestamp),
    extraData: bytesToHex(g.extraData),
    gasLimit: g.params.gasLimit.toString(),
    blockTime: g.params.blockTimeSeconds,
    baseFee: {
      initial: g.params.initialBaseFee.toString(),
      min: g.params.minBaseFee.toString(),
      elasticityMultiplier: Number(g.params.elasticityMultiplier),
      changeDenominator: Number(g.params.baseFeeChangeDenominator),
    },
    committeeSize: g.params.committeeSize.toString(),
    proposerTau: g.params.proposerTau.toString(),
    alloc,
    staking: stakingToJson(g.staking),
    ...(g.vesting.length > 0 ? { vesting: vestingToJson(g.vesting) } : {}),
    validators: g.validators.map((v) => ({
      address: bytesToHex(v.address),
      stake: v.stake.toString(),
      signingKey: bytesToHex(v.signingKey),
      vrfKey: bytesToHex(v.vrfKey),
    })),
  };
  return JSON.stringify(json, null, 2) + "\n";
}
