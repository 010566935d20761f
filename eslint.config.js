// Lint: the recommended JS and typescript-eslint rules, the project's one hard rule for public
// code (no `any`), and the architecture's import rules.
//
// Rooms are the folders of src/. Each room may import only the rooms listed for it below;
// every other room is forbidden. The import rules apply to src/ only: test/ and bench/ assemble
// real parts and may import anything.
//
//   room         may import (rooms)                 notes
//   primitives   util                               libraries: only @ethereumjs/{rlp,tx,util,common,mpt}, @noble/*, hash-wasm, micro-eth-signer's RLP
//   util         -                                  the only room that may import pino (the logger)
//   consensus    -                                  pure: no IO modules, no @ethereumjs/*, no libp2p; @noble/*, node:crypto, sodium-native are fine
//   metrics      util                               the only room that may import prom-client (Metrics is passed down)
//   evm          primitives, util                   the only room that may import @ethereumjs/{vm,evm,statemanager,block}
//   storage      primitives, util                   the only room that may import classic-level (abstract-level, level)
//   chain        primitives, util, evm, storage, metrics
//   staking      primitives, util, evm, consensus   the staking ledger's rules: system calls, rewards, epochs
//   p2p          primitives, util
//   rpc          primitives, util, evm, chain,      never classic-level (global rule)
//                metrics
//   sync         primitives, util, p2p, chain
//   keystore     primitives, util, chain            encrypted key files (Web3 Secret Storage v3)
//   node         every room except cli              the composition root
//   cli          every room
//
// The checks use ESLint's built-in no-restricted-imports (it sees `import`, `import type`,
// `export ... from`, `export * from` and `import x = require()`; not dynamic `import()`).
// Relative specifiers are matched by regex: `(^|/)../<room>(/|$)` catches `../room/x.js`,
// `../../room/x.js` and `../a/../room/x.js` alike, and never matches a package name.
//
// In flat config a later block's options for a rule replace an earlier block's for the same
// file, so every room's block carries the global package bans too (see restrictImports below).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const ROOMS = ["primitives", "util", "consensus", "metrics", "evm", "storage", "chain", "staking", "p2p", "rpc", "sync", "keystore", "node", "cli"];
const ALL = ROOMS;

/** room -> the rooms it may import (itself is always allowed). */
const MAY_IMPORT = {
  primitives: ["util"],
  util: [],
  consensus: [],
  metrics: ["util"],
  evm: ["primitives", "util"],
  storage: ["primitives", "util"],
  chain: ["primitives", "util", "evm", "storage", "metrics"],
  staking: ["primitives", "util", "evm", "consensus"],
  p2p: ["primitives", "util"],
  rpc: ["primitives", "util", "evm", "chain", "metrics"],
  sync: ["primitives", "util", "p2p", "chain"],
  keystore: ["primitives", "util", "chain"],
  node: ROOMS.filter((r) => r !== "cli"),
  cli: ALL,
};

/** Why a room is restricted: the second half of each message. */
const WHY = {
  primitives: "primitives/ is the lowest room: it may import only util/ and libraries",
  util: "util/ holds neutral helpers: it imports no room",
  consensus: "consensus/ is pure: it imports nothing of the node",
  metrics: "metrics/ may import only util/ and libraries: the rooms that report receive a Metrics object",
  evm: "evm/ may import only primitives/ and util/",
  storage: "storage/ may import only primitives/ and util/",
  chain: "chain/ may import only primitives/, util/, evm/, storage/ and metrics/",
  staking: "staking/ may import only primitives/, util/, evm/ and consensus/",
  p2p: "p2p/ may import only primitives/, util/ and libraries",
  rpc: "rpc/ may import only primitives/, util/, evm/, chain/ and metrics/; it reaches the node through rpc/backend/port.ts",
  sync: "sync/ may import only p2p/, primitives/, util/ and chain/",
  keystore: "keystore/ may import only primitives/, util/ and chain/",
  node: "node/ is the composition root: it may import every room but cli/",
  cli: "",
};

const SEE = "(see docs/architecture.md)";
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
/** A pattern for a package and its subpaths: `name` and `name/...`. */
const pkg = (name) => `^${esc(name)}(/|$)`;

/** Packages only one room may import: room -> packages. */
const OWNED_PACKAGES = {
  evm: ["@ethereumjs/vm", "@ethereumjs/evm", "@ethereumjs/statemanager", "@ethereumjs/block"],
  storage: ["classic-level", "abstract-level", "level"],
  metrics: ["prom-client"],
  util: ["pino", "pino-pretty"],
};

/** Modules consensus/ may not use: IO and the node's libraries. */
const IO_MODULES = ["fs", "net", "dgram", "http", "https", "http2", "tls", "dns", "child_process", "timers", "worker_threads", "cluster"];
const CONSENSUS_PACKAGE_PATTERNS = [
  { regex: `^(node:)?(${IO_MODULES.join("|")})(/|$)`, what: "IO modules" },
  { regex: "^(classic-level|abstract-level|level)(/|$)", what: "storage libraries" },
  { regex: "^(libp2p|@libp2p/|@chainsafe/libp2p|@multiformats/)", what: "libp2p" },
  { regex: "^@ethereumjs/", what: "@ethereumjs/*" },
];

/** Libraries primitives/ may use; any other bare specifier is refused there. */
const PRIMITIVES_LIBRARIES = "^(?![./]|@ethereumjs/(rlp|tx|util|common|mpt)(/|$)|@noble/|hash-wasm$|micro-eth-signer/core/rlp\\.js$)";

/**
 * The no-restricted-imports options for a file in `room` (undefined: outside every room, e.g. a
 * file directly under src/): its forbidden rooms, plus the packages other rooms own.
 */
function restrictImports(room) {
  const patterns = [];
  if (room) {
    const allowed = new Set([room, ...MAY_IMPORT[room]]);
    for (const other of ROOMS.filter((r) => !allowed.has(r))) {
      patterns.push({
        regex: `(^|/)\\.\\./${other}(/|$)`,
        caseSensitive: true,
        message: `${WHY[room]}, not ${other}/ ${SEE}.`,
      });
    }
  }
  for (const [owner, names] of Object.entries(OWNED_PACKAGES)) {
    if (owner === room) continue;
    for (const name of names) {
      patterns.push({
        regex: pkg(name),
        caseSensitive: true,
        message: `Only ${owner}/ may import ${name}: go through ${owner}/'s own API ${SEE}.`,
      });
    }
  }
  if (room === "consensus") {
    for (const { regex, what } of CONSENSUS_PACKAGE_PATTERNS) {
      patterns.push({ regex, caseSensitive: true, message: `${WHY.consensus}: no ${what} (@noble/* and node:crypto are fine) ${SEE}.` });
    }
  }
  if (room === "primitives") {
    patterns.push({
      regex: PRIMITIVES_LIBRARIES,
      caseSensitive: true,
      message: `${WHY.primitives}: @ethereumjs/{rlp,tx,util,common,mpt}, @noble/*, hash-wasm and micro-eth-signer/core/rlp.js ${SEE}.`,
    });
  }
  return ["error", { patterns }];
}

const importRules = [
  // Files under src/ outside any room still get the global package bans.
  { files: ["src/**/*.ts"], rules: { "no-restricted-imports": restrictImports(undefined) } },
  ...ROOMS.map((room) => ({
    files: [`src/${room}/**/*.ts`],
    rules: { "no-restricted-imports": restrictImports(room) },
  })),
];

export default tseslint.config(
  { ignores: ["node_modules/**", "bench/results/**", "dist/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  ...importRules,
  // The status page's module runs in the browser (src/rpc/status-page.ts serves it).
  {
    files: ["src/rpc/status-page/**/*.js"],
    languageOptions: {
      globals: { window: "readonly", document: "readonly", location: "readonly", WebSocket: "readonly", setTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly" },
    },
  },
);
