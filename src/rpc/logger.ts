// The logging surface rpc/ needs. `console` satisfies it; the node passes its own logger.

export type LogFields = Record<string, unknown>;

export interface RpcLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Discards everything (tests that assert on behaviour, not on log lines). */
export const silentLogger: RpcLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
