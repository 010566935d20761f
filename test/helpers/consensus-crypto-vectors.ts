// Locates the read-only reference data beside the repo (../shared, see /work/shared/README.md) and
// fails loudly when it is missing, so the crypto tests can never pass without their vectors.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const sharedRoot = path.resolve(projectRoot, "../shared");

export function readSharedVectors(relativePath: string): unknown {
  const file = path.join(sharedRoot, relativePath);
  if (!existsSync(file)) {
    throw new Error(`shared test vectors missing: ${file} (expected the shared/ folder beside the repo)`);
  }
  return JSON.parse(readFileSync(file, "utf8"));
}
