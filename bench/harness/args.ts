// Command-line options of `npm run bench -- <scenario> [options]`.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEV_GAS_LIMIT_RANGE } from "../../src/cli/args.js";
import type { BenchOptions, Scenario } from "./scenario.js";

export function usage(scenarios: readonly Pick<Scenario, "name" | "summary">[]): string {
  return `npm run bench -- <scenario> [options]

Scenarios:
${scenarios.map((s) => `  ${s.name.padEnd(11)} ${s.summary}`).join("\n")}
  all         every scenario, in this order

Options:
  --quick                 small and fast (the CI smoke run; never asserts a speed)
  --runs R                repetitions per configuration (figures: median, min, max)
  --validators LIST       consensus: simulated N (default 4,16,64,256,1000); localnet: processes (default 1,4,7)
  --sampled-validators L  consensus: further N run with sampled committees only, where messages per
                          validator plateau (default 2000,4000; everyone voting would be O(N^2) there)
  --heights H             consensus: heights per simulator run (default by N)
  --block-txs LIST        consensus: synthetic block sizes in transfers (default 100,1000,4000)
  --txs N                 peers/localnet: transfers per saturation run (default 5000); execution: per run (10000);
                          memory: transfers, to txs/2 fresh accounts (40000)
  --erc20-txs N           peers: ERC-20 transfers per run, on a fresh node after each ETH session
                          (quick: on the ETH session's node; default 5000, quick 64; 0: none)
  --senders S             load senders (default 32; execution 200)
  --connections C         load connections, one request in flight each (default 32)
  --rate R                fixed-rate load, tx/s per connection (peers 8, localnet 16)
  --duration S            seconds of fixed-rate load (peers 10; localnet 60: a sending window, then at
                          most 60 s for inclusion, unsent and pending transfers counted)
  --peers LIST            peers: nodes to compare (default verity,anvil,hardhat,ganache; memory: verity,anvil)
  --block-times LIST      peers: 0 = automine/instamine, else seconds per block (default 0,1); memory: the first (1)
  --gas-limit N           peers: block gas limit of every node (default: each node's, 30000000 for all; at
                          1 s blocks that caps inclusion at 1,428 transfers/s, so a higher one shows the nodes' own bound)
  --profile               take CPU profiles (execution: always in full runs)
  --out DIR               results directory (default bench/results)
`;
}

function list(v: string | undefined, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  const out = v.split(",").map((x) => Number(x.trim()));
  if (out.length === 0 || out.some((x) => !Number.isFinite(x) || x < 0)) throw new Error(`--${name}: expected a comma-separated list of numbers, got "${v}"`);
  return out;
}

function num(v: string | undefined, name: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: expected a number ≥ ${min}, got "${v}"`);
  return n;
}

/** The range `verity start --dev.gaslimit` takes, which the other nodes take too. */
function gasLimitOf(v: string): bigint {
  const [lo, hi] = DEV_GAS_LIMIT_RANGE;
  if (!/^[0-9]+$/.test(v) || Number(v) < lo || Number(v) > hi) throw new Error(`--gas-limit: expected ${lo}..${hi}, got "${v}"`);
  return BigInt(v);
}

export function parseBenchArgs(argv: readonly string[], scenarios: readonly string[], defaultOutDir: string): { scenario: string; options: BenchOptions } | { help: true } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      runs: { type: "string" },
      validators: { type: "string" },
      n: { type: "string" },
      "sampled-validators": { type: "string" },
      heights: { type: "string" },
      "block-txs": { type: "string" },
      txs: { type: "string" },
      "erc20-txs": { type: "string" },
      senders: { type: "string" },
      connections: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      peers: { type: "string" },
      "block-times": { type: "string" },
      "gas-limit": { type: "string" },
      profile: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || positionals.length === 0) return { help: true };
  if (positionals.length > 1) throw new Error(`one scenario at a time (or "all"), got: ${positionals.join(" ")}`);
  const scenario = positionals[0]!;
  if (scenario !== "all" && !scenarios.includes(scenario)) throw new Error(`unknown scenario "${scenario}" (one of ${[...scenarios, "all"].join(", ")})`);
  const opt = <T>(v: T | undefined) => (v === undefined ? {} : v);
  const validators = list(values.validators ?? values.n, "validators");
  const options: BenchOptions = {
    quick: values.quick,
    profile: values.profile,
    outDir: resolve(values.out ?? defaultOutDir),
    ...opt(values.runs !== undefined ? { runs: num(values.runs, "runs")! } : undefined),
    ...opt(validators !== undefined ? { validators } : undefined),
    ...opt(values["sampled-validators"] !== undefined ? { sampledValidators: list(values["sampled-validators"], "sampled-validators")! } : undefined),
    ...opt(values.heights !== undefined ? { heights: num(values.heights, "heights")! } : undefined),
    ...opt(values["block-txs"] !== undefined ? { blockTxs: list(values["block-txs"], "block-txs")! } : undefined),
    ...opt(values.txs !== undefined ? { txs: num(values.txs, "txs")! } : undefined),
    ...opt(values["erc20-txs"] !== undefined ? { erc20Txs: num(values["erc20-txs"], "erc20-txs", 0)! } : undefined),
    ...opt(values.senders !== undefined ? { senders: num(values.senders, "senders")! } : undefined),
    ...opt(values.connections !== undefined ? { connections: num(values.connections, "connections")! } : undefined),
    ...opt(values.rate !== undefined ? { rate: num(values.rate, "rate", 0.001)! } : undefined),
    ...opt(values.duration !== undefined ? { duration: num(values.duration, "duration", 0.1)! } : undefined),
    ...opt(values.peers !== undefined ? { peers: values.peers.split(",").map((s) => s.trim()) } : undefined),
    ...opt(values["block-times"] !== undefined ? { blockTimes: list(values["block-times"], "block-times")! } : undefined),
    ...opt(values["gas-limit"] !== undefined ? { gasLimit: gasLimitOf(values["gas-limit"]) } : undefined),
  };
  return { scenario, options };
}

