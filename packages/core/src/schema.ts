/**
 * The JSON Schema machinery of core: one Ajv (2020-12) instance per purpose, every fixed schema compiled once
 * at start-up, and ajv errors turned into {@link Problem}s that say where (JSON pointer) and why.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import packSchema from '../schema/rule-pack.schema.json';
import { pointerToken } from './path.js';
import type { Problem } from './types.js';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats: AddFormats =
  (addFormatsImport as unknown as { default?: AddFormats }).default ?? (addFormatsImport as unknown as AddFormats);

function makeAjv(useDefaults: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults, validateFormats: true });
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
    problems.push(problem);
  }
  // Prefer specific errors: drop anyOf/oneOf summaries when something else was reported at or below that path.
  return problems.filter(
    (p) =>
      !(p.code === 'schema.anyOf' || p.code === 'schema.oneOf' || p.code === 'schema.not' || p.code === 'schema.if') ||
      !problems.some((q) => q !== p && !q.code.match(/schema\.(anyOf|oneOf|not|if)$/) && (q.path === p.path || q.path.startsWith(`${p.path}/`))),
  );
}
