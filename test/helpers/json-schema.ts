// A small JSON Schema checker for the subset the execution-apis spec uses (after its $refs are
// inlined): type, properties, required, additionalProperties, patternProperties, pattern, enum, const,
// items, oneOf/anyOf/allOf/not, minimum/maximum. Any other assertion keyword makes it throw rather than
// silently pass, so a spec update that needs more is noticed.

export type Schema = { [keyword: string]: unknown };

/** Keywords that describe but do not constrain. */
const ANNOTATIONS = new Set(["title", "description", "examples", "default", "deprecated", "$comment", "format"]);
const ASSERTIONS = new Set([
  "type", "properties", "required", "additionalProperties", "patternProperties", "pattern", "enum", "const",
  "items", "oneOf", "anyOf", "allOf", "not", "minimum", "maximum",
]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(wanted: string, value: unknown): boolean {
  const actual = typeOf(value);
  if (wanted === "number") return actual === "number" || actual === "integer";
  return wanted === actual;
}

function asSchema(value: unknown, where: string): Schema {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${where}: not a schema`);
  return value as Schema;
}

/** Every violation of `schema` by `value`, each with its JSON path; empty when valid. */
export function validate(schema: Schema, value: unknown, path = "$"): string[] {
  const errors: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) throw new Error(`${path}: unsupported schema keyword ${keyword}`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(t, value))) return [`${path}: expected ${types.join("|")}, got ${typeOf(value)}`];
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((item) => item === value)) {
    errors.push(`${path}: ${JSON.stringify(value)} not in enum ${JSON.stringify(schema.enum)}`);
  }
  if (schema.const !== undefined && schema.const !== value) errors.push(`${path}: expected const ${JSON.stringify(schema.const)}`);
  if (typeof value === "string" && typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
    errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${path}: ${value} > maximum ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    const items = asSchema(schema.items, `${path}.items`);
    value.forEach((item, i) => errors.push(...validate(items, item, `${path}[${i}]`)));
  }
  if (typeOf(value) === "object") errors.push(...validateObject(schema, value as Record<string, unknown>, path));
  if (schema.allOf !== undefined) {
    for (const [i, sub] of (schema.allOf as unknown[]).entries()) errors.push(...validate(asSchema(sub, `${path}.allOf[${i}]`), value, path));
  }
  if (schema.anyOf !== undefined) {
    const branches = (schema.anyOf as unknown[]).map((sub, i) => validate(asSchema(sub, `${path}.anyOf[${i}]`), value, path));
    if (!branches.some((branch) => branch.length === 0)) errors.push(`${path}: matches no anyOf branch (${summarise(branches)})`);
  }
  if (schema.oneOf !== undefined) {
    const branches = (schema.oneOf as unknown[]).map((sub, i) => validate(asSchema(sub, `${path}.oneOf[${i}]`), value, path));
    const matching = branches.filter((branch) => branch.length === 0).length;
    if (matching !== 1) errors.push(`${path}: matches ${matching} oneOf branches, want exactly 1 (${summarise(branches)})`);
  }
  if (schema.not !== undefined && validate(asSchema(schema.not, `${path}.not`), value, path).length === 0) {
    errors.push(`${path}: matches a "not" schema`);
  }
  return errors;
}

function validateObject(schema: Schema, value: Record<string, unknown>, path: string): string[] {
  const errors: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, unknown>);
  for (const key of (schema.required ?? []) as string[]) {
    if (!Object.hasOwn(value, key)) errors.push(`${path}: missing required property ${key}`);
  }
  for (const [key, item] of Object.entries(value)) {
    let known = false;
    if (Object.hasOwn(properties, key)) {
      known = true;
      errors.push(...validate(asSchema(properties[key], `${path}.${key}`), item, `${path}.${key}`));
    }
    for (const [pattern, sub] of patterns) {
      if (new RegExp(pattern, "u").test(key)) {
        known = true;
        errors.push(...validate(asSchema(sub, `${path}.${key}`), item, `${path}.${key}`));
      }
    }
    if (known || schema.additionalProperties === undefined || schema.additionalProperties === true) continue;
    if (schema.additionalProperties === false) errors.push(`${path}: unexpected property ${key}`);
    else errors.push(...validate(asSchema(schema.additionalProperties, `${path}.${key}`), item, `${path}.${key}`));
  }
  return errors;
}

function summarise(branches: string[][]): string {
  return branches.map((branch, i) => `#${i}: ${branch[0] ?? "ok"}${branch.length > 1 ? ` (+${branch.length - 1})` : ""}`).join("; ");
}
