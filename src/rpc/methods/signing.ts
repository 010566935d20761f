// Dev-mode signing, as anvil and hardhat serve it: eth_sendTransaction, eth_signTransaction, eth_sign,
// personal_sign and eth_signTypedData_v4 sign with the node's unlocked dev accounts. A node without
// unlocked accounts answers them with an error that says so (and what to do instead), not -32601, so
// a script pointed at the wrong node learns why.
import type { Address20 } from "../../primitives/types.js";
import type { DevSigner, RpcBackend, TypedData } from "../backend/port.js";
import { serverError } from "../errors.js";
import { checkTxFee } from "../fee-cap.js";
import { formatTransaction } from "../format.js";
import { data } from "../hex.js";
import { ParamError, isPlainObject, jsonType, optional, parseAddress, parseData, required } from "../params.js";
import { parseCallRequest, type ParsedCallRequest } from "../params-objects.js";
import { defineMethod, type MethodContext, type MethodTable } from "./types.js";

export const NO_UNLOCKED_ACCOUNTS =
  "no unlocked accounts: this node holds no keys (only the built-in dev chain unlocks its dev accounts); " +
  "sign the transaction yourself and send it with eth_sendRawTransaction";

function signerOf(backend: RpcBackend): DevSigner {
  if (backend.signer === undefined || backend.signer.accounts().length === 0) throw serverError(NO_UNLOCKED_ACCOUNTS);
  return backend.signer;
}

function parseTypedData(value: unknown): TypedData {
  let parsed: unknown = value;
  // MetaMask and most dapps send the typed data as a JSON string; libraries often send the object.
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new ParamError("typed data is not valid JSON");
    }
  }
  if (!isPlainObject(parsed)) throw new ParamError(`typed data must be an object, got ${jsonType(parsed)}`);
  const { types, primaryType, domain, message } = parsed;
  if (!isPlainObject(types)) throw new ParamError("typed data: types must be an object");
  for (const [name, fields] of Object.entries(types)) {
    const ok = Array.isArray(fields) && fields.every((f) => isPlainObject(f) && typeof f.name === "string" && typeof f.type === "string");
    if (!ok) throw new ParamError(`typed data: types.${name.slice(0, 100)} must be a list of { name, type }`);
  }
  if (typeof primaryType !== "string") throw new ParamError("typed data: primaryType must be a string");
  // Own properties only: a primaryType of "toString" is not among the types, whatever Object.prototype holds.
  if (primaryType !== "EIP712Domain" && !Object.hasOwn(types, primaryType)) {
    throw new ParamError(`typed data: primaryType ${primaryType.slice(0, 100)} is not among types`);
  }
  if (!isPlainObject(domain)) throw new ParamError("typed data: domain must be an object");
  if (!isPlainObject(message)) throw new ParamError("typed data: message must be an object");
  return { types: types as TypedData["types"], primaryType, domain, message };
}

/** Signs the request with the dev key of its `from`, filling what the caller left out. */
async function signRequest(parsed: ParsedCallRequest, ctx: MethodContext) {
  const signer = signerOf(ctx.backend);
  const from: Address20 | undefined = parsed.request.from;
  if (from === undefined) throw serverError('missing "from": the account to send from is required');
  const tx = await signer.signTransaction({
    ...parsed.request,
    from,
    ...(parsed.type !== undefined ? { type: parsed.type } : {}),
    ...(parsed.chainId !== undefined ? { chainId: parsed.chainId } : {}),
  });
  checkTxFee(tx.gasLimit * ("maxFeePerGas" in tx ? tx.maxFeePerGas : tx.gasPrice), ctx.limits.txFeeCap);
  return { tx, from };
}

const transaction = required("transaction", parseCallRequest);

export const signingMethods: MethodTable = {
  eth_sendTransaction: defineMethod([transaction], async ([parsed], ctx) => {
    const { tx } = await signRequest(parsed, ctx);
    return data(await ctx.backend.sendRawTransaction(tx.serialize()));
  }),
  /** geth's shape: the raw encoding and the transaction as eth_getTransactionByHash shows a pending one. */
  eth_signTransaction: defineMethod([transaction], async ([parsed], ctx) => {
    const { tx, from } = await signRequest(parsed, ctx);
    return { raw: data(tx.serialize()), tx: formatTransaction(tx, tx.hash(), from, null) };
  }),
  eth_sign: defineMethod([required("address", parseAddress), required("message", parseData)], async ([address, message], { backend }) =>
    data(await signerOf(backend).signMessage(address, message)),
  ),
  /** personal_sign takes (message, address), the reverse of eth_sign; a password, if sent, is ignored. */
  personal_sign: defineMethod(
    [required("message", parseData), required("address", parseAddress), optional<unknown>("password", (v) => v, null)],
    async ([message, address], { backend }) => data(await signerOf(backend).signMessage(address, message)),
  ),
  eth_signTypedData_v4: defineMethod([required("address", parseAddress), required("typedData", parseTypedData)], async ([address, typedData], { backend }) =>
    data(await signerOf(backend).signTypedData(address, typedData)),
  ),
};
