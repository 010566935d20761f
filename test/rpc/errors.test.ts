// Error objects: revert decoding (Error(string), Panic(uint256), custom errors) and what leaks out.
import { describe, expect, it } from "vitest";
import { hexToBytes } from "@noble/hashes/utils.js";
import { UserError } from "../../src/rpc/backend/port.js";
import { revertError, toErrorObject } from "../../src/rpc/errors.js";
import { decodeRevertReason } from "../../src/evm/revert.js";
import { CUSTOM_ERROR_DATA, REVERT_DATA, REVERT_REASON } from "../helpers/fixture-backend.js";

describe("revert reasons", () => {
  it("decodes Error(string)", () => {
    expect(decodeRevertReason(REVERT_DATA)).toBe(REVERT_REASON);
    // solc's encoding of require(false, "ERC20: transfer amount exceeds balance"), as on chain
    const solc = hexToBytes(
      "08c379a0" +
        "0000000000000000000000000000000000000000000000000000000000000020" +
        "0000000000000000000000000000000000000000000000000000000000000026" +
        "45524332303a207472616e7366657220616d6f756e7420657863656564732062" +
        "616c616e63650000000000000000000000000000000000000000000000000000",
    );
    expect(decodeRevertReason(solc)).toBe("ERC20: transfer amount exceeds balance");
  });
  it("words panics as geth does", () => {
    const panic = (code: string) => hexToBytes("4e487b71" + code.padStart(64, "0"));
    expect(decodeRevertReason(panic("11"))).toBe("arithmetic underflow or overflow");
    expect(decodeRevertReason(panic("01"))).toBe("assert(false)");
    expect(decodeRevertReason(panic("99"))).toBe("unknown panic code: 0x99");
  });
  it("leaves custom errors, empty and malformed data to the client", () => {
    expect(decodeRevertReason(CUSTOM_ERROR_DATA)).toBeNull();
    expect(decodeRevertReason(new Uint8Array())).toBeNull();
    expect(decodeRevertReason(hexToBytes("08c379a0" + "00".repeat(31) + "20"))).toBeNull();
    expect(decodeRevertReason(hexToBytes("08c379a0" + "00".repeat(31) + "20" + "00".repeat(31) + "ff"))).toBeNull();
    expect(decodeRevertReason(hexToBytes("08c379a0" + "ff".repeat(32)))).toBeNull();
  });
  it("builds code 3 errors with the data", () => {
    expect(revertError(REVERT_DATA).toObject()).toEqual({
      code: 3,
      message: `execution reverted: ${REVERT_REASON}`,
      data: "0x" + Buffer.from(REVERT_DATA).toString("hex"),
    });
    expect(revertError(new Uint8Array()).toObject()).toEqual({ code: 3, message: "execution reverted", data: "0x" });
  });
});

describe("error mapping", () => {
  it("carries UserError messages and codes, and rewords backend reverts", () => {
    expect(toErrorObject(new UserError("nonce too low"))).toEqual({ error: { code: -32000, message: "nonce too low" }, internal: false });
    expect(toErrorObject(new UserError("execution reverted", 3, REVERT_DATA)).error.message).toBe(`execution reverted: ${REVERT_REASON}`);
  });
  it("hides everything else behind -32603", () => {
    const { error, internal } = toErrorObject(new TypeError("cannot read x of undefined at /home/secret.ts:12"));
    expect(internal).toBe(true);
    expect(error).toEqual({ code: -32603, message: "internal error" });
    expect(toErrorObject("a thrown string").error.code).toBe(-32603);
  });
});
