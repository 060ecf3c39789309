/**
 * Which values of an input are not JSON data. Facts arrive from JavaScript callers as well as from JSON, and a
 * decision must be the one the same JSON would get in the server, the CLI and the audit log: so `NaN`,
 * `Infinity`, a `Date`, a function, a symbol, a bigint or a class instance is refused with its JSON pointer,
 * never silently turned into `null`, a string or `{}`. {@link jsonShape} is the one pass a decision makes over
 * its input; {@link nonJsonProblems} names the offending places only when that pass finds one.
 */
import { pointerToken } from './path.js';
import type { Problem } from './types.js';

const MAX_DEPTH = 200;

function kindOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? undefined : String(value);
    case 'function':
    case 'symbol':
    case 'bigint':
      return `a ${typeof value}`;
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return undefined;
      if (value instanceof Date) return 'a Date';
      return `an instance of ${(proto as { constructor?: { name?: string } }).constructor?.name || 'a class'}`;
    }
    default:
      return undefined;
  }
}

const ADVICE: Record<string, string> = {
  'a Date': 'send dates as ISO 8601 strings, e.g. "2026-01-15" / 日期请用 ISO 8601 字符串',
};

/**
 * Every place in `value` that is not JSON data (undefined object members are allowed: JSON drops them).
 *
 * @param value - the input, e.g. the facts of one evaluation
 * @param pointer - the JSON pointer of `value` itself ('' for the root)
 * @returns one problem per offending value, code `NOT_JSON`, with its pointer and what was found
 * @example
 * ```ts
 * nonJsonProblems({ amount: NaN, bought: new Date() })
 * // [{ path: '/amount', code: 'NOT_JSON', found: 'NaN', … }, { path: '/bought', found: 'a Date', … }]
 * ```
 */
export function nonJsonProblems(value: unknown, pointer = ''): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown, at: string, depth: number): void => {
    const kind = kindOf(v);
    if (kind !== undefined) {
      problems.push({ path: at, message: `must be JSON data, not ${kind}${ADVICE[kind] ? `: ${ADVICE[kind]}` : ''}`, code: 'NOT_JSON', expected: 'JSON value', found: kind });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (seen.has(v)) {
      problems.push({ path: at, message: 'must be JSON data, not a cycle', code: 'NOT_JSON', expected: 'JSON value', found: 'a cycle' });
      return;
    }
    if (depth > MAX_DEPTH) {
      problems.push({ path: at, message: `must be nested at most ${MAX_DEPTH} deep`, code: 'NOT_JSON', expected: `depth <= ${MAX_DEPTH}`, found: 'deeper' });
      return;
    }
    seen.add(v);
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, `${at}/${i}`, depth + 1));
    else for (const key of Object.keys(v)) visit((v as Record<string, unknown>)[key], `${at}/${pointerToken(key)}`, depth + 1);
    seen.delete(v);
  };
  visit(value, pointer, 0);
  return problems;
}

/**
 * What {@link jsonShape} found: `Parsed`, JSON data exactly as `JSON.parse` builds it (it can be read in place);
 * `Normalise`, JSON data that a JSON copy would change (an undefined member or item, a hole, a null-prototype
 * object, an array subclass); `NotJson`, not JSON data, nested deeper than the limit or cyclic
 * ({@link nonJsonProblems} says where).
 */
export const JsonShape = { Parsed: 0, Normalise: 1, NotJson: 2 } as const;
/** One of the {@link JsonShape} values. */
export type JsonShape = (typeof JsonShape)[keyof typeof JsonShape];

/**
 * One allocation-free pass over an input: whether it is JSON data as `JSON.parse` would build it, JSON data that
 * a JSON copy would normalise, or not JSON data at all. No pointer is built and no set of visited objects kept:
 * a cycle shows as nesting beyond the limit, and the caller asks {@link nonJsonProblems} for the details.
 *
 * @param value - the input, e.g. the facts of one evaluation
 * @returns the shape (the worst found anywhere in `value`)
 * @example
 * ```ts
 * jsonShape({ a: [1, 'x'] }) // JsonShape.Parsed
 * jsonShape({ a: undefined }) // JsonShape.Normalise
 * jsonShape({ a: NaN }) // JsonShape.NotJson
 * ```
 */
export function jsonShape(value: unknown): JsonShape {
  return shapeAt(value, 0);
}

function shapeAt(value: unknown, depth: number): JsonShape {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JsonShape.Parsed;
    case 'number':
      return Number.isFinite(value) ? JsonShape.Parsed : JsonShape.NotJson;
    case 'undefined':
      return JsonShape.Normalise;
    case 'object':
      break;
    default:
      return JsonShape.NotJson;
  }
  if (value === null) return JsonShape.Parsed;
  if (depth > MAX_DEPTH) return JsonShape.NotJson;
  let worst: JsonShape = JsonShape.Parsed;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) worst = JsonShape.Normalise;
    for (let i = 0; i < value.length; i++) {
      const shape = shapeAt(value[i], depth + 1);
      if (shape === JsonShape.NotJson) return shape;
      if (shape > worst) worst = shape;
    }
    return worst;
  }
  if (proto !== Object.prototype) {
    if (proto !== null) return JsonShape.NotJson;
    worst = JsonShape.Normalise;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const shape = shapeAt(object[key], depth + 1);
    if (shape === JsonShape.NotJson) return shape;
    if (shape > worst) worst = shape;
  }
  return worst;
}
