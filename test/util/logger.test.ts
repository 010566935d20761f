// The node's logger over pino: JSON lines and text lines carry the same fields; levels per module.
import { describe, expect, it } from "vitest";
import { createLogger, parseLogLevels } from "../../src/util/logger.js";

describe("logger", () => {
  it("writes JSON lines with level, time, module, msg and the fields as an operator reads them", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }).child("consensus");
    log.info("block committed", { height: 12n, hash: Uint8Array.of(0xab, 0xcd), error: new Error("late"), gone: undefined, round: 0 });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toEqual({ level: "info", time: expect.any(String), module: "consensus", msg: "block committed", height: "12", hash: "0xabcd", error: "late", round: 0 });
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
  });

  it("writes text lines with the same fields as key=value", () => {
    const lines: string[] = [];
    createLogger({ format: "text", component: "p2p", write: (l) => lines.push(l) }).warn("peer penalized", { peer: "12D3", reason: "sync request: bad", n: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[p2p\] peer penalized peer=12D3 reason="sync request: bad" n=2$/);
  });

  it("filters by level per module", () => {
    const lines: string[] = [];
    const root = createLogger({ level: "warn,consensus=debug,rpc=silent", format: "json", write: (l) => lines.push(l) });
    root.info("node info");
    root.warn("node warn");
    root.child("consensus").debug("consensus debug");
    root.child("rpc").error("rpc error");
    root.child("p2p").info("p2p info");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["node warn", "consensus debug"]);
    expect(parseLogLevels("consensus=debug")).toEqual({ default: "info", modules: { consensus: "debug" } });
    expect(() => parseLogLevels("info,p2p=chatty")).toThrow(/unknown level "chatty"/);
    expect(() => parseLogLevels("Bad Name=info")).toThrow(/not a module name/);
  });
});
