// One ConsensusEngine per validator key this node holds, restored from its signing record. A key
// whose address is in the current set but whose public keys differ from the set's is refused at
// start with a clear message: with a wrong signing secret every vote would be rejected by the
// others, and with a wrong VRF secret the engine would throw at its first draw. A key not in the set
// is kept: its engine takes part from the epoch the staking ledger elects it.
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { ValidatorKeys } from "../../chain/validator-keys.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import { ConsensusEngine } from "../../consensus/engine.js";
import type { MessageVerifier } from "../../consensus/verify.js";
import { compareHrs, decodePersistedState, messageStep, type PersistedConsensusState } from "../../consensus/signing-record.js";
import type { TimeoutConfig } from "../../consensus/timeouts.js";
import type { ConsensusParams, ValidatorSet } from "../../consensus/types.js";
import type { Logger } from "../../util/logger.js";
import type { SigningRecords } from "./ports.js";

export interface ValidatorEngine {
  /** Its signing record's name. */
  id: string;
  address: Uint8Array;
  engine: ConsensusEngine;
}

/** A validator key's signing record name. */
export function signingRecordId(address: Uint8Array): string {
  return `validator-${bytesToHex(address)}`;
}

/**
 * Refuses to start when the database holds the signing record of a validator whose key this node
 * was not given: the key file went missing (or the wrong data directory was used), and starting
 * would silently leave that validator offline. Moving the key to another machine must also move (or
 * retire) this data directory, whose record is what keeps the key from signing twice.
 */
export function checkSigningRecordsHaveKeys(recordNames: readonly string[], validators: readonly ValidatorKeys[], dir: string): void {
  const loaded = new Set(validators.map((k) => signingRecordId(k.address)));
  const orphans = recordNames.filter((name) => name.startsWith("validator-") && !loaded.has(name));
  if (orphans.length === 0) return;
  const addresses = orphans.map((name) => name.slice("validator-".length)).join(", ");
  throw new Error(
    `the database at ${dir} holds the signing record of validator ${addresses}, but no key for it was loaded: ` +
      `its key file (validator-*.json in the data directory) is missing; restore it, or use a fresh data directory to run without that validator`,
  );
}

const RESTORE = "restore the data directory from a backup";

/** A position's label for messages ("height 7 round 0 precommit"). */
function positionOf(s: PersistedConsensusState | undefined): string {
  const m = s?.lastSigned;
  return m ? `height ${m.height} round ${m.round} ${messageStep(m)}` : "nothing";
}

/**
 * The validator's signing state: the database's record, checked against its file copy. A copy that
 * is ahead of the database means the database lost synced writes (LevelDB cannot tell a log cut
 * short at its tail from a crash): starting would sign again at positions already signed, so the
 * node refuses. A database ahead of its copy is a crash between the two writes, and harmless.
 */
async function restoreSigningState(store: SigningRecords, id: string): Promise<PersistedConsensusState | undefined> {
  const decode = (bytes: Uint8Array | null | undefined, where: string) => {
    if (!bytes) return undefined;
    const decoded = decodePersistedState(bytes);
    if (!decoded.ok) throw new Error(`signing record of ${id}${where} is corrupt (${decoded.error}); refusing to sign without it: ${RESTORE}`);
    return decoded.value;
  };
  const fromDb = decode(await store.getSigningRecord(id), store.dir === undefined ? "" : ` in the database at ${store.dir}`);
  const path = store.signingRecordPath?.(id) ?? "its file copy";
  const fromFile = decode(await store.getSigningRecordFile?.(id), ` in ${path}`);
  const last = (s: PersistedConsensusState | undefined) => s?.lastSigned ?? null;
  const f = last(fromFile);
  const d = last(fromDb);
  if (f !== null && (d === null || compareHrs(f.height, f.round, messageStep(f), d.height, d.round, messageStep(d)) > 0)) {
    throw new Error(
      `the database${store.dir === undefined ? "" : ` at ${store.dir}`} lost writes: ${id} signed up to ${positionOf(fromFile)} (${path}) ` +
        `but the database's signing record only shows ${positionOf(fromDb)}; refusing to sign again what it signed: ${RESTORE}`,
    );
  }
  return fromDb;
}

export async function openValidatorEngines(
  validators: readonly ValidatorKeys[],
  set: ValidatorSet,
  o: { store: SigningRecords; params: ConsensusParams; crypto: ConsensusCrypto; timeouts: TimeoutConfig; verifier: MessageVerifier; logger: Logger },
): Promise<ValidatorEngine[]> {
  const out: ValidatorEngine[] = [];
  for (const keys of validators) {
    const id = signingRecordId(keys.address);
    const member = set.get(keys.address);
    if (!member) o.logger.info("validator key is not in the current set: it takes part once the staking ledger elects it", { address: bytesToHex(keys.address) });
    else if (!equalsBytes(o.crypto.signingPublicKey(keys.signingSecretKey), member.signingKey))
      throw new Error(`validator ${bytesToHex(keys.address)}: its signing secret does not match the set's signing key`);
    else if (!equalsBytes(o.crypto.vrfPublicKey(keys.vrfSecretKey), member.vrfKey))
      throw new Error(`validator ${bytesToHex(keys.address)}: its VRF secret does not match the set's VRF key`);
    const restored = await restoreSigningState(o.store, id);
    const engine = new ConsensusEngine({
      params: o.params,
      crypto: o.crypto,
      secrets: { address: keys.address, signingSecret: keys.signingSecretKey, vrfSecret: keys.vrfSecretKey },
      verifier: o.verifier,
      timeouts: o.timeouts,
      ...(restored ? { restored } : {}),
    });
    out.push({ id, address: keys.address, engine });
  }
  return out;
}
