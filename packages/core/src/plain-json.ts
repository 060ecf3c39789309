/**
 * Which values of an input are not JSON data. Facts arrive from JavaScript callers as well as from JSON, and a
 * decision must be the one the same JSON would get in the server, the CLI and the audit log: so `NaN`,
 * `Infinity`, a `Date`, a function, a symbol, a bigint or a class instance is refused with its JSON pointer,
 * never silently turned into `null`, a string or `{}`.
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
