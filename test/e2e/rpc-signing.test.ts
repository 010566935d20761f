// Dev-mode signing against the dev chain, as anvil and hardhat offer it: the unlocked dev accounts
// send (EIP-1559 and legacy), sign transactions, messages (eth_sign, personal_sign) and EIP-712 typed
// data; every signature is checked by an independent implementation (ethers).
import { Transaction, TypedDataEncoder, getAddress, verifyMessage, verifyTypedData } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV, RpcClient, startRpcTestNode, type RpcTestNode } from "../helpers/rpc-node.js";

let n: RpcTestNode;
let rpc: RpcClient;
const [a0, a1, a2] = DEV;

/** EIP-712's own example, extended with an array and a dynamic bytes field. */
const typedData = {
  types: {
    EIP712Domain: [
      { name: "name", type: "string" },
      { name: "version", type: "string" },
      { name: "chainId", type: "uint256" },
      { name: "verifyingContract", type: "address" },
    ],
    Person: [
      { name: "name", type: "string" },
      { name: "wallets", type: "address[]" },
    ],
    Mail: [
      { name: "from", type: "Person" },
      { name: "to", type: "Person[]" },
      { name: "contents", type: "string" },
      { name: "attachment", type: "bytes" },
      { name: "priority", type: "int8" },
    ],
  },
  primaryType: "Mail",
  domain: { name: "Ether Mail", version: "1", chainId: 31337, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" },
  message: {
    from: { name: "Cow", wallets: ["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", "0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"] },
    to: [{ name: "Bob", wallets: ["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"] }],
    contents: "Hello, Bob!",
    attachment: "0x0102",
    priority: -3,
  },
};

beforeAll(async () => {
  n = await startRpcTestNode();
  rpc = new RpcClient(n.url);
});
afterAll(async () => {
  await n?.stop();
});

describe("dev accounts", () => {
  it("lists the ten dev accounts and sends from them, EIP-1559 by default and legacy with gasPrice", async () => {
    expect(await rpc.call("eth_accounts")).toEqual(DEV.map((a) => a.address));
    const [modern, legacy] = await Promise.all([
      rpc.call<string>("eth_sendTransaction", [{ from: a0!.address, to: a2!.address, value: "0x64" }]),
      rpc.call<string>("eth_sendTransaction", [{ from: a1!.address, to: a2!.address, value: "0x65", gasPrice: "0x3b9aca00" }]),
    ]);
    expect(await rpc.receipt(modern)).toMatchObject({ status: "0x1", type: "0x2", from: a0!.address });
    expect(await rpc.receipt(legacy)).toMatchObject({ status: "0x1", type: "0x0", from: a1!.address });
    expect(await rpc.call("eth_getTransactionByHash", [legacy])).toMatchObject({ gasPrice: "0x3b9aca00", value: "0x65" });
  });

  it("signs a transaction without sending it: the raw form decodes to the same sender and can be sent", async () => {
    const nonce = await rpc.call<string>("eth_getTransactionCount", [a2!.address, "pending"]);
    const signed = await rpc.call<{ raw: string; tx: { hash: string; from: string; nonce: string } }>("eth_signTransaction", [
      { from: a2!.address, to: a0!.address, value: "0x1" },
    ]);
    const decoded = Transaction.from(signed.raw);
    expect(decoded.from).toBe(getAddress(a2!.address));
    expect(signed.tx).toMatchObject({ hash: decoded.hash, from: a2!.address, nonce });
    expect(await rpc.call("eth_sendRawTransaction", [signed.raw])).toBe(decoded.hash);
    expect((await rpc.receipt(decoded.hash!)).status).toBe("0x1");
  });

  it("signs messages with eth_sign and personal_sign (the same EIP-191 signature)", async () => {
    const message = "0x" + Buffer.from("verity says hi").toString("hex");
    const viaEthSign = await rpc.call<string>("eth_sign", [a1!.address, message]);
    const viaPersonal = await rpc.call<string>("personal_sign", [message, a1!.address]);
    expect(viaPersonal).toBe(viaEthSign);
    expect(verifyMessage(Buffer.from("verity says hi"), viaEthSign)).toBe(getAddress(a1!.address));
  });

  it("signs EIP-712 typed data given as a JSON string (MetaMask) or an object", async () => {
    const asString = await rpc.call<string>("eth_signTypedData_v4", [a0!.address, JSON.stringify(typedData)]);
    const asObject = await rpc.call<string>("eth_signTypedData_v4", [a0!.address, typedData]);
    expect(asObject).toBe(asString);
    const { EIP712Domain: _domain, ...types } = typedData.types;
    expect(verifyTypedData(typedData.domain, types, typedData.message, asString)).toBe(getAddress(a0!.address));
    expect(TypedDataEncoder.hash(typedData.domain, types, typedData.message)).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("refuses accounts it does not hold, a missing sender and fees above the cap", async () => {
    const stranger = "0x" + "12".repeat(20);
    expect((await rpc.raw("eth_sendTransaction", [{ from: stranger, to: a0!.address }])).error).toEqual({ code: -32000, message: "unknown account" });
    expect((await rpc.raw("eth_sign", [stranger, "0x00"])).error).toEqual({ code: -32000, message: "unknown account" });
    expect((await rpc.raw("eth_sendTransaction", [{ to: a0!.address }])).error?.message).toContain('missing "from"');
    // 21000 gas at 100,000 gwei is 2.1 ether: over geth's default 1 ether cap.
    const expensive = await rpc.raw("eth_sendTransaction", [{ from: a0!.address, to: a1!.address, gas: "0x5208", gasPrice: "0x5af3107a4000" }]);
    expect(expensive.error).toEqual({ code: -32000, message: "tx fee (2.10 ether) exceeds the configured cap (1.00 ether)" });
    const invalid = await rpc.raw("eth_signTypedData_v4", [a0!.address, { ...typedData, primaryType: "Letter" }]);
    expect(invalid.error?.code).toBe(-32602);
  });
});
