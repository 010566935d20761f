// The execution-apis OpenRPC specification (../shared/conformance, outside the repo), and its result
// schemas per method, for validating what rpc/ returns.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Schema } from "./json-schema.js";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SPEC_PATH = path.resolve(projectRoot, "../shared/conformance/execution-apis-openrpc.json");

interface OpenRpcMethod {
  name: string;
  result?: { schema: Schema };
}

let methods: Map<string, OpenRpcMethod> | undefined;

function load(): Map<string, OpenRpcMethod> {
  if (methods) return methods;
  if (!existsSync(SPEC_PATH)) {
    throw new Error(`execution-apis spec not found at ${SPEC_PATH}: the shared conformance folder must sit next to the repo`);
  }
  const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as { methods: OpenRpcMethod[] };
  methods = new Map(spec.methods.map((m) => [m.name, m]));
  return methods;
}

/** The spec's result schema of `method`; throws when the spec does not define the method. */
export function resultSchema(method: string): Schema {
  const found = load().get(method);
  if (!found?.result) throw new Error(`the spec defines no result for ${method}`);
  return found.result.schema;
}
