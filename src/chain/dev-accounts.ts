// The development accounts every Ethereum tool expects on a local node: the ten keys of the mnemonic
// anvil and hardhat use, at m/44'/60'/0'/0/i, so existing scripts and tutorials work unchanged.
import { HDKey } from "@scure/bip32";
import { mnemonicToSeedSync } from "@scure/bip39";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "@ethereumjs/util";
import { keccak256 } from "../primitives/hash.js";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const DEV_ACCOUNT_COUNT = 10;
/** 10,000 ETH each, as anvil and hardhat give. */
export const DEV_BALANCE = 10_000n * 10n ** 18n;

export interface DevAccount {
  index: number;
  address: Uint8Array;
  privateKey: Uint8Array;
}

export function addressOfPrivateKey(privateKey: Uint8Array): Uint8Array {
  const pub = secp256k1.getPublicKey(privateKey, false);
  return keccak256(pub.subarray(1)).subarray(12);
}

export function deriveDevAccounts(count = DEV_ACCOUNT_COUNT, mnemonic = DEV_MNEMONIC): DevAccount[] {
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic));
  const out: DevAccount[] = [];
  for (let i = 0; i < count; i++) {
    const key = root.derive(`m/44'/60'/0'/0/${i}`).privateKey;
    if (!key) throw new Error(`cannot derive dev account ${i}`);
    out.push({ index: i, address: addressOfPrivateKey(key), privateKey: key });
  }
  return out;
}

/** EIP-55 mixed-case checksum address. */
export function toChecksumAddress(address: Uint8Array): string {
  const hex = bytesToHex(address).slice(2);
  const hash = bytesToHex(keccak256(new TextEncoder().encode(hex))).slice(2);
  let out = "0x";
  for (let i = 0; i < hex.length; i++) out += parseInt(hash[i]!, 16) >= 8 ? hex[i]!.toUpperCase() : hex[i];
  return out;
}
