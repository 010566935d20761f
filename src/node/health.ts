// The node's answer to /health and /ready (metrics/health.ts): live while it serves; ready when it
// is synced (no block sync under way), has peers when it is networked, and takes part in consensus
// when it holds validator keys (at least one of them is in the validator set of the next height).
import { bytesToHex } from "@ethereumjs/util";
import type { Chain } from "../chain/chain.js";
import type { ValidatorSet } from "../consensus/types.js";
import type { HealthSource, ReadinessReport } from "../metrics/index.js";
import type { SyncStatusView } from "../sync/block-sync.js";

export interface HealthInputs {
  chain: Pick<Chain, "head">;
  /** Connected peers; null when the node runs no networking. */
  peers: () => number | null;
  syncing: () => SyncStatusView | null;
  /** Addresses of the validator keys this node runs. */
  validators: readonly Uint8Array[];
  /** The validator set of a height. */
  setFor: (height: number) => Promise<ValidatorSet>;
  now?: () => number;
}

export function nodeHealth(i: HealthInputs): HealthSource {
  const now = i.now ?? Date.now;
  const started = now();
  return {
    health: () => ({ status: "ok", uptimeSeconds: Math.floor((now() - started) / 1000) }),
    async ready(): Promise<ReadinessReport> {
      const head = i.chain.head;
      const reasons: ReadinessReport["reasons"] = [];
      const sync = i.syncing();
      if (sync !== null) {
        reasons.push({ code: "not-synced", message: `not synced: at block ${head.header.number}, peers are at ${sync.highestBlock}` });
      }
      const peers = i.peers();
      if (peers === 0) reasons.push({ code: "no-peers", message: "no peers: the node is networked but connected to none" });
      const next = Number(head.header.number) + 1;
      const set = await i.setFor(next);
      const active = i.validators.filter((a) => set.get(a) !== undefined).length;
      if (i.validators.length > 0 && active === 0) {
        reasons.push({
          code: "not-participating",
          message: `not participating: none of this node's ${i.validators.length} validator key(s) is in the validator set of height ${next}`,
        });
      }
      return {
        status: reasons.length === 0 ? "ready" : "not ready",
        reasons,
        head: { number: `${head.header.number}`, hash: bytesToHex(head.hash), timestamp: `${head.header.timestamp}` },
        peers,
        syncing: sync === null ? false : { startingBlock: `${sync.startingBlock}`, currentBlock: `${sync.currentBlock}`, highestBlock: `${sync.highestBlock}` },
        validators: { held: i.validators.length, active, setSize: set.size },
      };
    },
  };
}
