// The file-level import graph of a source tree, read with the TypeScript parser (no type
// checking, so it is fast): every `import`, `import type`, `export ... from`, `export * from`,
// `import x = require()`, dynamic `import()` and `import("x")` type. Relative specifiers are
// resolved the way NodeNext resolves the project's own files: `./x.js` -> `./x.ts`,
// `./dir/index.js` -> `./dir/index.ts`. Bare specifiers (packages, node:*) are kept as edges to
// no file, for checks that care about them.
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export type ImportKind = "import" | "type" | "export" | "dynamic" | "require";

export interface ImportEdge {
  /** The importing file, relative to the graph's root, with `/` separators. */
  readonly from: string;
  /** 1-based line of the import in `from`. */
  readonly line: number;
  readonly specifier: string;
  /** The imported file (relative to the root), or null for a package or an unresolved path. */
  readonly to: string | null;
  readonly kind: ImportKind;
}

export interface ImportGraph {
  /** Repository root the paths are relative to. */
  readonly root: string;
  /** Every source file, sorted. */
  readonly files: readonly string[];
  /** file -> its imports, in source order. */
  readonly edges: ReadonlyMap<string, readonly ImportEdge[]>;
  /** Relative specifiers that name no file. */
  readonly unresolved: readonly ImportEdge[];
}

const SOURCE = /\.(ts|mts|cts|tsx)$/;

function listSources(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => SOURCE.test(f) && !f.endsWith(".d.ts"))
    .map((f) => join(dir, f))
    .sort();
}

const toPosix = (p: string) => p.split(sep).join("/");

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

/** `./x.js` -> `./x.ts` (or .tsx), `./x.mjs` -> `./x.mts`, `./dir` -> `./dir/index.ts`. */
export function resolveRelative(fromFile: string, specifier: string): string | null {
  const base = resolve(dirname(fromFile), specifier);
  const candidates: string[] = [];
  const swap: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };
  const ext = /\.[cm]?jsx?$/.exec(base)?.[0];
  if (ext) for (const to of swap[ext] ?? []) candidates.push(base.slice(0, -ext.length) + to);
  candidates.push(base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx"));
  return candidates.find(isFile) ?? null;
}

function importsOf(file: string): { specifier: string; line: number; kind: ImportKind }[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { specifier: string; line: number; kind: ImportKind }[] = [];
  const add = (literal: ts.Node, kind: ImportKind) => {
    if (!ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1;
    found.push({ specifier: literal.text, line, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      // Only `import type` is erased (verbatimModuleSyntax): `import { type A }` stays at run time.
      const typeOnly = node.importClause?.isTypeOnly === true;
      add(node.moduleSpecifier, typeOnly ? "type" : "import");
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, node.isTypeOnly ? "type" : "export");
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly ? "type" : "require");
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node.arguments[0], "dynamic");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, "type");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The import graph of every source file under `dirs` (relative to `root`). */
export function buildImportGraph(root: string, dirs: readonly string[] = ["src"]): ImportGraph {
  const absolute = dirs.flatMap((d) => listSources(resolve(root, d)));
  const rel = (p: string) => toPosix(relative(root, p));
  const edges = new Map<string, ImportEdge[]>();
  const unresolved: ImportEdge[] = [];
  for (const file of absolute) {
    const from = rel(file);
    const list: ImportEdge[] = [];
    for (const { specifier, line, kind } of importsOf(file)) {
      const isRelative = specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..";
      const target = isRelative ? resolveRelative(file, specifier) : null;
      const edge: ImportEdge = { from, line, specifier, to: target && rel(target), kind };
      list.push(edge);
      if (isRelative && target === null) unresolved.push(edge);
    }
    edges.set(from, list);
  }
  return { root, files: absolute.map(rel), edges, unresolved };
}

/** Strongly connected components (Tarjan) with more than one file, or a file importing itself. */
export function importCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const next = (f: string) => (graph.edges.get(f) ?? []).flatMap((e) => (e.to !== null && graph.edges.has(e.to) ? [e.to] : []));

  const strongConnect = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!indexOf.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next(v).includes(v)) components.push(component.sort());
    }
  };
  for (const f of graph.files) if (!indexOf.has(f)) strongConnect(f);
  return components.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/**
 * Readable cycles covering every import inside one strongly connected component: for each
 * import a -> b not yet shown, the shortest way back b ~> a. Each step is `file:line`, the line
 * holding the import of the next file; `(type)` marks a type-only import.
 */
export function describeCycles(graph: ImportGraph, component: readonly string[]): string[] {
  const members = new Set(component);
  const inside = (f: string) =>
    (graph.edges.get(f) ?? []).filter((e): e is ImportEdge & { to: string } => e.to !== null && members.has(e.to));
  const covered = new Set<ImportEdge>();
  const cycles: string[] = [];
  for (const a of component) {
    for (const first of inside(a)) {
      if (covered.has(first)) continue;
      // BFS from first.to back to a, within the component.
      const via = new Map<string, ImportEdge>();
      const queue = [first.to];
      const seen = new Set([first.to]);
      while (queue.length > 0 && !seen.has(a)) {
        const f = queue.shift()!;
        for (const e of inside(f)) {
          if (seen.has(e.to)) continue;
          seen.add(e.to);
          via.set(e.to, e);
          queue.push(e.to);
        }
      }
      const path: ImportEdge[] = [first];
      if (first.to !== a) {
        const back: ImportEdge[] = [];
        for (let f = a; f !== first.to; f = via.get(f)!.from) back.push(via.get(f)!);
        path.push(...back.reverse());
      }
      path.forEach((e) => covered.add(e));
      const steps = path.map((e) => `${e.from}:${e.line}${e.kind === "type" ? " (type)" : ""}`);
      cycles.push([...steps, a].join(" -> "));
    }
  }
  return cycles;
}
