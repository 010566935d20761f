// `verity dumpconfig`: the settings `verity start` would run with, as a TOML config file (as geth's
// dumpconfig prints its own), so an operator can start from it and see what the layers made of it.
// Feeding the output back as --config gives the same settings (a test checks that for every key).
import { stringify } from "smol-toml";
import type { StartArgs } from "./args.js";

/** Wei as decimal ether, exactly ("0.5", "1"). */
function weiToEther(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const frac = (wei % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return frac === "" ? whole.toString() : `${whole}.${frac}`;
}

/** TOML integers are 64-bit, but a chain id past 2^53 would lose digits as a JS number: a string then. */
const int = (n: bigint): number | string => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());

export function startArgsToToml(a: StartArgs): string {
  const unset: string[] = [];
  const opt = <T>(key: string, v: T | undefined): T | undefined => {
    if (v === undefined) unset.push(key);
    return v;
  };
  const table = {
    datadir: a.datadir,
    // A quoted key: datadir is a string, so it cannot also be a table.
    "datadir.minfreedisk": a.minFreeDiskMB,
    genesis: opt("genesis", a.genesisFile),
    "chain-id": opt("chain-id", a.chainId !== undefined ? int(a.chainId) : undefined),
    "block-time": opt("block-time", a.blockTime),
    "sender-recovery-threads": opt("sender-recovery-threads", a.senderRecoveryThreads),
    "log-level": a.logLevel,
    log: { format: a.logFormat },
    "password-file": opt("password-file", a.passwordFile),
    http: { addr: a.httpAddr, port: a.httpPort, corsdomain: a.corsDomains, vhosts: a.vhosts, api: opt("http.api", a.httpApis) },
    status: a.statusPage,
    ws: a.ws ? { enabled: true, addr: a.ws.host, port: a.ws.port, api: opt("ws.api", a.ws.apis) } : { enabled: false },
    rpc: { gascap: opt("rpc.gascap", a.rpcGasCap !== undefined ? int(a.rpcGasCap) : undefined), txfeecap: opt("rpc.txfeecap", a.rpcTxFeeCap !== undefined ? weiToEther(a.rpcTxFeeCap) : undefined) },
    metrics: a.metrics ? { enabled: true, addr: a.metrics.host, port: a.metrics.port } : { enabled: false },
    ...(a.p2p ? { p2p: { port: a.p2p.port, addr: a.p2p.host }, bootnodes: a.p2p.bootnodes, maxpeers: a.p2p.maxPeers } : {}),
    dev: { accounts: a.devAccounts, gaslimit: opt("dev.gaslimit", a.devGasLimit !== undefined ? int(a.devGasLimit) : undefined) },
    // Only the limits set: the others follow the pool's defaults (chain/txpool/limits.ts).
    txpool: {
      globalslots: a.txpool.globalSlots,
      globalqueue: a.txpool.globalQueue,
      accountslots: a.txpool.accountSlots,
      accountqueue: a.txpool.accountQueue,
      pricelimit: a.txpool.priceLimit?.toString(),
      pricebump: a.txpool.priceBump !== undefined ? int(a.txpool.priceBump) : undefined,
    },
  };
  if (!a.p2p) unset.push("p2p.port (no networking)");
  const header = "# verity dumpconfig: the effective settings of 'verity start' (flags > VERITY_* > --config file > defaults)\n";
  const footer = unset.length > 0 ? `\n# not set (their defaults depend on the genesis or mean "off"): ${unset.join(", ")}\n` : "";
  return header + stringify(dropUndefined(table)) + footer;
}

function dropUndefined(t: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined) continue;
    if (v === null || typeof v !== "object" || Array.isArray(v)) out[k] = v;
    else {
      const inner = dropUndefined(v as Record<string, unknown>);
      if (Object.keys(inner).length > 0) out[k] = inner;
    }
  }
  return out;
}
