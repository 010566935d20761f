// The architecture's import rules (eslint.config.js) bite: one deliberately wrong import per rule
// is reported by no-restricted-imports with the rule's message, and the allowed imports are not.
// Probes are linted as text under paths that need not exist; the config applies by path alone.
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** The no-restricted-imports messages for `code` linted as `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  expect(await eslint.isPathIgnored(filePath), `${filePath} is ignored by eslint`).toBe(false);
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, "probe does not parse").toEqual([]);
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const use = (spec: string) => `import { x } from "${spec}";\nexport const y = x;\n`;

// [probe file, code, a part of the expected message]
const forbidden: [string, string, string][] = [
  // consensus/ imports nothing of the node, and no IO.
  ["src/consensus/__probe__.ts", use("../node/x.js"), "consensus/ is pure: it imports nothing of the node, not node/"],
  ["src/consensus/__probe__.ts", use("../primitives/types.js"), "consensus/ is pure: it imports nothing of the node, not primitives/"],
  ["src/consensus/__probe__.ts", use("../util/logger.js"), "not util/"],
  ["src/consensus/sim/__probe__.ts", use("../../primitives/types.js"), "consensus/ is pure: it imports nothing of the node, not primitives/"],
  ["src/consensus/__probe__.ts", use("classic-level"), "Only storage/ may import classic-level"],
  ["src/consensus/__probe__.ts", use("classic-level"), "consensus/ is pure: it imports nothing of the node: no storage libraries"],
  ["src/consensus/__probe__.ts", use("node:fs"), "no IO modules"],
  ["src/consensus/__probe__.ts", use("fs/promises"), "no IO modules"],
  ["src/consensus/__probe__.ts", use("node:net"), "no IO modules"],
  ["src/consensus/__probe__.ts", use("node:timers/promises"), "no IO modules"],
  ["src/consensus/__probe__.ts", use("libp2p"), "no libp2p"],
  ["src/consensus/__probe__.ts", use("@libp2p/interface"), "no libp2p"],
  ["src/consensus/__probe__.ts", use("@ethereumjs/rlp"), "no @ethereumjs/*"],
  // primitives/ is the lowest room.
  ["src/primitives/__probe__.ts", use("../chain/chain.js"), "primitives/ is the lowest room: it may import only util/ and libraries, not chain/"],
  ["src/primitives/__probe__.ts", use("../evm/executor.js"), "not evm/"],
  ["src/primitives/__probe__.ts", use("fastify"), "primitives/ is the lowest room: it may import only util/ and libraries: @ethereumjs/{rlp,tx,util,common,mpt}, @noble/*, hash-wasm and micro-eth-signer/core/rlp.js"],
  ["src/primitives/__probe__.ts", use("micro-eth-signer/kzg.js"), "primitives/ is the lowest room: it may import only util/ and libraries"],
  // util/ imports no room.
  ["src/util/__probe__.ts", use("../primitives/types.js"), "util/ holds neutral helpers: it imports no room, not primitives/"],
  // rpc/ never reaches storage, consensus, node, p2p, sync.
  ["src/rpc/__probe__.ts", use("../storage/keys.js"), "rpc/ may import only primitives/, util/, evm/, chain/ and metrics/; it reaches the node through rpc/backend/port.ts, not storage/"],
  ["src/rpc/__probe__.ts", use("../consensus/engine.js"), "not consensus/"],
  ["src/rpc/backend/__probe__.ts", use("../../storage/chain-store.js"), "rpc/ may import only primitives/, util/, evm/, chain/ and metrics/; it reaches the node through rpc/backend/port.ts, not storage/"],
  ["src/rpc/methods/__probe__.ts", use("../../node/node.js"), "not node/"],
  ["src/rpc/__probe__.ts", use("../p2p/index.js"), "not p2p/"],
  ["src/rpc/__probe__.ts", use("../sync/block-sync.js"), "not sync/"],
  // p2p/
  ["src/p2p/__probe__.ts", use("../chain/chain.js"), "p2p/ may import only primitives/, util/ and libraries, not chain/"],
  ["src/p2p/__probe__.ts", use("../consensus/codec.js"), "not consensus/"],
  // keystore/ and the logger's library
  ["src/keystore/__probe__.ts", use("../node/node.js"), "keystore/ may import only primitives/, util/ and chain/, not node/"],
  ["src/keystore/__probe__.ts", use("../storage/keys.js"), "not storage/"],
  ["src/rpc/__probe__.ts", use("pino"), "Only util/ may import pino"],
  // staking/
  ["src/staking/__probe__.ts", use("../chain/chain.js"), "staking/ may import only primitives/, util/, evm/ and consensus/, not chain/"],
  ["src/staking/__probe__.ts", use("../node/node.js"), "not node/"],
  ["src/staking/__probe__.ts", use("@ethereumjs/vm"), "Only evm/ may import @ethereumjs/vm"],
  ["src/consensus/__probe__.ts", use("../staking/rewards.js"), "consensus/ is pure: it imports nothing of the node"],
  ["src/chain/__probe__.ts", use("../staking/rewards.js"), "not staking/"],
  // chain/ (and chain/txpool/)
  ["src/chain/__probe__.ts", use("../consensus/roles.js"), "chain/ may import only primitives/, util/, evm/, storage/ and metrics/, not consensus/"],
  ["src/chain/__probe__.ts", use("../rpc/backend/port.js"), "not rpc/"],
  ["src/chain/txpool/__probe__.ts", use("../../consensus/roles.js"), "chain/ may import only primitives/, util/, evm/, storage/ and metrics/, not consensus/"],
  ["src/chain/txpool/__probe__.ts", use("../../node/node.js"), "not node/"],
  // evm/
  ["src/evm/__probe__.ts", use("../rpc/format.js"), "evm/ may import only primitives/ and util/, not rpc/"],
  ["src/evm/__probe__.ts", use("../storage/state-db.js"), "not storage/"],
  // storage/
  ["src/storage/__probe__.ts", use("../chain/chain.js"), "storage/ may import only primitives/ and util/, not chain/"],
  // sync/
  ["src/sync/__probe__.ts", use("../node/node.js"), "sync/ may import only p2p/, primitives/, util/ and chain/, not node/"],
  // node/ may import every room but cli/
  ["src/node/consensus/__probe__.ts", use("../../cli/args.js"), "node/ is the composition root: it may import every room but cli/, not cli/"],
  // Packages one room owns, from everywhere else in src/.
  ["src/chain/__probe__.ts", use("@ethereumjs/vm"), "Only evm/ may import @ethereumjs/vm"],
  ["src/rpc/backend/__probe__.ts", use("@ethereumjs/evm"), "Only evm/ may import @ethereumjs/evm"],
  ["src/node/__probe__.ts", use("@ethereumjs/statemanager"), "Only evm/ may import @ethereumjs/statemanager"],
  ["src/cli/__probe__.ts", use("@ethereumjs/vm/dist/esm/index.js"), "Only evm/ may import @ethereumjs/vm"],
  ["src/storage/__probe__.ts", use("@ethereumjs/block"), "Only evm/ may import @ethereumjs/block"],
  ["src/__probe__.ts", use("@ethereumjs/statemanager"), "Only evm/ may import @ethereumjs/statemanager"],
  ["src/rpc/__probe__.ts", use("classic-level"), "Only storage/ may import classic-level"],
  ["src/node/__probe__.ts", use("classic-level"), "Only storage/ may import classic-level"],
  ["src/evm/__probe__.ts", use("classic-level"), "Only storage/ may import classic-level"],
  ["src/cli/__probe__.ts", use("classic-level"), "Only storage/ may import classic-level"],
  // metrics/ owns prom-client; the rooms that report get a Metrics object, pure rooms get none.
  ["src/chain/__probe__.ts", use("prom-client"), "Only metrics/ may import prom-client"],
  ["src/rpc/__probe__.ts", use("prom-client"), "Only metrics/ may import prom-client"],
  ["src/node/__probe__.ts", use("prom-client"), "Only metrics/ may import prom-client"],
  ["src/p2p/__probe__.ts", use("prom-client"), "Only metrics/ may import prom-client"],
  ["src/metrics/__probe__.ts", use("../chain/chain.js"), "metrics/ may import only util/ and libraries: the rooms that report receive a Metrics object, not chain/"],
  ["src/metrics/__probe__.ts", use("../node/node.js"), "not node/"],
  ["src/consensus/__probe__.ts", use("../metrics/index.js"), "consensus/ is pure: it imports nothing of the node, not metrics/"],
  ["src/evm/__probe__.ts", use("../metrics/index.js"), "evm/ may import only primitives/ and util/, not metrics/"],
  ["src/primitives/__probe__.ts", use("../metrics/index.js"), "not metrics/"],
  ["src/storage/__probe__.ts", use("../metrics/index.js"), "not metrics/"],
  // Every kind of import declaration counts.
  ["src/rpc/__probe__.ts", `import type { X } from "../storage/keys.js";\nexport type Y = X;\n`, "not storage/"],
  ["src/consensus/__probe__.ts", `import { type X } from "../primitives/types.js";\nexport type Y = X;\n`, "not primitives/"],
  ["src/p2p/__probe__.ts", `export { decode } from "../chain/chain.js";\n`, "not chain/"],
  ["src/p2p/__probe__.ts", `export type { Chain } from "../chain/chain.js";\n`, "not chain/"],
  ["src/evm/__probe__.ts", `export * from "../rpc/format.js";\n`, "not rpc/"],
  ["src/sync/__probe__.ts", `import "../node/node.js";\n`, "not node/"],
  ["src/chain/__probe__.ts", `import chain = require("../consensus/roles.js");\nexport const c = chain;\n`, "not consensus/"],
  ["src/rpc/__probe__.ts", use("../chain/../storage/keys.js"), "not storage/"],
];

const allowed: [string, string][] = [
  ["src/rpc/__probe__.ts", use("../evm/types.js")],
  ["src/rpc/backend/__probe__.ts", use("../../chain/chain.js")],
  ["src/rpc/methods/__probe__.ts", use("../backend/port.js")],
  ["src/chain/__probe__.ts", use("../evm/executor.js")],
  ["src/chain/txpool/__probe__.ts", use("../../storage/chain-store.js")],
  ["src/chain/__probe__.ts", use("@ethereumjs/tx")],
  ["src/evm/__probe__.ts", use("../primitives/hash.js")],
  ["src/evm/__probe__.ts", use("@ethereumjs/vm")],
  ["src/evm/__probe__.ts", use("@ethereumjs/statemanager")],
  ["src/storage/__probe__.ts", use("classic-level")],
  ["src/primitives/__probe__.ts", use("../util/json.js")],
  ["src/primitives/__probe__.ts", use("@ethereumjs/mpt")],
  ["src/primitives/__probe__.ts", use("@noble/hashes/sha3.js")],
  ["src/primitives/__probe__.ts", use("hash-wasm")],
  ["src/primitives/__probe__.ts", use("micro-eth-signer/core/rlp.js")],
  ["src/consensus/__probe__.ts", use("./engine.js")],
  ["src/consensus/sim/__probe__.ts", use("../engine.js")],
  ["src/consensus/__probe__.ts", use("node:crypto")],
  ["src/consensus/__probe__.ts", use("@noble/curves/ed25519.js")],
  ["src/p2p/__probe__.ts", use("@libp2p/interface")],
  ["src/sync/__probe__.ts", use("../p2p/index.js")],
  ["src/sync/__probe__.ts", use("../chain/chain.js")],
  ["src/staking/__probe__.ts", use("../consensus/crypto.js")],
  ["src/staking/__probe__.ts", use("../evm/system-call.js")],
  ...["storage", "consensus", "metrics", "rpc", "p2p", "sync", "chain", "evm", "primitives", "util"].map(
    (room): [string, string] => ["src/node/__probe__.ts", use(`../${room}/x.js`)],
  ),
  ["src/node/consensus/__probe__.ts", use("../../consensus/engine.js")],
  ["src/cli/__probe__.ts", use("../node/node.js")],
  ["src/metrics/__probe__.ts", use("prom-client")],
  ["src/util/__probe__.ts", use("pino")],
  ["src/keystore/__probe__.ts", use("../chain/validator-keys.js")],
  ["src/cli/__probe__.ts", use("../keystore/key-files.js")],
  ["src/metrics/__probe__.ts", use("../util/logger.js")],
  ["src/chain/txpool/__probe__.ts", use("../../metrics/index.js")],
  ["src/rpc/__probe__.ts", use("../metrics/index.js")],
  ["src/node/__probe__.ts", use("../metrics/index.js")],
  // Tests and benchmarks assemble real parts: no rule applies there.
  ["test/__probe__.test.ts", use("../src/storage/chain-store.js")],
  ["test/__probe__.test.ts", use("@ethereumjs/vm")],
  ["bench/__probe__.ts", use("classic-level")],
];

describe("architecture import rules", () => {
  it.each(forbidden)("%s: %j is refused", async (filePath, code, message) => {
    const messages = await restricted(filePath, code);
    expect(messages.some((m) => m.includes(message)), `expected "${message}" among:\n${messages.join("\n")}`).toBe(true);
  });

  it.each(allowed)("%s: %j is allowed", async (filePath, code) => {
    expect(await restricted(filePath, code)).toEqual([]);
  });
});
