/**
 * A plain property-path getter for facts. Facts are untrusted input, so paths are parsed, never evaluated:
 * no JSONPath filters, no scripts, and `__proto__`, `constructor` and `prototype` segments are refused. It
 * replaces json-rules-engine's JSONPath resolution.
 */
import { UnsafePathError } from './errors.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** A name step after a dot: letters (any script), digits, `_` and `-`; JSONPath's operator characters are not names. */
const NAME = /^[\p{L}\p{N}_-]+/u;

/** Why a path is refused, with what to write instead. */
function refuse(path: string, reason: string): never {
  throw new UnsafePathError(path, reason);
}

const EXPRESSION_HELP =
  'paths are parsed, never evaluated: use names, [n] indexes and quoted keys; for a condition on the elements of an array use someFact: or everyFact:, or send a fact computed by the caller';

/**
 * Splits a property path into steps. Accepts json-rules-engine's plain JSONPath forms: `a.b`, `$.a.b`, `a.0`,
 * `$.items[0].price`, `$.[0].id` (an index at the root of an array fact), `$['dot.key']`, `$["a b"]`. Refuses
 * JSONPath expressions (filters, scripts, wildcards, recursive descent, unions, slices) and the names
 * `__proto__`, `constructor`, `prototype`.
 *
 * @param path - the path as authored
 * @returns the steps (an index as its decimal string)
 * @throws {@link UnsafePathError} for an expression, a malformed path or a forbidden name, saying what to write instead
 * @example
 * ```ts
 * parsePath('$.startupOrders.tools') // ['startupOrders', 'tools']
 * parsePath("$.items[0]['unit.price']") // ['items', '0', 'unit.price']
 * ```
 */
export function parsePath(path: string): string[] {
  if (path === '' || path === '$') return [];
  // `a.b` is read as `$.a.b`, as JSONPath-plus reads it.
  let rest = path.startsWith('$') ? path.slice(1) : `.${path}`;
  const segments: string[] = [];
  while (rest.length > 0) {
    if (rest.startsWith('..')) refuse(path, `recursive descent ".." is a JSONPath expression; ${EXPRESSION_HELP}`);
    if (rest.startsWith('.[')) rest = rest.slice(1);
    if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1))?.[0];
      if (name === undefined) {
        refuse(path, `"${rest.slice(1, 2) || '(end)'}" after "." is not a name (letters, digits, _ and -); quote other keys as ['key']; ${EXPRESSION_HELP}`);
      }
      segments.push(name);
      rest = rest.slice(1 + name.length);
      continue;
    }
    if (rest.startsWith('[')) {
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(?:'([^'\\]*)'|"([^"\\]*)")\]/.exec(rest);
      if (index) {
        segments.push(index[1]!);
        rest = rest.slice(index[0].length);
      } else if (quoted) {
        segments.push(quoted[1] ?? quoted[2]!);
        rest = rest.slice(quoted[0].length);
      } else {
        refuse(path, `"${rest.slice(0, 12)}" is not an index [n] nor a quoted key ['key']; ${EXPRESSION_HELP}`);
      }
      continue;
    }
    refuse(path, `"${rest.slice(0, 12)}" is not a path step; ${EXPRESSION_HELP}`);
  }
  for (const segment of segments) {
    if (FORBIDDEN.has(segment)) refuse(path, `segment "${segment}" is not allowed (prototype pollution); rename the property`);
  }
  return segments;
}

/**
 * One step of a path, as json-rules-engine's JSONPath reads it: an own property of an object or an array (an
 * array's `length` included), or of a string (its `length` and its characters); anything else is `undefined`.
 *
 * @internal
 */
export function step(current: unknown, segment: string): unknown {
  if (current !== null && typeof current === 'object') {
    return Object.prototype.hasOwnProperty.call(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
  }
  if (typeof current === 'string' && Object.prototype.hasOwnProperty.call(current, segment)) return (current as unknown as Record<string, unknown>)[segment];
  return undefined;
}

/**
 * Reads a property path from a value; returns `undefined` when any step is missing. Only own properties are read
 * (of objects, arrays and strings: an array's or a string's `length` and a string's characters, as JSONPath reads them).
 *
 * @param value - the object to read from
 * @param path - dotted property path, e.g. `tools` or `$.severity.level`
 * @returns the value found, or `undefined`
 * @throws {@link UnsafePathError} for a forbidden or malformed segment
 * @example
 * ```ts
 * getPath({ severity: { level: 2 } }, 'severity.level') // 2
 * getPath({}, '__proto__') // throws UnsafePathError
 * ```
 */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of parsePath(path)) {
    current = step(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * A property name as one JSON pointer token (RFC 6901): `~` as `~0`, `/` as `~1`.
 *
 * @internal
 */
export function pointerToken(name: unknown): string {
  return String(name).replace(/~/g, '~0').replace(/\//g, '~1');
}
