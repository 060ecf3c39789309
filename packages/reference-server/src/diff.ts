/**
 * A structural diff of two JSON values, as a list of JSON pointers with the value on each side. Replay uses it to
 * say exactly where a re-evaluated decision differs from the recorded one.
 */

/** One difference. `recorded` or `replayed` is absent when the key exists on one side only. */
export interface Difference {
  path: string;
  recorded?: unknown;
  replayed?: unknown;
}

const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Lists where two JSON values differ.
 *
 * @param recorded - the stored value
 * @param replayed - the recomputed value
 * @param limit - most differences listed (default 100)
 * @returns differences in document order, empty when equal
 * @example
 * ```ts
 * jsonDiff({ a: 1 }, { a: 2 }) // [{ path: '/a', recorded: 1, replayed: 2 }]
 * ```
 */
export function jsonDiff(recorded: unknown, replayed: unknown, limit = 100): Difference[] {
  const out: Difference[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) {
        if (i >= a.length) out.push({ path: `${path}/${i}`, replayed: b[i] });
        else if (i >= b.length) out.push({ path: `${path}/${i}`, recorded: a[i] });
        else walk(a[i], b[i], `${path}/${i}`);
        if (out.length >= limit) return;
      }
      return;
    }
    if (isPlain(a) && isPlain(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) {
        const p = `${path}/${escape(k)}`;
        if (!(k in b)) out.push({ path: p, recorded: a[k] });
        else if (!(k in a)) out.push({ path: p, replayed: b[k] });
        else walk(a[k], b[k], p);
        if (out.length >= limit) return;
      }
      return;
    }
    if (!Object.is(a, b) && !(typeof a === 'number' && a === b)) out.push({ path, recorded: a, replayed: b });
  };
  walk(recorded, replayed, '');
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
