// The part of sodium-native (libsodium bindings, no types of its own) that vrf-sodium.ts uses.
// Each function writes its result into the first argument and throws when libsodium returns -1.
declare module "sodium-native" {
  interface SodiumEd25519 {
    crypto_core_ed25519_add(r: Uint8Array, p: Uint8Array, q: Uint8Array): void;
    crypto_core_ed25519_sub(r: Uint8Array, p: Uint8Array, q: Uint8Array): void;
    crypto_scalarmult_ed25519_noclamp(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
    crypto_scalarmult_ed25519_base_noclamp(q: Uint8Array, n: Uint8Array): void;
  }
  const sodium: SodiumEd25519;
  export default sodium;
}
