// Crash safety for signing. The engine emits PersistSigned with this state before broadcasting
// anything it signed; after a restart it is constructed with the last persisted state, so it
//  - never signs for a (height, round, step) at or below the last one signed, except to resend the
//    very message it signed there (SigningGuard), and
//  - resumes its round state: locked and valid value/round (RoundStateSnapshot).
// Locking only ever changes together with signing a precommit, so persisting at signing time
// captures every lock.
//
// Encoding (version 1): 0x01 | 0x00, or 0x01 + message (u32 length + codec.ts bytes) | 0x00, or
// 0x01 + snapshot, the snapshot being height u64 | round u32 | step u8 | lockedRound+1 u32 |
// locked value | validRound+1 u32 | valid value, each value 0x00, or 0x01 + hash[32] + u32 length + bytes.

import { ByteReader, ByteWriter, DecodeFailure, runDecoder, type DecodeResult } from "./bytes.js";
import { MAX_PROPOSAL_VALUE_BYTES, decodeMessage, encodeMessage } from "./codec.js";
import type { ConsensusMessage } from "./messages.js";
import { HASH_LENGTH, STEP_ORDER, type Step } from "./types.js";

export interface HashedValue {
  readonly hash: Uint8Array;
  readonly value: Uint8Array;
}

export interface RoundStateSnapshot {
  readonly height: number;
  readonly round: number;
  readonly step: Step;
  readonly lockedRound: number;
  readonly lockedValue: HashedValue | null;
  readonly validRound: number;
  readonly validValue: HashedValue | null;
}

export interface PersistedConsensusState {
  /** The last message this validator signed, or null if it never signed. */
  readonly lastSigned: ConsensusMessage | null;
  readonly roundState: RoundStateSnapshot | null;
}

export function messageStep(m: ConsensusMessage): Step {
  return m.kind === "proposal" ? "propose" : m.step;
}

/** Orders (height, round, step) positions. */
export function compareHrs(h1: number, r1: number, s1: Step, h2: number, r2: number, s2: Step): number {
  if (h1 !== h2) return h1 - h2;
  if (r1 !== r2) return r1 - r2;
  return STEP_ORDER[s1] - STEP_ORDER[s2];
}

export type SigningDecision =
  | { readonly kind: "sign" }
  /** Already signed at this position: resend exactly that message instead of signing anew. */
  | { readonly kind: "resend"; readonly message: ConsensusMessage }
  /** A later position was already signed: sign nothing. */
  | { readonly kind: "refuse" };

export class SigningGuard {
  constructor(private lastSigned: ConsensusMessage | null) {}

  get last(): ConsensusMessage | null {
    return this.lastSigned;
  }

  decide(height: number, round: number, step: Step): SigningDecision {
    const last = this.lastSigned;
    if (last === null) return { kind: "sign" };
    const order = compareHrs(height, round, step, last.height, last.round, messageStep(last));
    if (order > 0) return { kind: "sign" };
    if (order === 0) return { kind: "resend", message: last };
    return { kind: "refuse" };
  }

  record(message: ConsensusMessage): void {
    const last = this.lastSigned;
    if (last !== null && compareHrs(message.height, message.round, messageStep(message), last.height, last.round, messageStep(last)) <= 0) {
      throw new Error("signing guard: refusing to record a signature at or below the last signed position");
    }
    this.lastSigned = message;
  }
}

const STATE_CODEC_VERSION = 1;
const STEP_CODE: Record<Step, number> = { propose: 0, prevote: 1, precommit: 2 };
const STEP_OF_CODE: readonly Step[] = ["propose", "prevote", "precommit"];

function writeValue(w: ByteWriter, v: HashedValue | null): void {
  if (v === null) w.u8(0);
  else w.u8(1).fixed(v.hash, HASH_LENGTH).varBytes(v.value);
}

function readValue(r: ByteReader): HashedValue | null {
  const flag = r.u8();
  if (flag === 0) return null;
  if (flag !== 1) throw new DecodeFailure(`invalid value flag ${flag}`);
  return { hash: r.fixed(HASH_LENGTH), value: r.varBytes(MAX_PROPOSAL_VALUE_BYTES) };
}

export function encodePersistedState(s: PersistedConsensusState): Uint8Array {
  const w = new ByteWriter().u8(STATE_CODEC_VERSION);
  if (s.lastSigned === null) w.u8(0);
  else w.u8(1).varBytes(encodeMessage(s.lastSigned));
  const rs = s.roundState;
  if (rs === null) w.u8(0);
  else {
    w.u8(1).u64(rs.height).u32(rs.round).u8(STEP_CODE[rs.step]).u32(rs.lockedRound + 1);
    writeValue(w, rs.lockedValue);
    w.u32(rs.validRound + 1);
    writeValue(w, rs.validValue);
  }
  return w.finish();
}

export function decodePersistedState(bytes: Uint8Array): DecodeResult<PersistedConsensusState> {
  return runDecoder(() => {
    const r = new ByteReader(bytes);
    if (r.u8() !== STATE_CODEC_VERSION) throw new DecodeFailure("unsupported consensus state version");
    let lastSigned: ConsensusMessage | null = null;
    const hasSigned = r.u8();
    if (hasSigned === 1) {
      const m = decodeMessage(r.varBytes(MAX_PROPOSAL_VALUE_BYTES + 1024));
      if (!m.ok) throw new DecodeFailure(`last signed message: ${m.error}`);
      lastSigned = m.value;
    } else if (hasSigned !== 0) throw new DecodeFailure("invalid flag");
    let roundState: RoundStateSnapshot | null = null;
    const hasRound = r.u8();
    if (hasRound === 1) {
      const height = r.u64Number();
      const round = r.u32();
      const step = STEP_OF_CODE[r.u8()];
      if (step === undefined) throw new DecodeFailure("invalid step");
      const lockedRound = r.u32() - 1;
      const lockedValue = readValue(r);
      const validRound = r.u32() - 1;
      const validValue = readValue(r);
      if ((lockedRound < 0) !== (lockedValue === null) || (validRound < 0) !== (validValue === null)) {
        throw new DecodeFailure("round and value presence disagree");
      }
      roundState = { height, round, step, lockedRound, lockedValue, validRound, validValue };
    } else if (hasRound !== 0) throw new DecodeFailure("invalid flag");
    r.end();
    return { lastSigned, roundState };
  });
}
