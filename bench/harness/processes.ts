// Child processes the harness starts (nodes under test): spawn with the output going to a log file,
// wait until the JSON-RPC answers, stop by PID (SIGTERM, then SIGKILL), descendants included.
// Everything listens on 127.0.0.1; every process started here is stopped here.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { processStartTicks, processTree } from "./procstat.js";

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

/** `count` consecutive free ports starting at a free one (for commands that take a base port). */
export async function freePortRange(count: number, attempts = 20): Promise<number> {
  for (let a = 0; a < attempts; a++) {
    const base = await freePort();
    if (base + count > 65_535) continue;
    let ok = true;
    for (let i = 1; i < count && ok; i++) ok = await portIsFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1`);
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
  });
}

export interface Service {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** The last `bytes` of the log, for error messages. */
  logTail(bytes?: number): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Services started and not yet stopped, so an interrupted run can still stop them (see main.ts). */
const live = new Set<Service>();

export function liveServices(): Service[] {
  return [...live];
}

/** Set once an interrupted run is stopping its services: no new one may start behind its back. */
let refusing: string | null = null;

/**
 * Stops every live service and refuses new ones from now on: a scenario still running would
 * otherwise start its next node while the stop is under way, and that node would outlive the run.
 */
export async function stopEverything(why: string): Promise<void> {
  refusing = why;
  await stopAll(liveServices());
}

export function spawnService(o: SpawnOptions): Service {
  if (refusing !== null) throw new Error(`${o.name} not started: ${refusing}`);
  const fd = openSync(o.logFile, "a");
  const child = spawn(o.command, [...o.args], { cwd: o.cwd, stdio: ["ignore", fd, fd], env: o.env ?? process.env });
  closeSync(fd); // the child holds its own copy
  if (child.pid === undefined) throw new Error(`${o.name}: could not start ${o.command}`);
  const pid = child.pid;
  let exited = child.exitCode !== null;
  child.once("exit", () => (exited = true));
  const logTail = (bytes = 2_000) => {
    try {
      const text = readFileSync(o.logFile, "utf8");
      return text.slice(-bytes);
    } catch {
      return "";
    }
  };
  const stop = async () => {
    live.delete(service);
    if (exited) return;
    // Descendants noted first, so a wrapper's child cannot outlive it; each with its start time, so
    // a pid reused by an unrelated process after ours exited is never signalled.
    const descendants = processTree(pid)
      .slice(1)
      .map((p) => ({ pid: p, start: processStartTicks(p) }));
    signal(pid, "SIGTERM");
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) signal(pid, "SIGKILL");
    for (let i = 0; i < 20 && !exited; i++) await sleep(100);
    for (const d of descendants) if (d.start !== null && processStartTicks(d.pid) === d.start) signal(d.pid, "SIGKILL");
  };
  const service: Service = { name: o.name, pid, child, logFile: o.logFile, logTail, stop };
  live.add(service);
  return service;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Polls eth_chainId until the node answers; fails early if the process exits. */
export async function waitForRpc(service: Service, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null)
      throw new Error(`${service.name} exited before answering on ${url}:\n${service.logTail()}`);
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
        signal: AbortSignal.timeout(2_000),
      });
      if (r.ok) {
        const body = (await r.json()) as { result?: unknown };
        if (typeof body.result === "string") return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${service.name} did not answer on ${url} within ${timeoutMs / 1000} s:\n${service.logTail()}`);
}

/** Stops every service, in reverse start order, even if some stops fail. */
export async function stopAll(services: readonly Service[]): Promise<void> {
  for (const s of [...services].reverse()) {
    try {
      await s.stop();
    } catch {
      // keep stopping the rest
    }
  }
}
