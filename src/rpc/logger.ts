// The logging surface rpc/ needs: the node's Logger without child(), so `console` satisfies it too.
import type { Logger } from "../util/logger.js";

export type RpcLogger = Omit<Logger, "child">;
