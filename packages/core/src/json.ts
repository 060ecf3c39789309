/**
 * JSON data helpers shared by core: the plain-object test and a deep copy with JSON semantics.
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
