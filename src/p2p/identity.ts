// The node's libp2p identity: an Ed25519 key kept in <datadir>/p2p-key so that the peer id (and
// with it every other node's bootnode entry and peer score for us) survives restarts.
//
// File format: libp2p's protobuf private-key encoding (the same bytes `privateKeyToProtobuf` gives,
// which records the key type), mode 0600. Created on first start by writing a temporary file and
// renaming it, so a crash mid-write never leaves a truncated key behind. A key file that exists but
// does not decode is an error, never silently replaced: a new identity is an operator decision.

import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import type { Logger } from "../util/logger.js";

export const P2P_KEY_FILE = "p2p-key";
const KEY_FILE_MODE = 0o600;

export class IdentityError extends Error {
  override name = "IdentityError";
}

export function p2pKeyPath(datadir: string): string {
  return join(datadir, P2P_KEY_FILE);
}

/** Loads the node's libp2p key from the data dir, creating (and persisting) it on first start. */
export async function loadOrCreateIdentity(datadir: string, logger?: Logger): Promise<PrivateKey> {
  const path = p2pKeyPath(datadir);
  if (existsSync(path)) return loadIdentity(path, logger);
  mkdirSync(datadir, { recursive: true });
  const key = await generateKeyPair("Ed25519");
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", KEY_FILE_MODE);
  try {
    writeSync(fd, privateKeyToProtobuf(key));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  logger?.info("created p2p identity", { path });
  return key;
}

function loadIdentity(path: string, logger?: Logger): PrivateKey {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    // A key readable by others is still our identity; tighten it rather than refuse to start.
    chmodSync(path, KEY_FILE_MODE);
    logger?.warn("p2p key file was readable by others; set to 0600", { path, mode: mode.toString(8) });
  }
  let key: PrivateKey;
  try {
    key = privateKeyFromProtobuf(new Uint8Array(readFileSync(path)));
  } catch (err) {
    throw new IdentityError(`p2p key file ${path} is not a valid libp2p private key; move it away to create a new identity`, { cause: err });
  }
  if (key.type !== "Ed25519") throw new IdentityError(`p2p key file ${path} holds a ${key.type} key, expected Ed25519`);
  return key;
}
