/**
 * JSON data helpers shared by core: the plain-object test, a deep copy with JSON semantics and a nesting-depth
 * scan of JSON text.
 */

/** Whether a value is a non-null, non-array object. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as it appears in a problem's `found`: scalars as they are, containers by kind. */
export const describeValue = (v: unknown): unknown => (v !== null && typeof v === 'object' ? (Array.isArray(v) ? 'array' : 'object') : v);

/**
 * A deep copy with JSON semantics (what `JSON.parse(JSON.stringify(v))` gives: undefined object members dropped,
 * undefined array items and non-finite numbers become null, `toJSON` honoured), several times faster. A function,
 * symbol or bigint is not data: it throws a TypeError. Own `__proto__` keys stay plain data properties.
 */
export function cloneJson<T>(value: T): T {
  return copyJson(value, 0) as T;
}

function copyJson(value: unknown, depth: number): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      throw new TypeError(`a ${typeof value} is not JSON data`);
  }
  if (depth > 200) throw new TypeError('value is nested too deeply');
  const object = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (typeof object.toJSON === 'function') return copyJson(object.toJSON(), depth + 1);
  if (Array.isArray(object)) {
    const out = new Array<unknown>(object.length);
    for (let i = 0; i < object.length; i++) {
      const item = copyJson(object[i], depth + 1);
      out[i] = item === undefined ? null : item;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const item = copyJson(object[key], depth + 1);
    if (item === undefined) continue;
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}

/**
 * Whether a JSON text nests objects and arrays deeper than `limit`, found by one linear scan of its characters
 * (strings skipped, backslash escapes honoured) without recursion: a text nested 500,000 deep is refused before
 * `JSON.parse` overflows its stack or builds 500,000 objects. The CLI applies it to facts files, the reference
 * server to request bodies.
 *
 * @param text - the JSON text, not yet parsed
 * @param limit - the deepest nesting allowed (objects and arrays)
 * @returns true when some object or array sits deeper than `limit`
 * @example
 * ```ts
 * import { jsonTextNestsDeeperThan } from '@aftersales/core';
 * jsonTextNestsDeeperThan('[[[1]]]', 2); // true
 * jsonTextNestsDeeperThan('{"a":"[[[["}', 1); // false: brackets inside strings do not count
 * ```
 */
export function jsonTextNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}
