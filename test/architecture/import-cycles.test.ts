// No import cycles in src/: the file-level import graph (type-only imports and `export ... from`
// included) has no strongly connected component larger than one file.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildImportGraph, describeCycles, importCycles } from "../helpers/import-graph.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const graph = buildImportGraph(root, ["src"]);

describe("src/ import graph", () => {
  it("reads the tree and resolves every relative import", () => {
    expect(graph.files.length).toBeGreaterThan(50);
    expect(graph.unresolved.map((e) => `${e.from}:${e.line} -> ${e.specifier}`)).toEqual([]);
  });

  it("has no import cycles", () => {
    const cycles = importCycles(graph).flatMap((component) => describeCycles(graph, component));
    expect(cycles, `import cycles in src/ (file:line imports the next file):\n${cycles.join("\n")}\n`).toEqual([]);
  });
});
