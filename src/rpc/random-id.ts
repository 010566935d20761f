// Identifiers of filters and subscriptions: 16 random bytes shown as a hex quantity, as geth's
// rpc.NewID makes them (unguessable, so one client cannot poll or cancel another's).
import { randomBytes } from "node:crypto";
import { quantity } from "./hex.js";

export function newRpcId(): string {
  return quantity(BigInt("0x" + randomBytes(16).toString("hex")));
}

/** An id as a client sent it, normalised (lowercase, no leading zeros); null if not hex. */
export function normaliseRpcId(value: string): string | null {
  if (!/^0x[0-9a-fA-F]{1,64}$/.test(value)) return null;
  return quantity(BigInt(value));
}
