// One ConsensusEngine per validator key this node holds, restored from its signing record. Keys
// that do not match the genesis validator set are refused at start with a clear message: with a
// wrong signing secret every vote would be rejected by the others, and with a wrong VRF secret the
// engine would throw at its first draw.
import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import type { ValidatorKeys } from "../../chain/validator-keys.js";
import type { ConsensusCrypto } from "../../consensus/crypto.js";
import { ConsensusEngine } from "../../consensus/engine.js";
import type { MessageVerifier } from "../../consensus/verify.js";
import { decodePersistedState, type PersistedConsensusState } from "../../consensus/signing-record.js";
import type { TimeoutConfig } from "../../consensus/timeouts.js";
import type { ConsensusParams, ValidatorSet } from "../../consensus/types.js";
import type { SigningRecords } from "./ports.js";

export interface ValidatorEngine {
  /** Its signing record's name. */
  id: string;
  address: Uint8Array;
  engine: ConsensusEngine;
}

export async function openValidatorEngines(
  validators: readonly ValidatorKeys[],
  set: ValidatorSet,
  o: { store: SigningRecords; params: ConsensusParams; crypto: ConsensusCrypto; timeouts: TimeoutConfig; verifier: MessageVerifier },
): Promise<ValidatorEngine[]> {
  const out: ValidatorEngine[] = [];
  for (const keys of validators) {
    const id = `validator-${bytesToHex(keys.address)}`;
    const member = set.get(keys.address);
    if (!member) throw new Error(`validator key ${bytesToHex(keys.address)} is not in the genesis validator set`);
    if (!equalsBytes(o.crypto.signingPublicKey(keys.signingSecretKey), member.signingKey))
      throw new Error(`validator ${bytesToHex(keys.address)}: its signing secret does not match the genesis signing key`);
    if (!equalsBytes(o.crypto.vrfPublicKey(keys.vrfSecretKey), member.vrfKey))
      throw new Error(`validator ${bytesToHex(keys.address)}: its VRF secret does not match the genesis VRF key`);
    const saved = await o.store.getSigningRecord(id);
    let restored: PersistedConsensusState | undefined;
    if (saved) {
      const decoded = decodePersistedState(saved);
      if (!decoded.ok) throw new Error(`signing record of ${id} is corrupt (${decoded.error}); refusing to sign without it`);
      restored = decoded.value;
    }
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
