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
import { decodePersistedState, type PersistedConsensusState } from "../../consensus/signing-record.js";
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

export async function openValidatorEngines(
  validators: readonly ValidatorKeys[],
  set: ValidatorSet,
  o: { store: SigningRecords; params: ConsensusParams; crypto: ConsensusCrypto; timeouts: TimeoutConfig; verifier: MessageVerifier; logger: Logger },
): Promise<ValidatorEngine[]> {
  const out: ValidatorEngine[] = [];
  for (const keys of validators) {
    const id = `validator-${bytesToHex(keys.address)}`;
    const member = set.get(keys.address);
    if (!member) o.logger.info("validator key is not in the current set: it takes part once the staking ledger elects it", { address: bytesToHex(keys.address) });
    else if (!equalsBytes(o.crypto.signingPublicKey(keys.signingSecretKey), member.signingKey))
      throw new Error(`validator ${bytesToHex(keys.address)}: its signing secret does not match the set's signing key`);
    else if (!equalsBytes(o.crypto.vrfPublicKey(keys.vrfSecretKey), member.vrfKey))
      throw new Error(`validator ${bytesToHex(keys.address)}: its VRF secret does not match the set's VRF key`);
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
