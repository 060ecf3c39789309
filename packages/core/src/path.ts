/**
 * A plain property-path getter for facts. Facts are untrusted input, so paths are parsed, never evaluated:
 * no JSONPath filters, no scripts, and `__proto__`, `constructor` and `prototype` segments are refused. It
 * replaces json-rules-engine's JSONPath resolution.
 */
import { UnsafePathError } from './errors.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Splits a dotted path (`a.b.0`, optionally prefixed `$.`) into segments.
 *
 * @param path - dotted property path
 * @returns the segments
 * @throws {@link UnsafePathError} when a segment is empty, has other characters, or is forbidden
 * @example
 * ```ts
 * parsePath('$.startupOrders.tools') // ['startupOrders', 'tools']
 * ```
 */
export function parsePath(path: string): string[] {
  const body = path.startsWith('$.') ? path.slice(2) : path === '$' ? '' : path;
  if (body === '') return [];
  const segments = body.split('.');
  for (const segment of segments) {
    if (FORBIDDEN.has(segment)) throw new UnsafePathError(path, `segment "${segment}" is not allowed`);
    if (!SEGMENT.test(segment)) throw new UnsafePathError(path, `segment "${segment}" must match [A-Za-z0-9_-]+`);
  }
  return segments;
}

/**
 * Reads a property path from a value; returns `undefined` when any step is missing. Only own properties of
 * plain objects and arrays are read.
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
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
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
