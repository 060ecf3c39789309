/**
 * The JSON Schema machinery of core: one Ajv (2020-12) instance per purpose, every fixed schema compiled once
 * at start-up, and ajv errors turned into {@link Problem}s that say where (JSON pointer) and why.
 */
import { DECORATORS, OPERATOR_HELP, OPERATORS, parseOperator } from './operators.js';
import { suggest } from './suggest.js';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { RE2JS } from 're2js';
import packSchema from '../schema/rule-pack.schema.json';
import { pointerToken } from './path.js';
import type { Problem } from './types.js';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats: AddFormats =
  (addFormatsImport as unknown as { default?: AddFormats }).default ?? (addFormatsImport as unknown as AddFormats);

/**
 * The regular-expression engine of every schema (`pattern`, `patternProperties`, `propertyNames`): RE2 (re2js),
 * which matches in time linear in the input, so a pack's `^(a+)+$` cannot make validation backtrack for minutes.
 * A pattern RE2 cannot express (backreferences, lookaround) fails to compile, so the pack is refused at load.
 */
const re2Engine = Object.assign(
  (pattern: string): { test: (s: string) => boolean; toString: () => string } => {
    const compiled = RE2JS.compile(pattern);
    return { test: (s: string) => compiled.test(s), toString: () => `re2:${pattern}` };
  },
  { code: 'RE2JS.compile' },
);

/** The `maxItems` the loader gives an array schema that declares none (validation stays bounded). */
export const DEFAULT_MAX_ITEMS = 1000;

const SUBSCHEMA = ['items', 'contains', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

/**
 * A copy of a schema in which every array has a bound: arrays without `maxItems` get {@link DEFAULT_MAX_ITEMS},
 * and `uniqueItems` (pairwise comparisons) is checked only once the array is within its `maxItems`, so an
 * over-long array is refused by `maxItems` without the quadratic check running over it.
 *
 * @param schema - a JSON Schema
 * @returns the bounded copy (the input is not changed)
 * @example
 * ```ts
 * (boundArrays({ type: 'array', uniqueItems: true }) as { maxItems: number }).maxItems // 1000
 * ```
 */
export function boundArrays(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  for (const key of SUBSCHEMA) if (key in out) out[key] = boundArrays(out[key]);
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(boundArrays);
  for (const key of SUBSCHEMA_MAPS) {
    const map = out[key];
    if (map !== null && typeof map === 'object' && !Array.isArray(map)) {
      out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, boundArrays(v)]));
    }
  }
  const type = out.type;
  const isArray = type === 'array' || (Array.isArray(type) && type.includes('array')) || 'items' in out || 'prefixItems' in out || 'uniqueItems' in out;
  if (!isArray) return out;
  if (typeof out.maxItems !== 'number') out.maxItems = DEFAULT_MAX_ITEMS;
  if (out.uniqueItems === true) {
    delete out.uniqueItems;
    const guard = { if: { maxItems: out.maxItems }, then: { uniqueItems: true } };
    out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), guard];
  }
  return out;
}

function makeAjv(useDefaults: boolean): Ajv2020 {
  // verbose: an error carries the schema it broke, so an unknown key's problem can list the keys allowed there.
  const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults, validateFormats: true, verbose: true, code: { regExp: re2Engine } });
  addFormats(ajv);
  return ajv;
}

/** Validates pack documents against the shipped pack schema. */
export const packAjv = makeAjv(false);
/** Compiles packs' fact schemas; applies `default`s. */
export const factsAjv = makeAjv(true);
/** Compiles outcome and parameter schemas. */
export const plainAjv = makeAjv(false);

/** The compiled pack-format validator. */
export const validatePackDocument: ValidateFunction = packAjv.compile(packSchema);

/** The pack format's JSON Schema (2020-12), as shipped in `schema/rule-pack.schema.json`. */
export const rulePackSchema: Record<string, unknown> = packSchema as Record<string, unknown>;


function pointerOf(instancePath: string, error: ErrorObject): string {
  // ajv escapes instancePath itself but hands property names over raw: escape them so the pointer resolves.
  if (error.keyword === 'required') {
    return `${instancePath}/${pointerToken((error.params as { missingProperty: string }).missingProperty)}`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${instancePath}/${pointerToken((error.params as { additionalProperty: string }).additionalProperty)}`;
  }
  return instancePath;
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describeFound(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 77)}...` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return Array.isArray(value) ? 'array' : 'object';
}

/** Enum values listed in a problem's message up to this many (all are in `expected`). */
const MAX_LISTED = 12;

/** The keys a schema that refused an unknown key declares (`properties`), for "did you mean". */
function allowedKeys(schema: unknown): string[] {
  const properties = (schema as { properties?: unknown } | undefined)?.properties;
  return properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
}

/** The closest operator a pack has to an unknown one, its decorators kept: `not:greaterThen` → `not:greaterThan`. */
function suggestOperator(written: string): string | undefined {
  const parts = written.split(':');
  let changed = false;
  const fixed = parts.map((part, i) => {
    const known = i === parts.length - 1 ? Object.keys(OPERATORS) : Object.keys(DECORATORS);
    if (known.includes(part)) return part;
    const near = suggest(part, known);
    if (near === undefined) return undefined;
    changed = true;
    return near;
  });
  return changed && fixed.every((p) => p !== undefined) ? fixed.join(':') : undefined;
}

/**
 * Turns ajv errors into problems, dropping the noise of failed `anyOf`/`oneOf` branches when a more precise
 * error at the same or a deeper place exists.
 */
export function toProblems(errors: ErrorObject[] | null | undefined, root: unknown, prefix = ''): Problem[] {
  if (!errors) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const path = prefix + pointerOf(error.instancePath, error);
    const message = error.keyword === 'additionalProperties' ? 'is not allowed here' : (error.message ?? 'is invalid');
    const key = `${path}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const problem: Problem = { path, message, code: `schema.${error.keyword}` };
    if (error.keyword === 'pattern' && error.schemaPath.startsWith('#/$defs/operator/')) {
      // An operator a pack does not have: name the unknown part and say what to do instead.
      const written = String(valueAt(root, error.instancePath));
      const parsed = parseOperator(written);
      problem.code = 'UNKNOWN_OPERATOR';
      problem.message = `${'error' in parsed ? parsed.error : `unknown operator "${written}"`}: ${OPERATOR_HELP}`;
      problem.found = written;
      problem.expected = Object.keys(OPERATORS);
      const suggestion = suggestOperator(written);
      if (suggestion !== undefined) problem.suggestion = suggestion;
      problems.push(problem);
      continue;
    }
    const params = error.params as Record<string, unknown>;
    if ('type' in params) problem.expected = params.type;
    else if ('allowedValues' in params) problem.expected = params.allowedValues;
    else if ('allowedValue' in params) problem.expected = params.allowedValue;
    else if ('limit' in params) problem.expected = `${String(params.comparison ?? '')} ${String(params.limit)}`.trim();
    else if ('format' in params) problem.expected = `format ${String(params.format)}`;
    else if ('pattern' in params) problem.expected = `pattern ${String(params.pattern)}`;
    if (error.keyword !== 'required' && error.keyword !== 'additionalProperties') {
      const found = describeFound(valueAt(root, error.instancePath));
      if (found !== undefined) problem.found = found;
    }
    if (error.keyword === 'additionalProperties') {
      // A misspelt key must not be lost silently: name it, the keys allowed there and the closest of them.
      const key = String(params.additionalProperty);
      const allowed = allowedKeys(error.parentSchema);
      const suggestion = suggest(key, allowed);
      problem.code = 'UNKNOWN_KEY';
      problem.message = `unknown key "${key}"${suggestion !== undefined ? `: did you mean "${suggestion}"?` : ''}${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}`;
      problem.found = key;
      if (allowed.length > 0) problem.expected = allowed;
      if (suggestion !== undefined) problem.suggestion = suggestion;
    }
    if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      const allowed = params.allowedValues as unknown[];
      if (allowed.length <= MAX_LISTED) problem.message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
      const written = valueAt(root, error.instancePath);
      const suggestion = typeof written === 'string' ? suggest(written, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
      if (suggestion !== undefined) problem.suggestion = suggestion;
    }
    problems.push(problem);
  }
  // Prefer specific errors: drop anyOf/oneOf summaries when something else was reported at or below that path.
  return problems.filter(
    (p) =>
      !(p.code === 'schema.anyOf' || p.code === 'schema.oneOf' || p.code === 'schema.not' || p.code === 'schema.if') ||
      !problems.some((q) => q !== p && !q.code.match(/schema\.(anyOf|oneOf|not|if)$/) && (q.path === p.path || q.path.startsWith(`${p.path}/`))),
  );
}
