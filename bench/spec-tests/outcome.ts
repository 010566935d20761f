// What running one spec-test case gives, and the tally of a run. A skip always carries its reason
// (one of SKIP below): nothing is skipped silently, and each reason is counted on its own.

/** Why a case does not run on verity, each a deliberate property of the chain (docs/execution.md,
 * "Spec tests"), never a failure that was hard to fix. */
export const SKIP = {
  blobTx: "blob transaction (EIP-4844): verity's pool refuses them (chain/txpool/service.ts) and its blocks carry no blobs",
  setCodeTx: "set-code transaction (EIP-7702): verity's pool refuses them (chain/txpool/service.ts)",
  excessBlobGas: "non-zero excess blob gas: verity's blocks have excessBlobGas 0 (no blobs), so BLOBBASEFEE is the minimum",
  withdrawals: "withdrawals: verity has no beacon chain and its blocks carry no withdrawals",
  beaconRoot: "non-zero parent beacon block root: verity stores a zero root in EIP-4788 (docs/execution.md)",
  headerRule: "the expected exception is a header rule (Ethereum's header validity, not execution): verity checks its own header (chain/block-builder.ts validate)",
} as const;

export type SkipReason = (typeof SKIP)[keyof typeof SKIP];

export type Outcome = { status: "passed" } | { status: "failed"; detail: string } | { status: "skipped"; reason: SkipReason };

export interface CaseResult {
  file: string;
  name: string;
  outcome: Outcome;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  /** Cases of another fork than verity's rule set (Osaka): not run and not counted above. */
  otherForks: number;
  skipReasons: Map<SkipReason, number>;
  failures: CaseResult[];
}

export function emptyTally(): Tally {
  return { passed: 0, failed: 0, skipped: 0, otherForks: 0, skipReasons: new Map(), failures: [] };
}

export function record(t: Tally, r: CaseResult): void {
  const o = r.outcome;
  if (o.status === "passed") t.passed++;
  else if (o.status === "failed") {
    t.failed++;
    t.failures.push(r);
  } else {
    t.skipped++;
    t.skipReasons.set(o.reason, (t.skipReasons.get(o.reason) ?? 0) + 1);
  }
}

export const passed: Outcome = { status: "passed" };
export const failed = (detail: string): Outcome => ({ status: "failed", detail });
export const skipped = (reason: SkipReason): Outcome => ({ status: "skipped", reason });
