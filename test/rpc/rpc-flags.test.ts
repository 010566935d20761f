// The RPC flags of `verity start`: --http.api, --ws, --ws.addr, --ws.port, --ws.api, --rpc.gascap,
// --rpc.txfeecap, parsed into the node's options with geth's defaults and clear usage errors.
import { describe, expect, it } from "vitest";
import { parseCli, type StartArgs } from "../../src/cli/args.js";

const start = (...argv: string[]) => parseCli(["start", ...argv]) as StartArgs;

describe("RPC flags", () => {
  it("leaves everything at its default when not given", () => {
    const a = start();
    expect(a.ws).toBeUndefined();
    expect(a.httpApis).toBeUndefined();
    expect(a.rpcGasCap).toBeUndefined();
    expect(a.rpcTxFeeCap).toBeUndefined();
  });

  it("reads the WebSocket listener, namespaces and caps", () => {
    const a = start("--ws", "--ws.port", "9546", "--ws.api", "eth,net", "--http.api", "eth, net ,web3", "--rpc.gascap", "1000000", "--rpc.txfeecap", "0.5");
    expect(a.ws).toEqual({ host: "127.0.0.1", port: 9546, apis: ["eth", "net"] });
    expect(a.httpApis).toEqual(["eth", "net", "web3"]);
    expect(a.rpcGasCap).toBe(1_000_000n);
    expect(a.rpcTxFeeCap).toBe(5n * 10n ** 17n);
    expect(start("--ws").ws).toEqual({ host: "127.0.0.1", port: 8546 });
    expect(start("--rpc.txfeecap", "0").rpcTxFeeCap).toBe(0n);
  });

  it("reads --sender-recovery-threads (0 turns the workers off) and refuses more than 16", () => {
    expect(start().senderRecoveryThreads).toBeUndefined();
    expect(start("--sender-recovery-threads", "0").senderRecoveryThreads).toBe(0);
    expect(start("--sender-recovery-threads", "3").senderRecoveryThreads).toBe(3);
    expect(() => start("--sender-recovery-threads", "17")).toThrow("--sender-recovery-threads: must be 0..16");
  });

  it("refuses values it cannot honour", () => {
    expect(() => start("--ws.port", "9000")).toThrow("--ws.addr, --ws.port and --ws.api need --ws");
    expect(() => start("--rpc.gascap", "30000000")).toThrow("--rpc.gascap: expected 1..16777216");
    expect(() => start("--rpc.txfeecap", "one")).toThrow("--rpc.txfeecap: expected an amount of ether");
  });
});
