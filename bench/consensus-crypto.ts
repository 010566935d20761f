// Throughput of the consensus cryptography on one core: VRF prove/verify (the node's libsodium
// path, vrf-sodium.ts, beside the pure-JS reference, vrf.ts), sortition at typical parameters, and
// node:crypto (OpenSSL) Ed25519 for comparison. Run: npx tsx bench/consensus-crypto.ts
// Each figure is the median of REPETITIONS timed runs of about RUN_MS each; the whole run takes ~20 s.
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { sha512 } from "@noble/hashes/sha2.js";
import { committeeFailureProbabilities, formatCommitteeRisk } from "../src/consensus/committee-risk.js";
import { sortition } from "../src/consensus/sortition.js";
import * as reference from "../src/consensus/vrf.js";
import * as sodium from "../src/consensus/vrf-sodium.js";

const { vrfPublicKey } = reference;

const REPETITIONS = 5;
const RUN_MS = 250;

/** Median operations per second of `op(i)` over REPETITIONS runs (after one warm-up run). */
function opsPerSecond(op: (i: number) => void): number {
  const rates: number[] = [];
  let counter = 0;
  for (let rep = 0; rep <= REPETITIONS; rep++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < RUN_MS) {
      op(counter++);
      n++;
      elapsed = performance.now() - start;
    }
    if (rep > 0) rates.push((n * 1000) / elapsed); // rep 0 warms up the JIT
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}

function report(name: string, rate: number, extra = ""): void {
  console.log(`${name.padEnd(48)} ${Math.round(rate).toLocaleString("en-US").padStart(10)} /s${extra}`);
}

const encoder = new TextEncoder();
const secretKeys = Array.from({ length: 16 }, (_, i) => sha512(encoder.encode(`bench-key-${i}`)).slice(0, 32));
const publicKeys = secretKeys.map(vrfPublicKey);
const messages = Array.from({ length: 64 }, (_, i) => encoder.encode(`bench message ${i}`));
const proofs = messages.map((m, i) => reference.vrfProve(secretKeys[i % secretKeys.length] as Uint8Array, m));
const betas = Array.from({ length: 1024 }, (_, i) => sha512(encoder.encode(`bench beta ${i}`)));

console.log(`consensus crypto on node ${process.version}, median of ${REPETITIONS} x ${RUN_MS} ms\n`);

const vrfRates: Record<string, { prove: number; verify: number }> = {};
for (const [name, impl] of [["libsodium (node)", sodium], ["noble, pure JS (reference)", reference]] as const) {
  const prove = opsPerSecond((i) => {
    impl.vrfProve(secretKeys[i % secretKeys.length] as Uint8Array, messages[i % messages.length] as Uint8Array);
  });
  report(`VRF prove, ${name}`, prove);
  const verify = opsPerSecond((i) => {
    const k = i % messages.length;
    if (impl.vrfVerify(publicKeys[k % publicKeys.length] as Uint8Array, messages[k] as Uint8Array, proofs[k] as Uint8Array) === null) {
      throw new Error("bench proof did not verify");
    }
  });
  report(`VRF verify (16 keys), ${name}`, verify);
  vrfRates[name] = { prove, verify };
}
const [fast, slow] = [vrfRates["libsodium (node)"]!, vrfRates["noble, pure JS (reference)"]!];
console.log(`libsodium / noble: prove ${(fast.prove / slow.prove).toFixed(1)}x, verify ${(fast.verify / slow.verify).toFixed(1)}x\n`);

const W = 1_000_000_000n;
for (const tau of [1_000n, 10_000n]) {
  for (const w of [1_000n, 100_000n, 10_000_000n, 100_000_000n]) {
    let votes = 0n;
    let calls = 0;
    const rate = opsPerSecond((i) => {
      votes += sortition(betas[i % betas.length] as Uint8Array, w, W, tau);
      calls++;
    });
    const meanJ = Number(votes) / calls;
    report(`sortition W=1e9 tau=${tau} w=${w.toLocaleString("en-US")}`, rate, `   (mean j ${meanJ.toFixed(2)})`);
  }
}

const ed = generateKeyPairSync("ed25519");
const edMessage = encoder.encode("a vote-sized message of about sixty-four bytes for the comparison");
const edSignature = sign(null, edMessage, ed.privateKey);
report("node:crypto ed25519 sign", opsPerSecond(() => {
  sign(null, edMessage, ed.privateKey);
}));
report("node:crypto ed25519 verify", opsPerSecond(() => {
  if (!verify(null, edMessage, ed.publicKey, edSignature)) throw new Error("bench signature did not verify");
}));

console.log("");
for (const [tau, h] of [[1_000n, 0.2], [2_000n, 0.25], [10_000n, 0.2]] as const) {
  const input = { W, tau, byzantineFraction: h };
  console.log(formatCommitteeRisk(input, committeeFailureProbabilities(input)));
}
