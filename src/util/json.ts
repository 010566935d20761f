// JSON values as a type: what tracers build (evm/) and the RPC server sends (rpc/), owned by neither.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
