/**
 * Strict reading of request values: JSON no deeper than a bound, numbers that are finite, RFC 3339 date-times
 * that exist on the calendar, integers written as plain digits. Each check is iterative and linear in the size of
 * the value, so a hostile body cannot overflow the stack or take super-linear time here.
 */
import { jsonTextNestsDeeperThan, type Problem } from '@aftersales/core';

/** Deepest JSON nesting a request body may have (objects and arrays). */
export const MAX_JSON_DEPTH = 128;

const token = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The first place where a JSON value nests deeper than `limit`, or where a number is not finite (JSON text such
 * as `1e400` parses to Infinity), as a problem; `undefined` when the value is fine.
 *
 * @param value - a parsed JSON value
 * @param at - JSON pointer prefix
 * @param limit - deepest nesting allowed
 * @example
 * ```ts
 * checkJsonValue({ a: 1e400 })?.path // '/a'
 * ```
 */
export function checkJsonValue(value: unknown, at = '', limit = MAX_JSON_DEPTH): Problem | undefined {
  // Containers only go on the stack (scalars are checked in place), with their parent's index and key, so a path
  // is built only for the one problem found: a 1 MiB array of 100,000 strings costs one pass and no strings.
  const nodes: unknown[] = [value];
  const parents: number[] = [-1];
  const keys: Array<string | number> = [''];
  const depths: number[] = [0];
  const pathOf = (index: number, last?: string | number): string => {
    const parts: string[] = last === undefined ? [] : [token(last)];
    for (let i = index; i > 0; i = parents[i] as number) parts.push(token(keys[i] as string | number));
    return `${at}${parts.length ? '/' : ''}${parts.reverse().join('/')}`;
  };
  if (typeof value === 'number' && !Number.isFinite(value)) return { path: at, message: 'must be a finite number', code: 'schema.finite', found: String(value) };
  const stack: number[] = [0];
  while (stack.length > 0) {
    const index = stack.pop() as number;
    const node = nodes[index];
    const depth = depths[index] as number;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return { path: pathOf(index), message: `must not nest deeper than ${limit} levels`, code: 'schema.maxDepth', expected: limit };
    const visit = (key: string | number, child: unknown): Problem | undefined => {
      if (typeof child === 'number') {
        if (!Number.isFinite(child)) return { path: pathOf(index, key), message: 'must be a finite number', code: 'schema.finite', found: String(child) };
      } else if (child !== null && typeof child === 'object') {
        nodes.push(child);
        parents.push(index);
        keys.push(key);
        depths.push(depth + 1);
        stack.push(nodes.length - 1);
      }
      return undefined;
    };
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const problem = visit(i, node[i]);
        if (problem) return problem;
      }
    } else {
      for (const key of Object.keys(node)) {
        const problem = visit(key, (node as Record<string, unknown>)[key]);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

/**
 * Whether a JSON text nests objects and arrays deeper than `limit`, by one scan of its characters (strings
 * skipped): a body nested 100,000 deep is refused before `JSON.parse` builds its 100,000 objects.
 *
 * @example
 * ```ts
 * textNestsDeeperThan('[[[1]]]', 2) // true
 * ```
 */
export function textNestsDeeperThan(text: string, limit = MAX_JSON_DEPTH): boolean {
  return jsonTextNestsDeeperThan(text, limit);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayExists(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
  return d <= days;
}

/**
 * Whether a string is an RFC 3339 date-time (with `Z` or an offset) naming an instant that exists: month 1–12, a
 * day the month has, hour 0–23, minute and second 0–59, offset within ±23:59. `2026-02-31T10:00:00+08:00` and
 * `…T24:00:00…` are refused (JavaScript's `Date` would read them as other days).
 *
 * @example
 * ```ts
 * isRfc3339DateTime('2026-02-28T10:00:00+08:00') // true
 * isRfc3339DateTime('2026-02-31T10:00:00+08:00') // false
 * ```
 */
export function isRfc3339DateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (!dayExists(y, mo, d) || h > 23 || mi > 59 || s > 59) return false;
  if (m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false;
  return true;
}

/**
 * Whether a string is an RFC 3339 full date (`YYYY-MM-DD`) that exists.
 *
 * @example
 * ```ts
 * isRfc3339Date('2024-02-29') // true
 * ```
 */
export function isRfc3339Date(text: string): boolean {
  const m = DATE.exec(text);
  return m !== null && dayExists(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Reads a positive integer written as plain decimal digits (no sign, exponent, hex, blanks or leading zero).
 *
 * @returns the number, or `undefined` when the text is not such an integer
 * @example
 * ```ts
 * plainInteger('50') // 50
 * plainInteger('1e3') // undefined
 * ```
 */
export function plainInteger(text: string): number | undefined {
  return /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined;
}
