// Refusing to run on a damaged database. LevelDB as classic-level opens it has no paranoid checks:
// when it replays its write-ahead log it drops records that fail their checksum and carries on, and
// with its CURRENT file gone it creates a fresh, empty database beside the old files. Either way a
// node would start on a chain that silently lost blocks, or lost its validators' signing records
// and could sign again what it signed before. These checks turn those cases into a refusal to start
// that says what is wrong and what to do.
//
// Dropped log records are seen only once, in the LOG LevelDB writes while it opens (the damaged log
// is compacted away right after), so the first refusal leaves a marker file behind: later starts
// refuse too until the operator has dealt with it and removed the marker.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The file that keeps a node from starting on a database found damaged before. */
export const DAMAGED_MARKER = "DATABASE-DAMAGED";

const REMEDY = "restore the data directory from a backup, or remove it and let the node sync afresh";

export class DatabaseDamagedError extends Error {
  constructor(dir: string, what: string) {
    super(`the database at ${dir} is damaged: ${what}; ${REMEDY}`);
    this.name = "DatabaseDamagedError";
  }
}

/** LevelDB's own files in a directory (tables, logs, manifests), not genesis or key files beside them. */
function levelFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^\d+\.(log|ldb|sst)$/.test(f) || /^MANIFEST-\d+$/.test(f));
}

/** Before opening: a marker from an earlier refusal, or data files without the CURRENT that names them. */
export function checkBeforeOpen(dir: string): void {
  const marker = join(dir, DAMAGED_MARKER);
  if (existsSync(marker)) {
    const reason = readFileSync(marker, "utf8").split("\n")[0] ?? "";
    throw new DatabaseDamagedError(dir, `${reason} (found on an earlier start; remove ${marker} only once the data is restored)`);
  }
  const files = levelFiles(dir);
  if (files.length > 0 && !existsSync(join(dir, "CURRENT"))) {
    throw new DatabaseDamagedError(dir, `its CURRENT file is missing while data files are there (${files.slice(0, 3).join(", ")}): opening it would start an empty database`);
  }
}

/** After opening: records LevelDB dropped while replaying its log, as its LOG of this open tells. */
export function checkAfterOpen(dir: string): void {
  const logFile = join(dir, "LOG");
  if (!existsSync(logFile)) return;
  const dropped = readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => line.includes("(ignoring error)") || /Corruption:/.test(line))
    .map((line) => line.replace(/^\S+ \S+ /, ""));
  if (dropped.length === 0) return;
  const what = `LevelDB dropped damaged records while opening it (${dropped[0]!.slice(0, 200)}${dropped.length > 1 ? `, and ${dropped.length - 1} more` : ""})`;
  writeFileSync(join(dir, DAMAGED_MARKER), `${what}\n${dropped.join("\n")}\n`);
  throw new DatabaseDamagedError(dir, what);
}

/** A read that LevelDB failed for a damaged table, as a DatabaseDamagedError naming the directory. */
export function damagedRead(dir: string, err: unknown): Error {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === "LEVEL_CORRUPTION" || /Corruption:/.test(message)) return new DatabaseDamagedError(dir, `a read failed (${message.slice(0, 200)})`);
  return err instanceof Error ? err : new Error(message);
}
