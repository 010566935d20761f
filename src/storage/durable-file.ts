// A small file replaced atomically and durably: written beside its final name, flushed to disk,
// renamed over the old one, and the directory flushed, so that after a crash or power cut the file
// holds either the old bytes or the new ones, never a mix or nothing.
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";

export async function writeFileDurably(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const file = await open(tmp, "w");
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The file's bytes, or undefined when there is no such file. */
export async function readFileIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw e;
  }
}
